"""Build and install the xlfin Excel add-in (.xlam) on any OS.

The add-in is xlwings' own ribbon add-in as shipped inside the pinned xlwings package (so the
VBA runtime and the Python package are the same version), with: our ribbon
(``customUI/customUI14.xml``), our ``RibbonXlfin`` module in place of the sample one,
``PROJECT_NAME = "xlfin"`` and the config sheet renamed ``_xlfin.conf``. Zip parts are edited
with zipfile and the VBA project with pyOpenVBA; the result passes pyOpenVBA's integrity check.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from xlfin.errors import UserError
from xlfin.excel import config
from xlfin.io.files import mode_for, write_package

RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
PROJECT_LINE = re.compile(r'Public Const PROJECT_NAME As String = "[^"]*"')
VERSION_LINE = re.compile(r"'Version: (\S+)")
ADDIN_NAME = "xlfin.xlam"
PROJECT_NAME = "xlfin"  # the VBA project's name (xlwings ships it as MyAddin)
PROJECTNAME_RECORD = 0x0004  # MS-OVBA 2.3.4.2.1.6


class AddinError(UserError):
    """The add-in cannot be built or installed here (message for the user)."""

    en = "the add-in cannot be built or installed"


def sources_dir() -> Path:
    """The add-in sources (``macros/``), found through the package ``xlfin.macros`` in any
    install (wheel for all users or ``--user``, editable), or beside the package in a bare
    source checkout."""
    try:
        import xlfin.macros as macros

        path = Path(macros.__file__).resolve().parent
    except ImportError:
        path = Path(__file__).resolve().parents[2] / "macros"
    if not (path / "customUI14.xml").exists():
        raise AddinError(
            f"找不到加载项源码：{path} 中没有 customUI14.xml / add-in sources not found"
        )
    return path


def xlwings_addin() -> tuple[Path, str]:
    """The ribbon add-in shipped in the installed xlwings, and that xlwings' version."""
    try:
        import xlwings
    except ImportError as e:  # pragma: no cover - xlwings is a dependency
        raise AddinError("没有安装 xlwings / xlwings is not installed") from e
    path = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not path.exists():
        raise AddinError(f"xlwings {xlwings.__version__} 没有附带 quickstart_addin_ribbon.xlam")
    return path, xlwings.__version__


def build(output: Path, sources: Path | None = None) -> dict:
    """Write the add-in to *output*; returns facts about it (modules, version, ribbon).

    The file is reproducible (same sources and xlwings → same bytes: fixed zip times) and
    gets the permissions of a normally written file."""
    from pyopenvba import ExcelFile
    from pyopenvba.integrity import check_file

    sources = sources or sources_dir()
    ribbon = (sources / "customUI14.xml").read_bytes()
    module = (sources / "RibbonXlfin.bas").read_text(encoding="ascii")
    base, version = xlwings_addin()
    output = Path(output)
    fd, tmp_name = tempfile.mkstemp(suffix=".xlam", dir=str(output.parent))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(base) as zin:
            items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
        out_items = []
        for name, data in items:
            if name == "customUI/customUI.xml":
                continue
            if name == "_rels/.rels":
                data = re.sub(
                    rb'(Type="' + RIBBON_REL.encode() + rb'" Target=")customUI/customUI\.xml"',
                    rb'\1customUI/customUI14.xml"',
                    data,
                )
                if b"customUI14.xml" not in data:
                    raise AddinError("xlwings 附带的加载项结构已变化：找不到功能区关系")
            if name == "xl/workbook.xml":
                data = data.replace(b'name="_myaddin.conf"', b'name="_xlfin.conf"')
            out_items.append((name, data))
        out_items.append(("customUI/customUI14.xml", ribbon))
        write_package(tmp, out_items, mode=0o644)  # fixed times: a rebuild gives the same bytes
        with ExcelFile(tmp) as wb:
            runtime = wb.get_module("xlwings")
            stamp = VERSION_LINE.search(runtime)
            if not stamp or stamp.group(1) != version:
                raise AddinError(
                    f"xlwings 的 VBA 版本 {stamp.group(1) if stamp else '?'} 与已安装的 xlwings {version} 不一致"
                )
            if not PROJECT_LINE.search(runtime):
                raise AddinError("xlwings 的 VBA 中找不到 PROJECT_NAME")
            wb.set_module(
                "xlwings",
                PROJECT_LINE.sub(
                    f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"', runtime
                ),
            )
            wb.vba_project().rename_module("RibbonMyAddin", "RibbonXlfin")
            wb.set_module("RibbonXlfin", module)
            wb.save()
        with zipfile.ZipFile(tmp) as zin:
            items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
        items = [
            (name, rename_project(data, PROJECT_NAME) if name == "xl/vbaProject.bin" else data)
            for name, data in items
        ]
        write_package(tmp, items, mode=0o644)
        report = check_file(tmp)
        if report.issues:
            raise AddinError(f"生成的加载项未通过完整性检查：{report.issues}")
        os.chmod(tmp, mode_for(output))
        os.replace(tmp, output)
    finally:
        if tmp.exists():
            tmp.unlink()
    return {"output": str(output), "xlwings": version, "ribbon": "customUI/customUI14.xml"}


