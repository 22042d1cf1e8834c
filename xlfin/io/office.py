"""PDF through an office program that is installed: Microsoft Word (Windows, macOS) or
LibreOffice (``soffice --headless``). xlfin typesets no PDF itself: the PDF is the Word
document as Word or LibreOffice prints it, with the 目录's page numbers filled in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xlfin.errors import UserError

TIMEOUT = 600  # seconds: a first LibreOffice start with a new profile is slow


class ConvertError(UserError):
    en = "the PDF could not be made"


NEEDS_OFFICE = (
    "生成 PDF 需要 Microsoft Word 或 LibreOffice（soffice），本机都没有找到；"
    "请安装其一，或输出 .docx / PDF needs Word or LibreOffice"
)


def soffice_path() -> str | None:
    """LibreOffice's soffice: on PATH, or where its installer puts it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ):
        if Path(candidate).exists():
            return candidate
    return None


def uno_python(soffice: str) -> str | None:
    """An interpreter that can ``import uno``: LibreOffice's own (Windows, macOS) or the
    system's with python3-uno (Linux)."""
    program = Path(soffice).resolve().parent
    candidates = [
        program / "python.exe",
        program / "python",
        program.parent / "Resources" / "python",
        Path("/usr/bin/python3"),
        Path(sys.executable),
    ]
    for py in candidates:
        if not py.exists():
            continue
        try:
            ok = subprocess.run(
                [str(py), "-c", "import uno"], capture_output=True, timeout=60
            ).returncode
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok == 0:
            return str(py)
    return None


def _word_windows(docx: Path, pdf: Path) -> bool:
    try:
        import win32com.client  # pywin32 comes with xlwings on Windows
    except ImportError:
        return False
    try:
        word = win32com.client.DispatchEx("Word.Application")
    except Exception:
        return False
    try:
        word.Visible = False
        word.DisplayAlerts = 0
        doc = word.Documents.Open(str(docx.resolve()), False, True)
        for i in range(1, doc.TablesOfContents.Count + 1):
            doc.TablesOfContents(i).Update()
        doc.Fields.Update()
        doc.ExportAsFixedFormat(str(pdf.resolve()), 17)  # wdExportFormatPDF
        doc.Close(False)
        return pdf.exists()
    finally:
        word.Quit()


def _word_mac(docx: Path, pdf: Path) -> bool:
    """Word for Mac through AppleScript (not run by any test: there is no Mac here)."""
    if sys.platform != "darwin" or not Path("/Applications/Microsoft Word.app").exists():
        return False
    src, dst = str(docx.resolve()), str(pdf.resolve())
    script = f'''
tell application "Microsoft Word"
    open POSIX file "{src}"
    set d to active document
    repeat with t in (tables of contents of d)
        update t
    end repeat
    save as d file name (POSIX file "{dst}" as text) file format format PDF
    close d saving no
end tell
'''
    done = subprocess.run(["osascript", "-e", script], capture_output=True, timeout=TIMEOUT)
    return done.returncode == 0 and pdf.exists()


def _libreoffice(soffice: str, docx: Path, pdf: Path) -> tuple[bool, list[str]]:
    """(done, the 目录's lines): with UNO the indexes are updated before the export."""
    with tempfile.TemporaryDirectory(prefix="xlfin-lo-") as tmp:
        profile = Path(tmp) / "profile"
        py = uno_python(soffice)
        if py is not None:
            helper = Path(__file__).with_name("lo_pdf.py")
            env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
            try:
                done = subprocess.run(
                    [
                        py,
                        str(helper),
                        soffice,
                        str(docx.resolve()),
                        str(pdf.resolve()),
                        str(profile),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=TIMEOUT,
                    env=env,
                )
            except (OSError, subprocess.TimeoutExpired):
                done = None
            if done is not None and done.returncode == 0 and pdf.exists():
                return True, [ln for ln in done.stdout.splitlines() if ln.strip()]
        out = Path(tmp) / "out"
        out.mkdir()
        try:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    str(docx.resolve()),
                ],
                capture_output=True,
                timeout=TIMEOUT,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False, []
        made = out / (docx.stem + ".pdf")
        if not made.exists():
            return False, []
        shutil.move(str(made), str(pdf))
        return True, []


def to_pdf(docx: Path, pdf: Path) -> str:
    """Convert *docx* to *pdf* with Word or LibreOffice; the converter's name. Raises
    ConvertError when neither is installed or the conversion fails."""
    if sys.platform == "win32" and _word_windows(docx, pdf):
        return "Microsoft Word"
    if _word_mac(docx, pdf):
        return "Microsoft Word"
    soffice = soffice_path()
    if soffice is None:
        raise ConvertError(NEEDS_OFFICE)
    done, toc = _libreoffice(soffice, docx, pdf)
    if not done:
        raise ConvertError(f"LibreOffice 未能把文档转换为 PDF：{docx} / LibreOffice failed")
    return "LibreOffice" + ("" if toc else "（目录页码未更新：缺少 python3-uno）")
