"""Output files: written under a temporary name beside the target and renamed when complete.

One home for the atomic-write pattern of every writer (event files, tables, caches). The
temporary file is created with mode ``0o666`` filtered by the process umask, exactly like a file
opened with ``open(path, "w")``, so finished outputs get the user's usual permissions (a
``tempfile.mkstemp`` file is ``0o600`` and kept that mode through the rename).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_output"]


def _create_temporary(path: Path) -> Path:
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"cannot create a temporary file beside {str(path)!r}")


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds.

    Parameters
    ----------
    path : str or path-like
        Final output file. Its directory must exist.

    Yields
    ------
    pathlib.Path
        An empty file (permissions from the umask) to write to. On any exception, including
        ``KeyboardInterrupt``, it is removed and ``path`` is left untouched.
    """
    path = Path(path)
    tmp = _create_temporary(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
