"""dispatch_app.files.write_file: regular files only, whole or not at all, the old mode kept."""
from __future__ import annotations

import errno
import os
import socket
import stat
from pathlib import Path

import pytest

from dispatch_app import files
from dispatch_app.errors import DispatchError
from dispatch_app.files import write_file


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_gets_the_umask_mode_and_the_exact_bytes(tmp_path):
    old = os.umask(0o027)
    try:
        target = write_file(tmp_path / "a.txt", "one\r\ntwo\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"one\r\ntwo\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_new_private_file_is_0600(tmp_path):
    target = write_file(tmp_path / "settings.json", b"{}", new_mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "shared.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_file(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    target.chmod(0o604)
    write_file(target, "newer")
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_a_device_is_refused_and_left_alone():
    before = os.stat("/dev/null")
    with pytest.raises(DispatchError, match="it is a device, not a regular file"):
        write_file("/dev/null", "x")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_a_folder_a_fifo_and_a_socket_are_refused(tmp_path):
    folder = tmp_path / "folder.ics"
    folder.mkdir()
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    sock = tmp_path / "s.ics"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    try:
        for target, kind in ((folder, "a folder"), (fifo, "a named pipe"), (sock, "a socket")):
            with pytest.raises(DispatchError, match=kind):
                write_file(target, "x")
    finally:
        server.close()
    assert folder.is_dir() and not list(folder.iterdir())
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_ISSOCK(os.lstat(sock).st_mode)
    assert leftovers(tmp_path) == []


def test_a_symbolic_link_is_refused_naming_where_it_points(tmp_path):
    real = tmp_path / "real.ics"
    real.write_text("keep")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    with pytest.raises(DispatchError, match="symbolic link") as caught:
        write_file(link, "x")
    assert str(real) in str(caught.value)
    assert link.is_symlink() and real.read_text() == "keep"
    dangling = tmp_path / "dangling.ics"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(DispatchError, match="symbolic link"):
        write_file(dangling, "x")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("step", ["fsync", "write"])
def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, step):
    target = tmp_path / "handoff.md"
    target.write_bytes(b"the good handoff\n")
    target.chmod(0o640)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, step, full)
    with pytest.raises(DispatchError) as caught:
        write_file(target, "a new handoff that does not fit\n" * 1000)
    monkeypatch.undo()
    message = str(caught.value)
    assert "No space left on device" in message and "free some space" in message and "left as it was" in message
    assert target.read_bytes() == b"the good handoff\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(DispatchError, match="does not exist"):
        write_file(tmp_path / "no" / "such.csv", "x")
