#!/usr/bin/env python3
"""docs/fuzzing.md table rows from `fuzz/until_flat.py`'s records: every
finished run in DIR/runs.log, then every run still going (DIR/*.status).

Usage: python3 fuzz/table.py [DIR] [--since YYYY-MM-DD HH:MM]

Columns: target, start, runs, CPU min, wall min, cov start → end, tebiki's
own edges start → end, corpus, CPU minute of the last new edge (all / in
tebiki), flat (all), flat in tebiki's own code, crashes/timeouts/OOMs, peak
RSS. A run still going is marked "running" with what it has so far."""

import glob
import os
import re
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))


def field(pattern, line, default="?"):
    m = re.search(pattern, line)
    return m.groups() if m and len(m.groups()) > 1 else (m[1] if m else default)


def row(line, running=None):
    m = re.match(r"^(\S+ \S+) (\w+): (.*?)(?:, exit (-?\d+))?; runs", line)
    if not m:
        return None
    start, target, state = m[1], m[2], m[3]
    runs = int(field(r"; runs (\d+)", line, "0"))
    cpu = field(r"cpu ([\d.]+) min, wall", line)
    wall = field(r"wall ([\d.]+) min, cov", line)
    c0, c1 = field(r"cov/ft start (\d+|None)/\S* end (\d+)/", line, ("?", "?"))
    files, kb = field(r"corpus (\d+) files / (\d+) KB", line, ("0", "0"))
    last = field(r"last new cov at cpu ([\d.]+) min", line)
    crashes = field(r"crashes (\d+)", line)
    timeouts = field(r"timeouts (\d+)", line)
    ooms = field(r"OOMs (\d+)", line)
    rss = field(r"peak RSS (\d+) MB", line)
    o0, o1 = field(r"tebiki's own edges start (\S+) end (\S+) ", line, ("–", "–"))
    olast = field(r"last new own edge at cpu ([\d.]+) min", line, "–")
    oflat = field(r"flat in tebiki's own code: (\w+)", line, "–")
    oquiet = field(r"no new tebiki edge for ([\d.]+) CPU min", line, "?")
    if running:
        flat = f"running at {running} ({float(cpu) - float(last):.1f} CPU min without new cov)"
        oflat = f"running ({oquiet} CPU min without)"
    elif state.startswith("FLAT"):
        flat = "**yes**"
    elif "by hand" in state:
        flat = "no (stopped by hand)"
    elif "bound" in state:
        flat = "no (bound " + field(r"bound ([\d.]+ \w+ min)", state) + ")"
    else:
        flat = "no (the fuzzer stopped: " + (
            "crash" if crashes != "0" else "timeout" if timeouts != "0" else "OOM" if ooms != "0" else "exit"
        ) + ")"
    if oflat == "yes":
        oflat = f"**yes** ({oquiet} CPU min without)"
    elif oflat == "no":
        oflat = f"no ({oquiet} CPU min without)"
    return (
        f"| `{target}` | {start[11:]} | {runs:,} | {cpu} | {wall} | {c0} → {c1} | {o0} → {o1} "
        f"| {int(files):,} files, {int(kb) / 1024:.1f} MB | {last} / {olast} | {flat} | {oflat} "
        f"| {crashes}, {timeouts}, {ooms} | {rss} MB |"
    )


def main():
    args = sys.argv[1:]
    since = ""
    if "--since" in args:
        i = args.index("--since")
        since = args[i + 1]
        del args[i : i + 2]
    d = args[0] if args else os.path.join(FUZZ, "logs")
    print(
        "| target | started | runs | CPU | wall | cov start → end | tebiki's own start → end | corpus "
        "| last new: all / tebiki | flat | flat in tebiki's own code | crashes, timeouts, OOMs | peak RSS |"
    )
    print("| --- " * 13 + "|")
    lines = []
    runs_log = os.path.join(d, "runs.log")
    if os.path.exists(runs_log):
        lines += [(line.strip(), None) for line in open(runs_log)]
    for st in sorted(glob.glob(os.path.join(d, "*.status"))):
        text = open(st).read().splitlines()
        if len(text) > 1 and not text[0].startswith("finished"):
            at = field(r"at (\d\d:\d\d)", text[0])
            lines.append((text[1], at))
    for line, running in lines:
        if line[:16] < since:
            continue
        r = row(line, running)
        if r:
            print(r)


if __name__ == "__main__":
    main()
