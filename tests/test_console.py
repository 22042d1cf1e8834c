"""The command line's output: plain text through a pipe (rich not even imported), rich's
colours on a terminal."""

import io
import subprocess
import sys

from xlfin.console import LazyConsole, styled


def test_piped_output_is_plain_and_does_not_import_rich():
    code = (
        "import sys\n"
        "from xlfin.console import LazyConsole, styled\n"
        "LazyConsole().print(styled('a.xlsx: ', ('错误', 'bold red'), ' [b]x[/b]'), soft_wrap=True)\n"
        "print('rich' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout
    assert out == "a.xlsx: 错误 [b]x[/b]\nFalse\n"  # markup is text, not style


def test_forced_colour_goes_through_rich(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    LazyConsole().print(styled(("错误", "bold red"), "：x"), soft_wrap=True)
    assert "\x1b[" in buf.getvalue() and "错误" in buf.getvalue()
