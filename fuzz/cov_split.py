#!/usr/bin/env python3
"""Whose code a fuzz target's corpus covers: tebiki's own (src/) or a
dependency's, in libFuzzer's edges (the points its `cov:` counts).

Usage (after `cargo fuzz build -s none -a`):

    python3 fuzz/cov_split.py TARGET [CORPUS_DIR]

Replays the corpus once with `-runs=0 -print_coverage=1`. That flag needs two
sanitizer functions a `-s none` build lacks; `fuzz/symshim.c` (compiled here,
loaded with LD_PRELOAD) supplies them, naming each function by its offset in
the binary, and llvm-symbolizer maps the offsets to source files. Prints
covered/instrumented edges per origin: tebiki (src/), the harness, each
dependency crate, the Rust standard library. Nothing is added to the corpus
(new inputs would go to a temporary folder).
"""

import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
BIN = os.path.join(FUZZ, "target", "x86_64-unknown-linux-gnu", "release")
FUNC = re.compile(r"^(UN)?COVERED_FUNC: hits: (\d+) edges: (\d+)/(\d+) 0x([0-9a-f]+)")


def origin(path):
    m = re.search(r"/registry/src/[^/]+/([^/]+?)-\d+\.\d+[^/]*/", path)
    if m:
        return "dep " + m[1]
    if "/fuzz/fuzz_targets/" in path:
        return "harness"
    if "/rustc/" in path or "/library/" in path:
        return "std"
    if "/libfuzzer" in path:
        return "libfuzzer"
    if "/src/" in path or path.startswith("src/"):
        return "tebiki"
    return "unknown"


def symbolise(binary, offsets):
    out = subprocess.run(
        ["llvm-symbolizer", "--obj=" + binary, "--output-style=LLVM", "--no-inlines"],
        input="".join(f"0x{o:x}\n" for o in offsets),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files = []
    for block in out.strip("\n").split("\n\n"):
        lines = block.split("\n")
        files.append(lines[1].rsplit(":", 2)[0] if len(lines) > 1 else "??")
    return files


def main():
    target = sys.argv[1]
    corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(FUZZ, "corpus", target)
    binary = os.path.join(BIN, target)
    with tempfile.TemporaryDirectory() as tmp:
        shim = os.path.join(tmp, "symshim.so")
        subprocess.run(
            ["cc", "-shared", "-fPIC", "-O1", "-o", shim, os.path.join(FUZZ, "symshim.c"), "-ldl"],
            check=True,
        )
        new = os.path.join(tmp, "new")
        os.mkdir(new)
        run = subprocess.run(
            [binary, new, corpus, "-runs=0", "-print_coverage=1", "-timeout=10",
             "-rss_limit_mb=2048"],
            capture_output=True,
            text=True,
            errors="replace",
            env={**os.environ, "LD_PRELOAD": shim},
        )
    funcs = [
        (int(m[5], 16) - 1, int(m[3]), int(m[4]))
        for m in (FUNC.match(line) for line in run.stderr.splitlines())
        if m
    ]
    if not funcs:
        sys.exit("no coverage printed:\n" + run.stderr[-2000:])
    stats = re.findall(r"cov: (\d+) ft: (\d+)", run.stderr)
    files = symbolise(binary, [f[0] for f in funcs])
    cov, inst = collections.Counter(), collections.Counter()
    for (_, c, n), f in zip(funcs, files):
        o = origin(f)
        cov[o] += c
        inst[o] += n
    total_c, total_n = sum(cov.values()), sum(inst.values())
    files_n = len(os.listdir(corpus))
    print(f"{target}: {files_n} inputs in {corpus}; libFuzzer cov/ft {'/'.join(stats[-1]) if stats else '?'}")
    print(f"{'origin':<24} {'covered':>8} {'of cov':>7} {'edges':>8} {'covered %':>9}")
    for o, c in sorted(cov.items(), key=lambda x: (-x[1], x[0])):
        print(f"{o:<24} {c:>8} {100 * c / total_c:>6.1f}% {inst[o]:>8} {100 * c / inst[o]:>8.1f}%")
    print(f"{'all':<24} {total_c:>8} {100.0:>6.1f}% {total_n:>8} {100 * total_c / total_n:>8.1f}%")


if __name__ == "__main__":
    main()
