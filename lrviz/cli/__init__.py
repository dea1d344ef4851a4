"""The ``lrviz`` command: thin typer commands over the library.

    __init__.py   the app, main() and the one table from errors to exit codes
    _options.py   the shared options (Annotated aliases, FigureOptions), NAME=VALUE words, run checks
    _show.py      where a figure goes: a file, stdout or a terminal preview
    _help.py      clean --help: metavars such as N, FILE, NAME.PARAM=VALUE instead of typer's type tags
    draw.py       plot, compare, sweep, resume
    inspect.py    list, show, export, stats, check
    tools.py      explore, gallery, init    (playground: lrviz/playground/cli.py)

Library errors (:class:`~lrviz.errors.LrvizError`) become one line per problem on
stderr and their ``exit_code``: 1, or 2 for a :class:`~lrviz.errors.UsageError`
and for click's own usage errors. ``LRVIZ_DEBUG=1`` shows tracebacks. matplotlib
is imported only by commands that draw, numpy not at all by ``--help``.
"""

from __future__ import annotations

import copy
import functools
import os
import signal
import sys

import typer

from .. import __version__
from ..errors import ConfigError, LrvizError
from ..playground.cli import register as register_playground
from . import _help, draw, inspect, tools

app = typer.Typer(
    name="lrviz",
    cls=_help.Group,
    help="Plot and compare learning-rate schedules before you train.\n\n"
    "Example: lrviz compare step cosine onecycle --steps 1000 -o lr.png\n\n"
    "Shell completion: lrviz --install-completion (or --show-completion to see the script).",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lrviz {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Plot and compare learning-rate schedules before you train."""


def _report(err: LrvizError) -> int:
    """Print ``err`` as one line per problem; its exit code. The one place errors meet the terminal."""
    for line in str(err).splitlines() or [type(err).__name__]:
        typer.echo(line if isinstance(err, ConfigError) else f"lrviz: {line}", err=True)
    return err.exit_code


def _reported(command):
    """``command`` with its lrviz errors reported by :func:`_report` (in-process runs exit as the real one does)."""

    @functools.wraps(command)
    def run(**kwargs):
        from ..files import forget

        forget()  # the inputs an output must not overwrite are this command's (in-process runs share a process)
        try:
            return command(**kwargs)
        except LrvizError as err:
            if os.environ.get("LRVIZ_DEBUG") == "1":
                raise
            raise typer.Exit(_report(err)) from None

    return run


for _group in (draw, inspect, tools):
    for _command in _group.COMMANDS:
        _name, _command = _command if isinstance(_command, tuple) else (None, _command)
        app.command(_name, cls=_help.Command)(_reported(_command))
register_playground(app, _reported)
for _info in app.registered_commands:  # the playground's too
    if _info.cls in (None, typer.core.TyperCommand):
        _info.cls = _help.Command


def _stopped(signum, frame) -> None:
    """SIGINT, SIGTERM and SIGHUP unwind, so a file being written is cleaned up, never left half-done.

    The stop is also recorded (:data:`lrviz.output.STOPS`): Python ignores an exception raised
    while a generator is closed, and the command must not then go on to write its file.
    """
    from ..output import STOPS

    STOPS.append(signum)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _quiet_unraisable(unraisable) -> None:
    """A stop that landed where Python ignores exceptions is recorded already: print no traceback for it."""
    if issubclass(unraisable.exc_type, (SystemExit, KeyboardInterrupt)):
        return
    sys.__unraisablehook__(unraisable)


def _click_usage(exc: Exception) -> int | None:
    """Show one of click's usage errors (typer bundles its own click: duck-typed); None if it is not one."""
    show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
    if not (callable(show) and isinstance(code, int)):
        return None
    context = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" or context is None or not hasattr(exc, "format_message"):
        show()  # the help text, for a bare 'lrviz' or 'lrviz CMD'
    else:
        where = context.command_path.replace("python -m ", "")
        typer.echo(f"lrviz: {exc.format_message()} (see '{where} --help')", err=True)
    return code


def _backend_aside() -> None:
    """lrviz draws off-screen (Figure.savefig picks its canvas by format), so the user's MPLBACKEND does not
    matter, and a bad one (``MPLBACKEND=bogus``) would make importing matplotlib fail: it is set aside, as
    LRVIZ_MPLBACKEND, for the one command that opens a window (``lrviz explore``)."""
    backend = os.environ.pop("MPLBACKEND", None)
    if backend:
        os.environ["LRVIZ_MPLBACKEND"] = backend


def _bytes_as_given() -> None:
    """A file name that is not UTF-8 reaches Python as lone surrogates (surrogateescape); ``wrote NAME`` writes
    its bytes back as they were given, as ls and cat do, instead of failing in a strict UTF-8 locale."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and (getattr(sys.stdout, "errors", None) or "strict") == "strict":
        try:
            reconfigure(errors="surrogateescape")
        except (ValueError, OSError):
            pass


def _closed_stdout() -> int:
    """stdout could not take what lrviz printed (``lrviz list > /dev/full``, a closed pipe): one line, as
    ``cat`` says it, and exit 1; Python's flush at exit must not try again and print a traceback."""
    try:
        sys.stdout = open(os.devnull, "w")
    except OSError:
        pass
    return 1


def main() -> None:
    """Entry point: run the app; every error becomes one line and an exit code."""
    import errno

    try:
        try:
            _main()
        finally:
            _flush_stdout()
    except BrokenPipeError:  # 'lrviz list | head': the reader went away; that is not an error
        _closed_stdout()
        sys.exit(141 if hasattr(signal, "SIGPIPE") else 1)
    except OSError as err:
        if err.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG) or err.filename is not None:
            raise
        typer.echo(f"lrviz: write error: {err.strerror}", err=True)
        sys.exit(_closed_stdout())


def _flush_stdout() -> None:
    """Flush stdout now, so a write error (a full device) is seen here, not at interpreter exit."""
    sys.stdout.flush()


def command_name(info) -> str:
    """The name a registered command is called by (typer's rule: the function's name, lower case, _ as -)."""
    return info.name or info.callback.__name__.lower().replace("_", "-")


def app_for(argv: list[str]) -> typer.Typer:
    """The app holding only the command ``argv`` names, when it names one.

    typer builds the click object of every command on each run (~25 ms for 13 of them); the one
    that runs is enough. Anything else (no command, an option first, a name lrviz does not know,
    shell completion) gets the whole app, so that help, suggestions and completion see every command.
    """
    if not argv or argv[0].startswith("-") or "_LRVIZ_COMPLETE" in os.environ:
        return app
    for info in app.registered_commands:
        if command_name(info) == argv[0]:
            one = copy.copy(app)
            one.registered_commands = [info]
            return one
    return app


def _main() -> None:
    from ..output import stop_requested

    _backend_aside()
    _bytes_as_given()
    from ..output import STOP_SIGNALS

    for name in STOP_SIGNALS:  # SIGHUP too: a closed terminal must not leave a temporary file behind
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stopped)
    sys.unraisablehook = _quiet_unraisable
    try:
        code = app_for(sys.argv[1:])(standalone_mode=False, prog_name="lrviz")
        if stop_requested():
            raise KeyboardInterrupt if stop_requested() == signal.SIGINT else SystemExit(128 + stop_requested())
        if isinstance(code, int) and code:  # click returns, not raises, typer.Exit codes here
            sys.exit(code)
    except LrvizError as err:
        if os.environ.get("LRVIZ_DEBUG") == "1":
            raise
        sys.exit(_report(err))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # click's usage errors arrive here in non-standalone mode
        code = _click_usage(exc)
        if code is None:
            raise
        sys.exit(code)
