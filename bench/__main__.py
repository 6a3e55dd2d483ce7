"""`python -m bench [NAME …]`: run every benchmark, or the ones named (`--help` lists them)."""

from __future__ import annotations

import argparse
import importlib
import time

from bench import BENCHMARKS

parser = argparse.ArgumentParser(
    prog="python -m bench", formatter_class=argparse.RawDescriptionHelpFormatter,
    description="Run the benchmarks (all of them without a NAME); figures go to bench/results.json.",
    epilog="benchmarks:\n" + "\n".join(f"  {b.name:<16} {b.measures}" for b in BENCHMARKS))
parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
known = [b.name for b in BENCHMARKS]
chosen = parser.parse_args().names or known
unknown = [name for name in chosen if name not in known]
if unknown:
    parser.error(f"no benchmark {', '.join(unknown)} (choose from {', '.join(known)})")
for benchmark in BENCHMARKS:
    if benchmark.name in chosen:
        print(f"== {benchmark.name}: {benchmark.measures}", flush=True)
        began = time.perf_counter()
        module, function = benchmark.target.split(":")
        getattr(importlib.import_module(module), function)()
        print(f"   ({time.perf_counter() - began:.0f} s)\n", flush=True)
