"""The add-in's user config file (``xlfin.conf``), read and written as xlwings' VBA reads it.

xlwings' VBA reads the file with ``Input #``: one ``"KEY","VALUE"`` pair a line, in the
system's ANSI code page on Windows (cp936 on Chinese Windows), so a UTF-8 file turns
``C:\\Users\\张三`` into mojibake. We write it the way xlwings' own ``config_create`` does (the
locale's encoding: the ANSI code page on Windows, UTF-8 on macOS) and refuse, with a clear
message, a value that code page cannot hold or that ``Input #`` cannot read back.

Keys the built VBA reads are xlwings' (``INTERPRETER_WIN``, ``SHOW CONSOLE`` …); xlfin's Python
side reads one more, ``SHEET_PASSWORD``: the password of protected sheets, so that the buttons
can lift and restore the protection around their writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xlfin.errors import UserError
from xlfin.values import decode_text

# Keys read by xlfin's Python side only (the VBA ignores keys it does not ask for).
PYTHON_KEYS = frozenset({"SHEET_PASSWORD"})


class ConfigError(UserError):
    """A config value cannot be written so that the VBA reads it back (message for the user)."""

    en = "the add-in config cannot hold this value"


def ansi_encoding(platform: str | None = None) -> str:
    """The encoding VBA's ``Input #`` reads files in on *platform*."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        if sys.platform.startswith("win"):
            import ctypes

            return f"cp{ctypes.windll.kernel32.GetACP()}"
        return "cp936"  # building a Windows config elsewhere: assume Simplified Chinese Windows
    return "utf-8"


def newline(platform: str | None = None) -> str:
    platform = platform or sys.platform
    return "\r\n" if platform.startswith("win") else "\n"


def defaults(path: Path | None = None) -> list[tuple[str, str]]:
    """The shipped defaults (``macros/xlfin.conf``), in order."""
    if path is None:
        from importlib.resources import files

        text = files("xlfin.macros").joinpath("xlfin.conf").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return parse(text)


def render(pairs: list[tuple[str, str]], encoding: str, eol: str = "\r\n") -> bytes:
    """The file's bytes; raises ConfigError for a value ``Input #`` cannot read back."""
    lines = []
    for key, value in pairs:
        if '"' in key or '"' in value or "\r" in value or "\n" in value:
            raise ConfigError(f"配置项 {key} 的值不能含引号或换行：{value}")
        line = f'"{key}","{value}"'
        try:
            line.encode(encoding)
        except UnicodeEncodeError:
            bad = "".join(ch for ch in line if not _encodable(ch, encoding))
            raise ConfigError(
                f"配置项 {key} 的值含有系统代码页（{encoding}）无法表示的字符“{bad}”：{value}。"
                "Excel 的 VBA 只能按系统代码页读取配置文件。请把 Python 安装到只含系统语言文字的路径"
                "（例如 C:\\Python312），或在 Windows“区域”设置中把“非 Unicode 程序的语言”设为中文（简体，中国），"
                "然后重新运行 xlfin addin install。"
            ) from None
        lines.append(line)
    return (eol.join(lines) + eol).encode(encoding)


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def parse(text: str) -> list[tuple[str, str]]:
    """Read ``"KEY","VALUE"`` lines as ``Input #`` does (quoted fields, comma-separated)."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        fields = _fields(line)
        if len(fields) >= 2:
            out.append((fields[0], fields[1]))
    return out


def _fields(line: str) -> list[str]:
    fields, i = [], 0
    while i < len(line):
        while i < len(line) and line[i] in " \t":
            i += 1
        if i < len(line) and line[i] == '"':
            end = line.find('"', i + 1)
            end = len(line) if end < 0 else end
            fields.append(line[i + 1 : end])
            i = line.find(",", end)
        else:
            end = line.find(",", i)
            end = len(line) if end < 0 else end
            fields.append(line[i:end].strip())
            i = end
        if i < 0:
            break
        i += 1
    return fields


def read(path: Path | None, encoding: str | None = None) -> dict[str, str]:
    """The pairs of the user config (keys upper-cased, as the VBA compares them); {} if absent."""
    if path is None or not Path(path).is_file():
        return {}
    data = Path(path).read_bytes()
    text = decode_text(data, (encoding or ansi_encoding(), "utf-8")) or data.decode("latin-1")
    return {k.upper(): v for k, v in parse(text)}
