"""Ctrl-C while ``nuportal`` starts: one line, exit status 130, nothing else.

Until a command begins its work nothing has been written, so SIGINT ends the process at once
(:func:`interrupted_at_start`): a KeyboardInterrupt raised inside import machinery or typer's
introspection would end in a traceback or be swallowed ("Exception ignored in ..."). When the
command starts, :func:`command_starts` restores Python's handler, so Ctrl-C raises
KeyboardInterrupt and temporary outputs are removed on the way out. Standard library only: this
module is imported before anything else of the command line.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

__all__ = ["command_starts", "install", "interrupted_at_start", "is_program_entry"]


def interrupted_at_start(signum: int, frame: Any) -> None:
    os.write(2, b"nuportal: interrupted\n")
    os._exit(130)


def is_program_entry() -> bool:
    """True when this process is the ``nuportal`` command (console script or ``python -m``)."""
    return os.path.basename(sys.argv[0]) in ("nuportal", "-m") if sys.argv else False


def install() -> Any:
    """Install :func:`interrupted_at_start`; return the previous handler, or None (not the main
    thread, or SIGINT ignored or handled by someone else: left alone)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return None
    return signal.signal(signal.SIGINT, interrupted_at_start)


def command_starts() -> None:
    """From here on files may be written: Ctrl-C raises KeyboardInterrupt again."""
    if threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGINT) is interrupted_at_start:
            signal.signal(signal.SIGINT, signal.default_int_handler)
