"""Run every benchmark script in this folder (bench_*.py), one after another.

Each script prints its own figures and ratios against a baseline measured in the same run; machines
here are shared and noisy, so compare ratios and medians, not absolute numbers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("no benchmarks found")
        return 0
    failed = []
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False)  # noqa: S603
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
