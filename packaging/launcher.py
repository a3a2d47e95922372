"""Entry point of the packaged program: the same as the ``dispatch-app`` console script.

Before anything else it gives the program a UTF-8 character locale when the environment names
none (or names the C/POSIX locale): Qt warns and guesses otherwise, and a source install gets
the same from Python itself (PEP 538 sets ``LC_CTYPE=C.UTF-8`` under the C locale).
"""
import os

LOCALE_VARIABLES = ("LC_ALL", "LC_CTYPE", "LANG")


def prefer_utf8_locale(environ=os.environ) -> None:
    """``LC_CTYPE=C.UTF-8`` when the character locale would be C or POSIX (nothing set, or set
    to one of them) and ``LC_ALL`` does not pin it; a locale the user chose is left alone."""
    if environ.get("LC_ALL"):
        return
    chosen = next((environ[name] for name in LOCALE_VARIABLES[1:] if environ.get(name)), "")
    if chosen in ("", "C", "POSIX"):
        environ["LC_CTYPE"] = "C.UTF-8"


if __name__ == "__main__":
    prefer_utf8_locale()
    from dispatch_app.cli.main import main

    raise SystemExit(main())
