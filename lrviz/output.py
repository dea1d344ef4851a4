"""Output files: the formats lrviz writes, paths checked before work starts, atomic writes, data export.

The extension of a path picks its format (:data:`FORMATS`): a figure (PNG, SVG,
PDF, drawn by :mod:`lrviz.draw.mpl`) or the numbers (CSV, JSON, NPY, NPZ: the
step plus one column per curve, and momentum when cycled; :mod:`lrviz.datafile`). A file is written to a
temporary name in the same folder and renamed over the target only when
complete, so a failed or interrupted run never leaves a half-written file and
never destroys the previous one. Missing folders of an output path are created when the
file is written; a path whose parent is a file is refused before any work.

``-o -`` writes to stdout: :func:`stdout_target` gives the path-like marker that
:func:`check_output` and :func:`atomic_write` recognise (its format is given, not
read from an extension). Binary figures (PNG, PDF) are refused when stdout is a terminal.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from .errors import OutputError

if TYPE_CHECKING:
    from .spec import Curve

FORMATS = {"png": "figure", "svg": "figure", "pdf": "figure", "csv": "data", "json": "data", "npy": "data",
           "npz": "data"}
"""Every format lrviz writes, by extension: a figure, or the numbers of the curves."""
FIGURE_FORMATS = tuple(ext for ext, kind in FORMATS.items() if kind == "figure")
DATA_FORMATS = tuple(ext for ext, kind in FORMATS.items() if kind == "data")


def shown(formats: Iterable[str]) -> str:
    """``.png, .svg, .pdf``: formats as a user writes them, for help texts and errors."""
    return ", ".join(f".{e}" for e in formats)


class StdoutTarget(str):
    """``-o -``: stdout as an output path, with the format it is written in (no extension to read)."""

    fmt: str

    def __new__(cls, fmt: str) -> "StdoutTarget":
        target = super().__new__(cls, "-")
        target.fmt = fmt
        return target


BINARY_FORMATS = ("png", "pdf")


def stdout_target(fmt: str | None, allowed: Iterable[str], *, option: str = "--format") -> StdoutTarget:
    """The stdout marker for ``-o -`` in ``fmt`` (default: the first of ``allowed``).

    A format not in ``allowed`` is refused naming ``option``; a binary figure is refused
    when stdout is a terminal, where it would only garble the screen."""
    import sys

    from .errors import UsageError

    allowed = tuple(allowed)
    fmt = (fmt or allowed[0]).lower().lstrip(".")
    if fmt not in allowed:
        raise UsageError(f"{option}: -o - writes {', '.join(allowed)}; got {fmt!r}")
    isatty = getattr(sys.stdout, "isatty", None)
    if fmt in BINARY_FORMATS and callable(isatty) and isatty():
        raise UsageError(f"-o -: a {fmt.upper()} figure is binary and stdout is a terminal; redirect it "
                         f"(-o - --format {fmt} > lr.{fmt}), or use --format svg or --term")
    return StdoutTarget(fmt)


def _missing_folder(path: str) -> str | None:
    """Why the folders of ``path`` cannot be made (an ancestor is a file, or not writable), or None."""
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.isdir(folder):
        if os.path.lexists(folder):
            return f"{folder} is a file, not a folder"
        parent = os.path.dirname(folder)
        if parent == folder:
            return f"{folder} does not exist"
        folder = parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"folder {folder} is not writable"
    return None


def check_output(path: str, allowed: Iterable[str]) -> str:
    """Return the lower-case extension of ``path`` (the given format for stdout) after checking it can be
    written: missing folders may be created (:func:`atomic_write` makes them), a file in their place may not."""
    allowed = tuple(allowed)
    if path == "":
        from .errors import UsageError

        raise UsageError(f"--output: the file name is empty; give one such as lr.{allowed[0]}")
    if isinstance(path, StdoutTarget):
        if path.fmt not in allowed:
            raise OutputError(f"-o -: cannot write {path.fmt} here; use one of {', '.join(allowed)}")
        return path.fmt
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a directory; give a file name such as {os.path.join(path, 'lr.' + allowed[0])}")
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in allowed:
        got = f".{ext}" if ext else "no extension"
        raise OutputError(f"{path}: unknown output format ({got}); use one of {shown(allowed)}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        if problem := _missing_folder(path):
            raise OutputError(f"{path}: cannot create its folder: {problem}")
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: folder {os.path.dirname(path) or '.'} is not writable")
    return ext


STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
"""The signals that stop lrviz cleanly (the temporary file removed): Ctrl-C, kill, and a closed terminal."""

STOPS: list[int] = []
"""Signals that asked the process to stop (set by the CLI's handlers). A handler's exception can be
swallowed where Python ignores exceptions (a generator being closed); this list cannot, so a stop
that was asked for is still honoured before a file is renamed into place and when the command returns."""


def stop_requested() -> int | None:
    """The first signal that asked the process to stop, if any."""
    return STOPS[0] if STOPS else None


class _HeldSignals:
    """SIGINT and SIGTERM held back while the temporary file comes into being.

    A signal that lands inside ``mkstemp`` after it created the file, but before
    its name is known here, would leave the file behind; held, it is delivered by
    :meth:`release` once the name is known and the cleanup is in place.
    """

    SIGNALS = tuple(s for s in (getattr(signal, name, None) for name in STOP_SIGNALS) if s is not None)

    def __init__(self) -> None:
        self.caught: list[int] = []
        self.previous: dict[int, object] = {}
        if threading.current_thread() is threading.main_thread():  # handlers can be set from the main thread only
            self.previous = {s: signal.signal(s, lambda signum, frame: self.caught.append(signum)) for s in self.SIGNALS}

    def release(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous = {}
        if self.caught:
            signum = self.caught[0]
            handler = signal.getsignal(signum)
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def _temporary_prefix(name: str, folder: str) -> str:
    """``.<name>.`` cut so that ``.<name>.XXXXXXXX.tmp`` fits the folder's longest file name
    (NAME_MAX, 255 bytes on most file systems): a legal 245-byte name must stay writable."""
    try:
        longest = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        longest = 255
    room = max(1, longest - len(".") - len(".") - 8 - len(".tmp"))  # mkstemp's 8 random characters
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return f".{name}."


def target_of(path: str) -> str:
    """Where writing ``path`` lands: a symlink's final target (as editors and git write through a link, so the
    link stays a link), else ``path``."""
    if not os.path.islink(path):
        return path
    return os.path.realpath(path)


def atomic_write(path: str, write: Callable[[object], None], *, binary: bool = True) -> None:
    """Call ``write(fileobj)`` on a temporary file next to ``path``, then rename it into place.

    Missing folders are created first. A :class:`StdoutTarget` is written to stdout instead. A symlink
    is written through (its target replaced, the link kept); a file this run read (its config, a metrics
    file, a log: :func:`lrviz.files.written_input`) is refused before anything is touched."""
    if isinstance(path, StdoutTarget):
        _write_stdout(write, binary)
        return
    if path == "":
        check_output(path, ("png",))
    from .files import written_input

    if (clash := written_input(path)) is not None:
        source, what = clash
        same = "" if os.path.abspath(source) == os.path.abspath(path) else f" ({source})"
        raise OutputError(f"{path}: is {what}{same}; writing there would destroy it; choose another output")
    shown_path, path = path, target_of(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        if problem := _missing_folder(path):
            raise OutputError(f"{path}: cannot create its folder: {problem}")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as err:
            raise OutputError(f"{path}: cannot create its folder: {err.strerror}") from None
    held = _HeldSignals()
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(os.path.basename(path), folder), suffix=".tmp",
                                   dir=folder)
    except OSError as err:
        held.release()
        raise OutputError(f"{shown_path}: cannot write: {err.strerror}") from None
    try:
        held.release()  # a signal that came meanwhile is raised here, where the file is cleaned up
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if stop_requested():  # the handler's exception was swallowed somewhere: stop now, before the rename
            raise SystemExit(128 + STOPS[0])
        os.replace(tmp, path)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise OutputError(f"{shown_path}: cannot write: {err.strerror}") from None
        raise


def _write_stdout(write: Callable[[object], None], binary: bool) -> None:
    """``write`` to stdout: bytes to its buffer, text to it (flushed, so the stream is whole when lrviz exits)."""
    import io
    import sys

    sys.stdout.flush()
    if binary:
        stream = getattr(sys.stdout, "buffer", sys.stdout)
        write(stream)
        stream.flush()
        return
    buffer = io.StringIO(newline="")
    write(buffer)
    sys.stdout.write(buffer.getvalue())
    sys.stdout.flush()


def columns(curves: Sequence[Curve]) -> dict[str, list]:
    """Column name -> values; momentum columns are named '<label> momentum' ('<label> beta1' for Adam and
    AdamW), and the other hyperparameters of a curve '<label> weight_decay', '<label> effective_decay',
    '<label> batch_size', '<label> beta2' (see :mod:`lrviz.hyper`)."""
    out: dict[str, list] = {"step": curves[0].steps.tolist()}
    for curve in curves:
        name = curve.label if curve.label != "step" else "step lr"
        while name in out:
            name += "'"
        out[name] = curve.lr.tolist()
        if curve.momentum is not None:
            out[f"{name} {curve.momentum_name}"] = curve.momentum.tolist()
        for series in curve.series:
            out[f"{name} {series.key}"] = series.values.tolist()
    return out


def write_data(curves: Sequence[tuple[str, object, str]], path: str, fmt: str, *, rows=None, total_steps: int = 0,
               source: str = "<api>") -> None:
    """Write curves (see :func:`lrviz.datafile.columns`) to ``path`` atomically as ``fmt`` (csv, json, npy, npz), at
    ``rows`` (a :class:`lrviz.datafile.Rows`; default every step of the run, ``0..total_steps - 1``), in chunks."""
    from .datafile import Rows, write

    write(curves, rows if rows is not None else Rows(0, total_steps), path, fmt, source=source)
