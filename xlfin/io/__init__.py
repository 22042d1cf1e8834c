"""Adapters between workbooks on disk and the in-memory model (openpyxl, python-calamine)."""

import sys


def openpyxl_without_numpy() -> None:
    """Import openpyxl without letting it import numpy (a twentieth of a second at every
    start): it only does so to accept numpy numbers as cell values, which a command that
    writes no DataFrame never has. For such commands only (``fill``): openpyxl then refuses
    numpy numbers for the rest of the process. Nothing happens when either is loaded already."""
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` fails, once
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]
