"""Adapters between workbooks on disk and the in-memory model (openpyxl, python-calamine)."""
