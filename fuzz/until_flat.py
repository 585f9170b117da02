#!/usr/bin/env python3
"""Runs one libFuzzer target until its coverage stops growing.

Usage (from the repository root, after `cargo fuzz build`):

    python3 fuzz/until_flat.py TARGET [--flat-min 10] [--max-min 60] [-- extra libFuzzer args]

"Flat" means libFuzzer's `cov:` (covered edges) has not grown for `--flat-min`
consecutive minutes. The run then gets SIGINT (libFuzzer prints its final
stats and exits); `--max-min` is a hard bound on the wall time. The fuzzer
runs on `fuzz/corpus/TARGET` (kept between runs, so a rerun continues) with
`fuzz/dicts/TARGET.dict` when that file exists, `-timeout=10
-rss_limit_mb=2048`, and writes crashes to `fuzz/artifacts/TARGET/`.

At the end one summary line (also appended to `fuzz/runs.log`, which is not
in git) gives: runs, wall time, final cov/ft, corpus size, minutes from the
start to the last new coverage, crashes/timeouts/OOMs, peak RSS, and
whether the run flattened or hit the bound.
"""

import argparse
import datetime
import os
import re
import resource
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
BIN = os.path.join(FUZZ, "target", "x86_64-unknown-linux-gnu", "release")

STAT = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+)(?: corp: (\d+)/(\S+))?")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--flat-min", type=float, default=10.0)
    ap.add_argument("--max-min", type=float, default=60.0)
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()

    corpus = os.path.join(FUZZ, "corpus", a.target)
    artifacts = os.path.join(FUZZ, "artifacts", a.target) + "/"
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    cmd = [
        os.path.join(BIN, a.target),
        corpus,
        "-timeout=10",
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
        "-artifact_prefix=" + artifacts,
    ]
    d = os.path.join(FUZZ, "dicts", a.target + ".dict")
    if os.path.exists(d):
        cmd.append("-dict=" + d)
    cmd += a.extra
    log_path = os.path.join(FUZZ, "logs", a.target + ".log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    print(" ".join(cmd), flush=True)

    start = time.monotonic()
    started = datetime.datetime.now()
    last_cov, last_new = -1, start
    runs = cov = ft = corp = 0
    corp_size = "?"
    stopped = "exited"
    with open(log_path, "a") as log:
        log.write(f"== {started:%Y-%m-%d %H:%M:%S} {' '.join(cmd)}\n")
        p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=log, text=True, errors="replace")
        os.set_blocking(p.stderr.fileno(), False)
        buf = ""
        while True:
            chunk = p.stderr.read()
            if chunk:
                log.write(chunk)
                log.flush()
                buf += chunk
                *lines, buf = buf.split("\n")
                for line in lines:
                    m = STAT.match(line)
                    if not m:
                        continue
                    runs, cov, ft = int(m[1]), int(m[3]), int(m[4])
                    if m[5]:
                        corp, corp_size = int(m[5]), m[6]
                    if cov > last_cov:
                        last_cov, last_new = cov, time.monotonic()
            if p.poll() is not None:
                break
            now = time.monotonic()
            if stopped == "exited":
                if now - last_new > a.flat_min * 60:
                    stopped = f"flat ({a.flat_min:g} min without new cov)"
                    p.send_signal(signal.SIGINT)
                elif now - start > a.max_min * 60:
                    stopped = f"bound ({a.max_min:g} min, cov still growing)"
                    p.send_signal(signal.SIGINT)
            time.sleep(1)
        rest = p.stderr.read() or ""
        log.write(rest)
        for line in rest.split("\n"):
            m = re.match(r"stat::number_of_executed_units:\s+(\d+)", line)
            if m:
                runs = int(m[1])
    wall = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    t0 = started.timestamp()
    found = {
        k: len(
            [
                f
                for f in os.listdir(artifacts)
                if f.startswith(k + "-") and os.path.getmtime(artifacts + f) >= t0
            ]
        )
        for k in ("crash", "timeout", "oom", "slow-unit")
    }
    files = os.listdir(corpus)
    size = sum(os.path.getsize(os.path.join(corpus, f)) for f in files)
    summary = (
        f"{started:%Y-%m-%d %H:%M} {a.target}: {stopped}, exit {p.returncode}; "
        f"runs {runs}, wall {wall / 60:.1f} min, cov {cov}, ft {ft}, "
        f"corpus {len(files)} files / {size // 1024} KB (libFuzzer corp {corp}/{corp_size}), "
        f"last new cov at {(last_new - start) / 60:.1f} min, peak RSS {rss} MB, "
        f"crashes {found['crash']}, timeouts {found['timeout']}, OOMs {found['oom']}"
    )
    print(summary, flush=True)
    with open(os.path.join(FUZZ, "runs.log"), "a") as f:
        f.write(summary + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
