#!/usr/bin/env python3
"""Whose code a fuzz target's corpus covers: tebiki's own (src/) or a
dependency's, in libFuzzer's edges (the points its `cov:` counts).

Usage (after `cargo fuzz build -s none -a`):

    python3 fuzz/cov_split.py TARGET [CORPUS_DIR]

Replays the corpus once with `-runs=0 -print_coverage=1`. That flag needs two
sanitizer functions a `-s none` build lacks; `fuzz/symshim.c` (compiled here,
loaded with LD_PRELOAD) supplies them, naming each function by its offset in
the binary, and llvm-symbolizer names the functions. Prints
covered/instrumented edges per origin (the crate of each function): tebiki,
the harness, each dependency crate, the Rust standard library. Nothing is added to the corpus
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


STD = {"core", "alloc", "std", "hashbrown", "compiler_builtins"}


def origin(name, target):
    """The crate a (demangled) function belongs to: the first path segment,
    the implementing type's for `<T as Trait>::f`, the dropped type's for
    drop glue. (The binaries' line tables are not reliable after the
    linker's section GC, so files are not used.)"""
    if name.startswith("core::ptr::drop_in_place::<"):
        name = name[len("core::ptr::drop_in_place::<") :]
    name = name.lstrip("<&*( ").replace("mut ", "").replace("dyn ", "")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    if not m:
        return "other"
    crate = m[1]
    if crate in STD:
        return "std"
    if crate == "tebiki":
        return "tebiki"
    if crate in (target, "harness", "tebiki_fuzz"):
        return "harness"
    if crate in ("fuzzer", "libfuzzer_sys"):
        return "libfuzzer"
    return "dep " + crate


def symbolise(binary, offsets):
    """The demangled function name at each offset (llvm-symbolizer, one batch)."""
    out = subprocess.run(
        ["llvm-symbolizer", "--obj=" + binary, "--output-style=LLVM", "--no-inlines", "-C"],
        input="".join(f"0x{o:x}\n" for o in offsets),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [block.split("\n")[0] for block in out.strip("\n").split("\n\n")]


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
    names = symbolise(binary, [f[0] for f in funcs])
    cov, inst = collections.Counter(), collections.Counter()
    for (_, c, n), f in zip(funcs, names):
        o = origin(f, target)
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