def rename_project(vba_bin: bytes, name: str) -> bytes:
    """The VBA project *vba_bin* renamed to *name* (the dir stream's PROJECTNAME record and the
    PROJECT stream's ``Name=`` line), as the VBA editor shows it: ``xlfin (xlfin.xlam)``."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(vba_bin)
    dir_stream = decompress(cfb.get_stream_in_storage("VBA", "dir"))
    pos = 0
    while pos + 6 <= len(dir_stream):
        ident = int.from_bytes(dir_stream[pos : pos + 2], "little")
        size = int.from_bytes(dir_stream[pos + 2 : pos + 6], "little")
        if ident == PROJECTNAME_RECORD:
            encoded = name.encode("ascii")
            record = ident.to_bytes(2, "little") + len(encoded).to_bytes(4, "little") + encoded
            dir_stream = dir_stream[:pos] + record + dir_stream[pos + 6 + size :]
            break
        pos += 6 + size
    else:
        raise AddinError("xlwings 附带的加载项中找不到 VBA 工程名")
    cfb.write_stream_in_storage("VBA", "dir", compress(dir_stream))
    project = cfb.get_stream("PROJECT")
    project = re.sub(rb'(?m)^Name="[^"]*"', b'Name="' + name.encode("ascii") + b'"', project)
    cfb.write_stream("PROJECT", project)
    return cfb.to_bytes()


def xlstart_dir(platform: str | None = None, env: dict | None = None) -> Path | None:
    """Excel's startup folder for the current user, or None where there is no desktop Excel."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART" if appdata else None
    if platform == "darwin":
        home = Path(env.get("HOME", "~")).expanduser()
        return (
            home
            / "Library"
            / "Group Containers"
            / "UBF8T346G9.Office"
            / "User Content.localized"
            / "Startup.localized"
            / "Excel"
        )
    return None


def user_config_path(platform: str | None = None, env: dict | None = None) -> Path | None:
    """Where the add-in's VBA reads the user config (``PROJECT_NAME`` = xlfin)."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform.startswith("win"):
        profile = env.get("USERPROFILE")
        return Path(profile) / ".xlfin" / "xlfin.conf" if profile else None
    if platform == "darwin":
        home = Path(env.get("HOME", "~")).expanduser()
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlfin.conf"
    return None


def runpython_script() -> Path:
    """xlwings' RunPython AppleScript for macOS Excel, shipped in the installed xlwings."""
    import xlwings

    path = Path(xlwings.__file__).parent / f"xlwings-{xlwings.__version__}.applescript"
    if not path.exists():
        raise AddinError(f"xlwings {xlwings.__version__} 没有附带 {path.name}")
    return path


def applescript_dir(env: dict | None = None) -> Path:
    """Where macOS Excel (sandboxed) may run AppleScripts from: xlwings' RunPython lives there."""
    env = os.environ if env is None else env
    home = Path(env.get("HOME", "~")).expanduser()
    return home / "Library" / "Application Scripts" / "com.microsoft.Excel"


def install(
    addin: Path,
    platform: str | None = None,
    env: dict | None = None,
    python: str | None = None,
    encoding: str | None = None,
) -> list[Path]:
    """Copy the add-in into XLSTART and write the user config (interpreter = this Python);
    on macOS also install xlwings' RunPython AppleScript, without which no button runs.

    The config is written in the encoding the VBA reads it in (*encoding*, default the ANSI
    code page); nothing is written when a value cannot be held in it."""
    platform = platform or sys.platform
    target_dir = xlstart_dir(platform, env)
    conf = user_config_path(platform, env)
    if target_dir is None or conf is None:
        raise AddinError(
            "此系统上没有桌面版 Excel（加载项只能在 Windows 或 macOS 的 Excel 中使用）。"
            "可以用 `xlfin addin build -o xlfin.xlam` 生成加载项，复制到 Windows/macOS 电脑后再运行 "
            "`xlfin addin install`；或直接使用命令行 `xlfin check` / `xlfin fill` / `xlfin narrate`。"
        )
    interpreter = python or sys.executable
    if platform.startswith("win") and interpreter.lower().endswith("python.exe"):
        interpreter = interpreter[: -len("python.exe")] + "pythonw.exe"
    key = "INTERPRETER_WIN" if platform.startswith("win") else "INTERPRETER_MAC"
    pairs = [(k, interpreter if k == key else v) for k, v in config.defaults()]
    previous = config.read(conf, encoding or config.ansi_encoding(platform))
    pairs += [(k, v) for k, v in previous.items() if k in config.PYTHON_KEYS]  # keep a password
    try:
        data = config.render(
            pairs, encoding or config.ansi_encoding(platform), config.newline(platform)
        )
    except config.ConfigError as e:
        raise AddinError(str(e)) from None
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / ADDIN_NAME
    try:
        shutil.copyfile(addin, target)
    except PermissionError:
        raise AddinError(
            f"无法替换 {target}：Excel 可能正在使用加载项。请先完全退出 Excel"
            "（Windows 可在任务管理器中确认没有 EXCEL.EXE），再运行 xlfin addin install。"
        ) from None
    written = [target]
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_bytes(data)
    written.append(conf)
    if platform == "darwin":
        scripts = applescript_dir(env)
        scripts.mkdir(parents=True, exist_ok=True)
        source = runpython_script()
        shutil.copyfile(source, scripts / source.name)
        written.append(scripts / source.name)
    return written
