"""Read speed: reading the sample into a Book vs a bare python-calamine read of all its sheets.

Prints figures and the ratio; asserts nothing about time. Run: python bench/read.py [FILE] [N]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import python_calamine

from xlfin.io.reader import read_book
from xlfin.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent


def bare_read(path: Path) -> int:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    n = 0
    for name in wb.sheet_names:
        n += len(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return n


def interleaved(fns, n: int, clock=time.perf_counter) -> list[list[float]]:
    """Run each function n times, alternating, so that machine load hits all alike (*clock*:
    wall time, or ``time.process_time`` for the CPU time, steadier on a shared machine)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(n):
        for i, fn in enumerate(fns):
            t0 = clock()
            fn()
            times[i].append(clock() - t0)
    return times


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples" / "jcdj_2023.xlsx"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    profile = load_profile("nmg-2023")
    read_book(path, profile)  # warm caches (profile layout) once, as a long-running process would
    bare_read(path)
    floor_t, ours_t = interleaved([lambda: bare_read(path), lambda: read_book(path, profile)], n)
    print(f"file: {path} ({path.stat().st_size:,} bytes), {n} interleaved runs each")
    for label, t in (("floor  python-calamine, all sheets", floor_t), ("xlfin  read_book", ours_t)):
        print(
            f"{label:36s} min {min(t) * 1000:7.2f} ms   median {statistics.median(t) * 1000:7.2f} ms"
        )
    print(
        f"ratio  min {min(ours_t) / min(floor_t):.2f}x   "
        f"median {statistics.median(ours_t) / statistics.median(floor_t):.2f}x   (target: at most 3x)"
    )


if __name__ == "__main__":
    main()
