"""Figures for reading a bundle: parsing the text, checking it and building the environment,
and the whole import into an empty SQLite database, on the large synthetic MSP.

    .venv/bin/python benchmarks/bundle.py [--scale 1] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import write  # noqa: E402
from dispatch_app.bundle import load_text, parse_bundle  # noqa: E402
from dispatch_app.services import environment  # noqa: E402
from dispatch_app.services.database import open_database  # noqa: E402


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dispatch-bundle-bench-"))
    json_path = write(work / "msp.json", args.scale)
    from dispatch_app.bundle.writer import bundle_text
    from dispatch_app.bundle import read_bundle

    environment_value = read_bundle(json_path).environment
    yaml_path = work / "msp.yaml"
    yaml_path.write_text(bundle_text(environment_value, ".yaml"), encoding="utf-8")
    for path in (yaml_path, json_path):
        text = path.read_text(encoding="utf-8")
        parsed = load_text(text, path.suffix, str(path))
        parse = median_seconds(lambda: load_text(text, path.suffix, str(path)), args.repeat)
        check = median_seconds(lambda: parse_bundle(parsed, base_dir=work), args.repeat)
        print(f"{path.suffix[1:]:<5} parse {parse:6.2f} s   check and build {check:6.2f} s   ({len(text) / 1e6:.1f} MB)")
    db = open_database(f"sqlite:///{work / 'bench.db'}")
    start = time.perf_counter()
    environment.import_bundle(db, yaml_path, actor=None)
    print(f"import of the YAML bundle into an empty SQLite database: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
