"""Run by LibreOffice's Python (an interpreter that can ``import uno``), not by xlfin's:

    python lo_pdf.py SOFFICE IN.docx OUT.pdf PROFILE_DIR

Starts a private headless LibreOffice, opens IN.docx hidden, updates every index (the 目录 gets
its page numbers) and field, exports OUT.pdf, prints the 目录's lines, and shuts LibreOffice down.
Exit code 0 on success; a message on stderr otherwise.
"""

import os
import subprocess
import sys
import time
from pathlib import Path


def main(soffice: str, src: str, dst: str, profile: str) -> int:
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    pipe = f"xlfin{os.getpid()}"
    proc = subprocess.Popen(
        [
            soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        ctx = None
        for _ in range(240):  # LibreOffice's first start with a new profile takes a while
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if proc.poll() is not None:
                    break
                time.sleep(0.25)
        if ctx is None:
            print("LibreOffice did not start", file=sys.stderr)
            return 3
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(Path(src).as_uri(), "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            print("LibreOffice could not open the document", file=sys.stderr)
            return 4
        indexes = doc.getDocumentIndexes()
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        doc.getTextFields().refresh()
        for i in range(indexes.getCount()):
            print(indexes.getByIndex(i).getAnchor().getString())
        doc.storeToURL(Path(dst).as_uri(), (prop("FilterName", "writer_pdf_Export"),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass
        return 0
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
