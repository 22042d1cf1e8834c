"""Start-up: `xlfin check FILE` as a whole process (what CI, a bureau's script or a ribbon click
waits for), against a floor measured in the same run: a Python process that only imports
python-calamine and reads every sheet of the same file. `xlfin fill FILE` against a Python
process that loads and saves the same file with openpyxl. Also what a ribbon click imports
before it acts (xlwings and the add-in's actions). Prints min and median of repeated runs and
the ratios; asserts nothing about time.

    python bench/startup.py [FILE] [RUNS]

Bytecode is compiled first (as pip does on install): a checkout run with
PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every module on every start.
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = (
    "import sys, python_calamine as c\n"
    "wb = c.CalamineWorkbook.from_path(sys.argv[1])\n"
    "[wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names]\n"
)


FILL_FLOOR = "import sys, openpyxl\nopenpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])\n"


def timed(args: list[str], runs: int, env: dict) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True, env=env)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples" / "jcdj_2023.xlsx"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    out = Path(tempfile.mkdtemp()) / "filled.xlsx"
    exe = shutil.which("xlfin")
    if exe is None:
        raise SystemExit("xlfin is not installed in this environment (pip install -e .)")
    import xlfin

    compileall.compile_dir(os.path.dirname(xlfin.__file__), quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([exe, "check", str(path), "--exit-zero"], capture_output=True, env=env)
    cases = [
        ("floor  python + calamine read", [sys.executable, "-c", FLOOR, str(path)]),
        ("xlfin check FILE", [exe, "check", str(path), "--exit-zero"]),
        ("xlfin --version", [exe, "--version"]),
        (
            "floor  python + openpyxl load, save",
            [sys.executable, "-c", FILL_FLOOR, str(path), str(out)],
        ),
        ("xlfin fill FILE", [exe, "fill", str(path), "-o", str(out), "--force"]),
        # RunPython starts `python -c "import xlwings.utils; …; <our command>"`: xlwings'
        # own import (pandas and numpy with it, when installed) is the floor of a click
        ("floor  import xlwings (RunPython)", [sys.executable, "-c", "import xlwings.utils"]),
        (
            "ribbon click imports",
            [sys.executable, "-c", "import xlwings.utils, xlfin.excel, xlfin.excel.actions"],
        ),
    ]
    results: dict[str, list[float]] = {label: [] for label, _ in cases}
    for _ in range(runs):  # interleaved rounds: machine load hits all alike
        for label, args in cases:
            results[label] += timed(args, 1, env)
    floor = results[cases[0][0]]
    print(f"file: {path}, {runs} runs each (seconds)")
    for label, t in results.items():
        ratio = statistics.median(t) / statistics.median(floor)
        print(
            f"{label:36s} min {min(t):6.3f}   median {statistics.median(t):6.3f}"
            f"   {ratio:5.1f}x the floor"
        )
    click = statistics.median(results["ribbon click imports"])
    own = statistics.median(results["floor  import xlwings (RunPython)"])
    print(f"a click's own imports: {click - own:.3f} s beyond xlwings' ({click / own:.2f}x)")
    check = results["xlfin check FILE"]
    print(f"target: xlfin check FILE under 0.25 s — median {statistics.median(check):.3f} s")
    fill = results["xlfin fill FILE"]
    fill_floor = statistics.median(results["floor  python + openpyxl load, save"])
    print(
        f"target: xlfin fill FILE under 0.5 s — median {statistics.median(fill):.3f} s"
        f" ({statistics.median(fill) / fill_floor:.2f}x an openpyxl load and save)"
    )
    shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
