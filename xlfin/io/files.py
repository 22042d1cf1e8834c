"""Writing files safely: atomic replace and byte-reproducible .xlsx packages."""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from xlfin.errors import UserError

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(
    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:(created|modified)>)"
)


class OutputError(UserError):
    """The output path cannot be written (exists without --force, folder missing, no permission)."""

    en = "the output cannot be written"


def check_output(path: Path, force: bool, inputs=()) -> None:
    """Refuse to overwrite unless *force*; refuse a missing or unwritable folder; refuse,
    *force* or not, to write over one of the command's own *inputs*."""
    for src in inputs:
        try:
            same = Path(src).exists() and path.exists() and path.resolve() == Path(src).resolve()
        except OSError:
            same = False
        if same:
            raise OutputError(
                f"输出文件就是输入文件：{path}；不会覆盖输入（请换一个输出文件名）"
                " / the output is one of the inputs, refused"
            )
    if path.exists() and path.is_dir():
        raise OutputError(f"输出路径是一个文件夹：{path} / output path is a directory")
    if path.exists() and not force:
        raise OutputError(
            f"输出文件已存在：{path}（如需覆盖请加 --force） / output exists, use --force to overwrite"
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"输出文件夹不存在：{parent} / output folder does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"没有写入权限：{parent} / output folder is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"没有写入权限：{path} / output file is not writable")


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call *write* on a temporary file beside *path*, then rename it over *path*."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".xlfin-", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def mode_for(path: Path) -> int:
    """The permission bits the file would have if written directly: the existing file's, or
    the usual 0666 less the umask (mkstemp's 0600 would hide the file from colleagues)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def normalize_xlsx(path: Path, stamp: str = "2000-01-01T00:00:00Z") -> None:
    """Make an .xlsx byte-reproducible: fixed zip times and fixed document dates."""
    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        items = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    items = [
        (name, _CORE_TIMES.sub(rb"\g<1>" + stamp.encode() + rb"\g<3>", data))
        if name == "docProps/core.xml"
        else (name, data)
        for name, data in items
    ]
    tmp = path.with_name(path.name + ".norm")
    write_package(tmp, items)
    os.replace(tmp, path)


def write_package(path: Path, items: list[tuple[str, object]], mode: int = 0o600) -> None:
    """Write zip entries in order, with fixed times: the one way xlfin writes a package
    (*mode*: the entries' permission bits, which unzip tools apply). An entry's data is bytes,
    or an iterator of bytes written as it comes (a part too big to hold in memory whole)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            zi = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = mode << 16
            if isinstance(data, bytes | str):
                zout.writestr(zi, data)
            else:
                with zout.open(zi, "w") as fh:
                    for chunk in data:
                        fh.write(chunk)


def workbooks_under(paths) -> list[Path]:
    """Every .xlsx given, or found under a given folder (Excel's ~$ lock files excluded)."""
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                x
                for x in sorted(p.rglob("*.xlsx"))
                if not x.name.startswith(("~$", ".")) and x.is_file()
            )
        else:
            out.append(p)
    return out
