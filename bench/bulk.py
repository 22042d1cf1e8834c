"""Bulk speed on this machine: `generate` and `check` of N units (default 1,000) with --jobs 2,
each against a floor measured in the same run (copying the template file N times; a bare
python-calamine read of the N files). Prints figures and ratios; asserts nothing about time.

Run: python bench/bulk.py [N] [JOBS]
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import python_calamine

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    jobs = sys.argv[2] if len(sys.argv) > 2 else "2"
    exe = shutil.which("xlfin") or "xlfin"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        units = tmp / "units.csv"
        with open(units, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["unit_code", "unit_name", "head", "preparer", "contact", "phone", "nature"])
            for i in range(n):
                w.writerow(
                    [
                        f"{150000 + i}",
                        f"测试单位{i:04d}",
                        "负责人",
                        "编制人",
                        "联系人",
                        "0483-0000000",
                        "财政拨款的行政单位",
                    ]
                )
        template = ROOT / "templates" / "nmg-2023_2023.xlsx"
        copies = tmp / "copies"
        copies.mkdir()
        t0 = time.perf_counter()
        for i in range(n):
            shutil.copyfile(template, copies / f"{i}.xlsx")
        floor_gen = time.perf_counter() - t0

        out = tmp / "out"
        t0 = time.perf_counter()
        subprocess.run(
            [exe, "generate", "--units", str(units), "--out", str(out), "--jobs", jobs],
            check=True,
            capture_output=True,
        )
        gen = time.perf_counter() - t0

        files = sorted(out.glob("*.xlsx"))
        t0 = time.perf_counter()
        for f in files:
            wb = python_calamine.CalamineWorkbook.from_path(str(f))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        floor_check = time.perf_counter() - t0

        t0 = time.perf_counter()
        subprocess.run(
            [
                exe,
                "check",
                str(out),
                "--jobs",
                jobs,
                "--exit-zero",
                "--summary",
                str(tmp / "s.xlsx"),
            ],
            check=True,
            capture_output=True,
        )
        chk = time.perf_counter() - t0

    print(f"units: {n}, jobs: {jobs}, cores: 2")
    print(
        f"generate  {gen:7.2f} s   floor (copy the template {n}×) {floor_gen:6.2f} s   ratio {gen / floor_gen:6.1f}x   target < 30 s"
    )
    print(
        f"check     {chk:7.2f} s   floor (bare calamine read of {n} files, 1 process) {floor_check:6.2f} s   ratio {chk / floor_check:6.1f}x   target < 30 s"
    )


if __name__ == "__main__":
    main()
