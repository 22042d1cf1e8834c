"""Bulk speed and its growth: `generate` (with and without a last-year folder), `check DIR`
with its summary, and `merge`, for N units, each against a floor measured in the same run with
the same number of processes. Prints wall seconds, ms per unit, the ratio to the floor, the
peak memory of the largest process and the CPU time per unit (stable when the machine is
shared); asserts nothing about time.

    python bench/bulk.py --units 10 100 1000 [--jobs 2] [--merge-max 1000]

Floors: generate — writing the template package N times (the bytes of an empty workbook);
check and merge — a bare python-calamine read of every sheet of the N files, in as many
processes as the command uses. Per-unit figures that stay flat as N grows mean linear growth.

The units: N unit codes and names. generate writes their workbooks (with a last-year folder:
their workbooks of the year before, generated first); check and merge take N copies of the
bundled sample (a filled workbook with 28 findings and 5 projects) as the units' workbooks.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import python_calamine

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"


def _read_all(path: str) -> int:
    wb = python_calamine.CalamineWorkbook.from_path(path)
    return sum(
        len(wb.get_sheet_by_name(n).to_python(skip_empty_area=False)) for n in wb.sheet_names
    )


def _write_copy(args: tuple[bytes, str]) -> None:
    data, path = args
    Path(path).write_bytes(data)


def _pool_map(fn, items, jobs: int) -> float:
    t0 = time.perf_counter()
    if jobs <= 1:
        for x in items:
            fn(x)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(fn, items, chunksize=16))
    return time.perf_counter() - t0


_MEASURE = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(u.ru_maxrss, u.ru_utime + u.ru_stime, r.returncode)\n"
)
CPU: dict[str, float] = {}  # the last command's CPU seconds, all its processes together


def _run(args: list[str]) -> tuple[float, float]:
    """Seconds, and the peak RSS (MB) of the largest process the command started (its
    workers included: a helper process waits for it and reports its children's peak and
    their CPU time, which stays stable when the machine is shared)."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    peak_kb, cpu, code = done.stdout.split()
    if code != "0":
        raise SystemExit(f"failed ({code}): {' '.join(args)}")
    CPU["last"] = float(cpu)
    return seconds, int(peak_kb) / 1024


def _units_csv(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_code", "unit_name", "head", "preparer", "contact", "phone", "nature"])
        for i in range(n):
            w.writerow(
                [
                    f"{150000 + i}",
                    f"测试单位{i:05d}",
                    "负责人",
                    "编制人",
                    "联系人",
                    "0483-0000000",
                    "财政拨款的行政单位",
                ]
            )


def _last_year(folder: Path, n: int, exe: str, jobs: int) -> None:
    """Last year's workbooks of the N units: generated for 2023 (each its own code and name
    on the cover), the sample's figures copied into none (a real folder holds filled ones;
    the index reads only the cover, the job reads its one file)."""
    units = folder.parent / "last_units.csv"
    _units_csv(units, n)
    subprocess.run(
        [exe, "generate", "--units", str(units), "--out", str(folder), "--year", "2023"]
        + ["--jobs", str(jobs)],
        check=True,
        capture_output=True,
    )


def bench(n: int, jobs: int, merge_max: int, exe: str) -> dict:
    out: dict = {"n": n}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        units = tmp / "units.csv"
        _units_csv(units, n)
        template = (ROOT / "templates" / "nmg-2023_2023.xlsx").read_bytes()  # same layout
        floor_dir = tmp / "floor"
        floor_dir.mkdir()
        out["gen_floor"] = _pool_map(
            _write_copy, [(template, str(floor_dir / f"{i}.xlsx")) for i in range(n)], jobs
        )
        shutil.rmtree(floor_dir)
        gen = [exe, "generate", "--units", str(units), "--year", "2024", "--jobs", str(jobs)]
        out["gen"], out["gen_mb"] = _run(gen + ["--out", str(tmp / "gen")])
        out["gen_cpu"] = CPU["last"]
        last = tmp / "last"
        _last_year(last, n, exe, jobs)
        out["gen_last"], out["gen_last_mb"] = _run(
            gen + ["--out", str(tmp / "gen2"), "--last-year", str(last)]
        )
        out["gen_last_cpu"] = CPU["last"]
        shutil.rmtree(tmp / "gen2")
        # filled workbooks: the sample under each unit's file name
        filled = tmp / "filled"
        filled.mkdir()
        for i in range(n):
            shutil.copyfile(SAMPLE, filled / f"{150000 + i}.xlsx")
        files = [str(p) for p in sorted(filled.glob("*.xlsx"))]
        out["check_floor"] = _pool_map(_read_all, files, jobs)
        out["check"], out["check_mb"] = _run(
            [exe, "check", str(filled), "--jobs", str(jobs), "--exit-zero"]
            + ["--summary", str(tmp / "summary.xlsx")]
        )
        out["check_cpu"] = CPU["last"]
        if n <= merge_max:
            out["merge_floor"] = _pool_map(_read_all, files, jobs)
            out["merge"], out["merge_mb"] = _run(
                [exe, "merge", str(filled), "-o", str(tmp / "merged.xlsx"), "--jobs", str(jobs)]
            )
            out["merge_cpu"] = CPU["last"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--merge-max", type=int, default=1000, help="merge only up to this many")
    a = ap.parse_args()
    exe = shutil.which("xlfin") or "xlfin"
    print(f"cores: {os.cpu_count()}, jobs: {a.jobs}; seconds, ms per unit, ratio to the floor")
    rows = []
    for n in a.units:
        r = bench(n, a.jobs, a.merge_max, exe)
        rows.append(r)
        for key, label in (
            ("gen", "generate"),
            ("gen_last", "generate --last-year"),
            ("check", "check DIR --summary"),
            ("merge", "merge"),
        ):
            if key not in r:
                continue
            floor = r[{"gen_last": "gen_floor"}.get(key, key + "_floor")]
            print(
                f"{n:>6} units  {label:22s} {r[key]:8.2f} s  {r[key] / n * 1000:7.1f} ms/unit"
                f"  floor {floor:7.2f} s  ratio {r[key] / floor:6.1f}x"
                f"  peak {r[key + '_mb']:6.0f} MB  cpu {r[key + '_cpu'] / n * 1000:6.1f} ms/unit",
                flush=True,
            )
    print("targets: 10,000 generated < 120 s; check within 2x its floor; merge of 1,000 < 30 s;")
    print("         peak memory < 500 MB; ms/unit flat from 10 to 10,000")


if __name__ == "__main__":
    main()
