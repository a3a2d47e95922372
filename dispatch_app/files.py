"""The one way the program writes a file a user named (an export, a calendar, a handoff, a CSV).

A file is replaced whole or not at all: the content goes to a temporary file in the same
folder, is flushed to the disk (``fsync``), takes the old file's permission bits, and is then
renamed over the old one. A failure at any step (a full disk, a folder that cannot be written)
leaves the old file as it was and no temporary file behind.

Only a regular file (or nothing) may stand at the target. A device, a folder, a FIFO or a socket
is refused, and so is a symbolic link: renaming over a link would replace the link itself, and
writing through it would let whoever placed the link choose which file is overwritten. The
message names where the link points, so the user can name that file instead.
"""
from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from dispatch_app.errors import DispatchError

__all__ = ["write_file"]

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def _refusal(target: Path, mode: int) -> str | None:
    """Why ``target`` (of ``lstat`` mode ``mode``) cannot be replaced, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        try:
            points = os.readlink(target)
        except OSError:
            points = "?"
        return (f"cannot write {str(target)!r}: it is a symbolic link (to {points!r}); "
                "name the file itself, or another file")
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"cannot write {str(target)!r}: it is {kind}, not a regular file; name a file"


def _check(target: Path) -> os.stat_result | None:
    """The ``lstat`` of the file to be replaced (None when there is none yet), or a DispatchError."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DispatchError(f"cannot write {str(target)!r}: {error.strerror or error}") from None
    problem = _refusal(target, status.st_mode)
    if problem:
        raise DispatchError(problem)
    return status


def _temporary(target: Path) -> tuple[int, Path]:
    """A new file beside ``target``, open for writing; created 0666 less the umask."""
    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), temporary
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "no free temporary name", str(target.parent))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system opens folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_file(path: str | os.PathLike, content: str | bytes, *, new_mode: int | None = None) -> Path:
    """Replace ``path`` with ``content`` (text is written as UTF-8, line ends as given).

    An existing file keeps its permission bits; a new one gets 0666 less the umask, or
    ``new_mode`` when given (0600 for a file that may hold something private). Raises a
    :class:`DispatchError` naming the file and what to do; the old file is then untouched.
    """
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    old = _check(target)
    if not target.parent.is_dir():
        raise DispatchError(f"cannot write {str(target)!r}: the folder {str(target.parent)!r} does not exist; "
                            "create it or name another place")
    temporary: Path | None = None
    try:
        fd, temporary = _temporary(target)
        try:
            if old is not None:
                os.fchmod(fd, stat.S_IMODE(old.st_mode) & 0o777)
            elif new_mode is not None:
                os.fchmod(fd, new_mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        _check(target)  # nothing else slipped in while we wrote
        os.replace(temporary, target)
        temporary = None
        _sync_folder(target.parent)
    except OSError as error:
        reason = error.strerror or str(error)
        advice = " (free some space, or name another place)" if error.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        kept = "the file was left as it was" if old is not None else "nothing was written"
        raise DispatchError(f"cannot write {str(target)!r}: {reason}{advice}; {kept}") from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    return target
