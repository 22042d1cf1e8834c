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
import sysconfig
import tempfile
import zipfile
from pathlib import Path

RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
PROJECT_LINE = re.compile(r'Public Const PROJECT_NAME As String = "[^"]*"')
VERSION_LINE = re.compile(r"'Version: (\S+)")
ADDIN_NAME = "xlfin.xlam"


class AddinError(Exception):
    """The add-in cannot be built or installed here (message for the user)."""


def sources_dir() -> Path:
    """Where macros/ is: the source checkout, or the data files of an installed wheel."""
    candidates = [
        Path(__file__).resolve().parents[2] / "macros",
        Path(sysconfig.get_path("data")) / "share" / "xlfin" / "macros",
        Path(sys.prefix) / "share" / "xlfin" / "macros",
    ]
    for c in candidates:
        if (c / "customUI14.xml").exists():
            return c
    raise AddinError("找不到 macros/（customUI14.xml、RibbonXlfin.bas）/ add-in sources not found")


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
    """Write the add-in to *output*; returns facts about it (modules, version, ribbon)."""
    from pyopenvba import ExcelFile
    from pyopenvba.integrity import check_file

    sources = sources or sources_dir()
    ribbon = (sources / "customUI14.xml").read_bytes()
    module = (sources / "RibbonXlfin.bas").read_text(encoding="ascii")
    base, version = xlwings_addin()
    fd, tmp_name = tempfile.mkstemp(suffix=".xlam", dir=str(Path(output).parent))
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
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for name, data in out_items:
                zout.writestr(name, data)
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
                PROJECT_LINE.sub('Public Const PROJECT_NAME As String = "xlfin"', runtime),
            )
            wb.vba_project().rename_module("RibbonMyAddin", "RibbonXlfin")
            wb.set_module("RibbonXlfin", module)
            wb.save()
        report = check_file(tmp)
        if report.issues:
            raise AddinError(f"生成的加载项未通过完整性检查：{report.issues}")
        os.replace(tmp, output)
    finally:
        if tmp.exists():
            tmp.unlink()
    return {"output": str(output), "xlwings": version, "ribbon": "customUI/customUI14.xml"}


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


def install(
    addin: Path, platform: str | None = None, env: dict | None = None, python: str | None = None
) -> list[Path]:
    """Copy the add-in into XLSTART and write the user config (interpreter = this Python)."""
    platform = platform or sys.platform
    target_dir = xlstart_dir(platform, env)
    conf = user_config_path(platform, env)
    if target_dir is None or conf is None:
        raise AddinError(
            "此系统上没有桌面版 Excel（加载项只能在 Windows 或 macOS 的 Excel 中使用）。"
            "可以用 `xlfin addin build -o xlfin.xlam` 生成加载项，复制到 Windows/macOS 电脑后再运行 "
            "`xlfin addin install`；或直接使用命令行 `xlfin check` / `xlfin fill` / `xlfin narrate`。"
        )
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / ADDIN_NAME
    shutil.copyfile(addin, target)
    conf.parent.mkdir(parents=True, exist_ok=True)
    interpreter = python or sys.executable
    if platform.startswith("win") and interpreter.lower().endswith("python.exe"):
        interpreter = interpreter[: -len("python.exe")] + "pythonw.exe"
    key = "INTERPRETER_WIN" if platform.startswith("win") else "INTERPRETER_MAC"
    lines = [f'"{key}","{interpreter}"', '"PYTHONPATH",""', '"SHOW_CONSOLE","False"']
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [target, conf]
