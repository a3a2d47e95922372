"""``dispatch-app intake serve`` in a process of its own, for the tests that kill it.

    python serve_process.py DB_URL PORT [OPTION ...]   (token in $DISPATCH_TEST_INTAKE_TOKEN)

The test process's in-memory keyring is not this process's: this one gets its own, holding
the token it is given.
"""
from __future__ import annotations

import os
import sys

import keyring

from memory_keyring import MemoryKeyring

if __name__ == "__main__":
    keyring.set_keyring(MemoryKeyring())
    from dispatch_app import secrets
    from dispatch_app.cli.main import main

    secrets.set_secret(secrets.INTAKE_TOKEN, os.environ["DISPATCH_TEST_INTAKE_TOKEN"])
    sys.exit(main(["intake", "serve", "--listen", f"127.0.0.1:{sys.argv[2]}", "--db", sys.argv[1], *sys.argv[3:]]))
