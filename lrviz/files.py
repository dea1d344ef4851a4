"""The files a user names as input: read with a bound, never blocking, and remembered.

- :func:`open_regular` opens without blocking (``O_NONBLOCK``: a FIFO with no writer would
  otherwise hang ``open``) and refuses anything but a regular file: a FIFO, a device such as
  ``/dev/zero`` or a socket could block or never end;
- :func:`read_bytes` reads at most ``limit + 1`` bytes, so a file that grows is still bounded;
- every file read is noted (:func:`note`): :func:`written_input` tells an output that is one of
  them (``export cfg.json -o cfg.json``, ``-o`` the metrics file the config reads), which
  :func:`lrviz.output.atomic_write` refuses before it touches anything.
"""

from __future__ import annotations

import os
import stat

_INPUTS: dict[tuple[int, int], tuple[str, str]] = {}  # (device, inode) -> (path as given, what it is)


class Refused(Exception):
    """A path that is not a readable regular file; ``str`` says why, without the path."""


def open_regular(path: str):
    """A binary file object of the regular file at ``path``; :class:`Refused` (or OSError) otherwise."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise Refused("is a directory")
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
                "a socket" if stat.S_ISSOCK(mode) else "a special file"
            raise Refused(f"is {kind}, not a regular file; refused (it could block or never end)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file at ``path`` (more than ``limit`` means: too big)."""
    with open_regular(path) as fh:
        return fh.read(limit + 1)


def folder_of(source: str | None) -> str | None:
    """The folder of the config file ``source``, which relative paths inside it are read from; None when
    ``source`` is not a file (``<cli>``, ``-``)."""
    if not source or not os.path.isfile(source):
        return None
    return os.path.dirname(os.path.abspath(source))


def resolve(path: str, folder: str | None) -> str:
    """``path`` as written in a config of ``folder``: relative to that folder (not the current one)."""
    if folder is None or os.path.isabs(path):
        return path
    return os.path.join(folder, path)


def note(path: str, what: str) -> None:
    """Remember that ``path`` (``what``: "the config", "the metrics file", ...) is an input of this run."""
    try:
        st = os.stat(path)
    except OSError:
        return
    _INPUTS.setdefault((st.st_dev, st.st_ino), (os.fspath(path), what))


def written_input(path: str) -> tuple[str, str] | None:
    """(input path, what it is) when writing ``path`` would overwrite an input of this run (the same
    file, through any name, link or symlink), else None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    found = _INPUTS.get((st.st_dev, st.st_ino))
    if found is None:
        return None
    try:  # still that file (a deleted input's inode may have been reused by a new file)
        again = os.stat(found[0])
    except OSError:
        return None
    return found if (again.st_dev, again.st_ino) == (st.st_dev, st.st_ino) else None


def forget() -> None:
    """Start a new run: no file read yet (each CLI command calls it)."""
    _INPUTS.clear()
