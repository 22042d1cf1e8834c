"""The core stays pure: no openpyxl, xlwings, typer or pandas outside the adapters."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BANNED = {"openpyxl", "xlwings", "typer", "pandas"}
ADAPTERS = ("xlfin/io/", "xlfin/excel/", "xlfin/cli.py", "xlfin/bulk.py")


def core_modules():
    for path in sorted((ROOT / "xlfin").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(ADAPTERS):
            yield rel, path


@pytest.mark.parametrize("rel,path", list(core_modules()), ids=lambda x: str(x))
def test_core_imports_no_adapter_library(rel, path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not (imported & BANNED), f"{rel} imports {imported & BANNED}"


def test_ruff_banned_api_rule_is_configured_and_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff not installed")
    res = subprocess.run(
        [ruff, "check", "--select", "TID251", "xlfin"], cwd=ROOT, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout
    # and the rule really fires on a core module that imports openpyxl
    probe = ROOT / "xlfin" / "_probe_banned.py"
    probe.write_text("import openpyxl\n", encoding="utf-8")
    try:
        res = subprocess.run(
            [ruff, "check", "--select", "TID251", str(probe)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        probe.unlink()
    assert res.returncode == 1 and "TID251" in res.stdout
