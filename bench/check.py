"""Validation speed: read + all rules on the sample vs a bare python-calamine read (same process),
and `xlfin check` as a whole process. Prints figures and ratios; asserts nothing about time.

Run: python bench/check.py [FILE] [N]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from read import bare_read, interleaved

from xlfin.io.reader import read_book
from xlfin.profile import load_profile
from xlfin.rules import run

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples" / "jcdj_2023.xlsx"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    profile = load_profile("nmg-2023")

    def check() -> int:
        return len(run(read_book(path, profile), profile).findings)

    check()
    bare_read(path)
    print(f"file: {path}, {n} interleaved runs each")
    for what, clock in (("wall", time.perf_counter), ("CPU", time.process_time)):
        floor_t, ours_t = interleaved([lambda: bare_read(path), check], n, clock)
        for label, t in (
            ("floor  python-calamine, all sheets", floor_t),
            ("xlfin  read + all rules", ours_t),
        ):
            print(
                f"{what:4s} {label:36s} min {min(t) * 1000:7.2f} ms"
                f"   median {statistics.median(t) * 1000:7.2f} ms"
            )
        print(
            f"{what:4s} ratio  min {min(ours_t) / min(floor_t):.2f}x   "
            f"median {statistics.median(ours_t) / statistics.median(floor_t):.2f}x"
            "   (target: at most 2x)"
        )
    exe = shutil.which("xlfin")
    if exe:
        import compileall
        import os

        import xlfin

        # pip compiles .pyc files when it installs a package; an editable checkout run with
        # PYTHONDONTWRITEBYTECODE=1 would instead recompile every module at every start.
        compileall.compile_dir(os.path.dirname(xlfin.__file__), quiet=1)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        runs = []
        for _ in range(7):
            t0 = time.perf_counter()
            subprocess.run(
                [exe, "check", str(path), "--exit-zero"], capture_output=True, check=True, env=env
            )
            runs.append(time.perf_counter() - t0)
        print(
            f"xlfin check as a process: min {min(runs):.3f} s   median {statistics.median(runs):.3f} s"
            "   (target: under 0.25 s; bytecode cached, as after pip install)"
        )


if __name__ == "__main__":
    main()
