"""The Excel ribbon's Python side: ``run(action)`` is what the 决算公开 tab's buttons call.

``RunPython`` (from the add-in's VBA) lands here. This module imports nothing heavy at import
time, so that any failure (a broken install, a workbook that is not a 决算 workbook, Excel
refusing a write) happens inside ``run`` and reaches the accountant as a Chinese message box,
never as a console traceback. The actions themselves are in ``xlfin.excel.actions``.
"""

from __future__ import annotations

import traceback

ACTION_NAMES = ("validate", "fill", "narrate", "clear", "help")


def run(action: str, book=None) -> str:
    """Run a ribbon action on *book* (default: the workbook that called, ``xw.Book.caller()``)."""
    xb = None
    try:
        if book is None:
            import xlwings as xw

            book = xw.Book.caller()
        from xlfin.excel import config
        from xlfin.excel.actions import ACTIONS
        from xlfin.excel.adapter import ProtectionError, XwBook, com_message
        from xlfin.excel.addin import user_config_path

        password = config.read(user_config_path()).get("SHEET_PASSWORD") or None
        xb = XwBook(book, password=password)
        func = ACTIONS.get(action)
        if func is None:
            message = f"未知的操作：{action}"
            xb.alert(message, mode="critical")
            return message
        try:
            message = func(xb)
        except ProtectionError as e:
            message = f"xlfin 未能完成“{action}”：{e}"
            xb.alert(message, mode="critical")
            return message
        except Exception as e:  # Excel's own errors read as Excel's text, not a tuple
            message = f"xlfin 未能完成“{action}”：{com_message(e)}"
            xb.alert(message, mode="critical")
            return message
    except Exception as e:  # an install or import problem: still a message box
        detail = traceback.format_exception_only(type(e), e)[-1].strip()
        message = f"xlfin 未能完成“{action}”：{e}\n\n（{detail}）"
        _alert(book, message)
        return message
    xb.alert(message, mode="info")
    return message


def _alert(book, message: str) -> None:
    try:
        book.app.alert(message, title="xlfin", mode="critical")
    except Exception:  # no Excel to show it in: the message is still returned
        pass
