"""Where xlfin keeps what it can rebuild (compiled templates, parsed formats) between runs:
``XLFIN_CACHE_DIR`` or the user's cache folder. Everything in it is derived from files shipped
with xlfin and keyed by them, so a stale or damaged entry is rebuilt, never trusted."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_dir(sub: str) -> Path | None:
    """The folder *sub* of the cache, created; None when it cannot be written (a read-only
    home still works, only slower)."""
    base = os.environ.get("XLFIN_CACHE_DIR")
    if base:
        folder = Path(base)
    elif sys.platform == "win32":
        folder = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "xlfin"
    elif sys.platform == "darwin":
        folder = Path.home() / "Library" / "Caches" / "xlfin"
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "xlfin"
    folder = folder / sub
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return None
    return folder


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* so that a reader never sees half of it (parallel workers may
    fill the cache at once); a failure leaves the cache as it was."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


def load(path: Path | None, check) -> object | None:
    """The object pickled at *path* when *check* accepts it; None when there is none or it
    cannot be read (the caller rebuilds it). The cache holds only what xlfin wrote there."""
    import pickle

    if path is None:
        return None
    try:
        found = pickle.loads(path.read_bytes())
    except Exception:  # missing, stale or damaged
        return None
    return found if check(found) else None


def keep(path: Path | None, stale: str, obj) -> None:
    """Pickle *obj* at *path*, first removing the folder's entries matching *stale* (those an
    earlier version of xlfin or of the formats left)."""
    import pickle

    if path is None:
        return
    for old in path.parent.glob(stale):
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass
    write_atomic(path, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
