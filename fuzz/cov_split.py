#!/usr/bin/env python3
"""Whose code a fuzz target's corpus covers: tebiki's own (src/) or a
dependency's, in libFuzzer's edges (the points its `cov:` counts).

Usage (after `cargo fuzz build -s none -a`):

    python3 fuzz/cov_split.py TARGET [CORPUS_DIR ...]

Replays the corpus once with `-runs=0 -print_coverage=1`. That flag needs two
sanitizer functions a `-s none` build lacks; `fuzz/symshim.c` (compiled here,
loaded with LD_PRELOAD) supplies them, naming each function by its offset in
the binary, and the binary's symbol table (`nm -C -S`) names the function
around each offset. Prints covered/instrumented edges per origin (the crate
of each function): tebiki, the harness, each dependency crate, the Rust
standard library. Nothing is added to the corpus (new inputs would go to a
temporary folder).

`fuzz/until_flat.py` uses the same classification (`Symbols`, `origin`) for
the edges libFuzzer reports live with `-print_pcs=1`, and `replay` for the
split when a run starts.
"""

import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
# TEBIKI_FUZZ_BIN: a folder with copies of the binaries, to measure while the
# fuzzers run the originals.
BIN = os.environ.get("TEBIKI_FUZZ_BIN") or os.path.join(FUZZ, "target", "x86_64-unknown-linux-gnu", "release")
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


class Symbols:
    """The binary's function symbols (`nm -C -S`), to name the function
    around an offset by bisection. Read once, so a binary rebuilt while a
    fuzzer runs does not change the answers. An offset inside inlined code
    is named by the function it was inlined into (as `llvm-symbolizer
    --no-inlines` does; the two gave the same origin for every function of a
    clinic_table replay)."""

    def __init__(self, binary, target):
        self.target = target
        out = subprocess.run(
            ["nm", "-C", "-S", "--defined-only", binary],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        syms = []
        for line in out.splitlines():
            p = line.split(" ", 3)
            if len(p) == 4 and p[2] in "tTwW":
                syms.append((int(p[0], 16), int(p[1], 16), p[3]))
        syms.sort()
        self.starts = [s[0] for s in syms]
        self.syms = syms
        self.cache = {}

    def name(self, offset):
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0:
            start, size, name = self.syms[i]
            if offset < start + size:
                return name
        return ""

    def origin(self, offset):
        """The origin (see `origin`) of the function around an offset."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i in self.cache:
            return self.cache[i]
        o = origin(self.name(offset), self.target)
        self.cache[i] = o
        return o


def shim(tmp):
    """fuzz/symshim.c compiled into TMP; the path of the library."""
    path = os.path.join(tmp, "symshim.so")
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-O1", "-o", path, os.path.join(FUZZ, "symshim.c"), "-ldl"],
        check=True,
    )
    return path


def replay(target, corpus, symbols=None, env=None):
    """Covered and instrumented edges by origin after one pass over CORPUS:
    (covered Counter, instrumented Counter, libFuzzer's last "cov: N ft: M"
    as a pair of strings or None, CPU seconds the replay took)."""
    binary = os.path.join(BIN, target)
    symbols = symbols or Symbols(binary, target)
    funcs, stats, cpu = replay_funcs(target, corpus, env)
    cov, inst = collections.Counter(), collections.Counter()
    for offset, c, n in funcs:
        o = symbols.origin(offset)
        cov[o] += c
        inst[o] += n
    return cov, inst, stats, cpu


def replay_funcs(target, corpus, env=None, extra=()):
    """One pass over CORPUS (a folder, or a list of folders replayed as
    one): ([(function offset, covered edges, instrumented edges)],
    libFuzzer's last "cov: N ft: M" as a pair of strings or None, CPU
    seconds the replay took)."""
    binary = os.path.join(BIN, target)
    corpora = [corpus] if isinstance(corpus, str) else list(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        new = os.path.join(tmp, "new")
        os.mkdir(new)
        before = os.times()
        run = subprocess.run(
            [binary, new, *corpora, "-runs=0", "-print_coverage=1", "-timeout=10",
             "-rss_limit_mb=2048", *extra],
            capture_output=True,
            text=True,
            errors="replace",
            env={**(env or os.environ), "LD_PRELOAD": shim(tmp)},
        )
        after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    funcs = [
        (int(m[5], 16) - 1, int(m[3]), int(m[4]))
        for m in (FUNC.match(line) for line in run.stderr.splitlines())
        if m
    ]
    if not funcs:
        raise RuntimeError("no coverage printed:\n" + run.stderr[-2000:])
    stats = re.findall(r"cov: (\d+) ft: (\d+)", run.stderr)
    return funcs, (stats[-1] if stats else None), cpu


def main():
    target = sys.argv[1]
    corpus = sys.argv[2:] or [os.path.join(FUZZ, "corpus", target)]
    try:
        cov, inst, stats, _ = replay(target, corpus)
    except RuntimeError as e:
        sys.exit(str(e))
    total_c, total_n = sum(cov.values()), sum(inst.values())
    files_n = sum(len(os.listdir(c)) for c in corpus)
    print(f"{target}: {files_n} inputs in {' + '.join(corpus)}; libFuzzer cov/ft {'/'.join(stats) if stats else '?'}")
    print(f"{'origin':<24} {'covered':>8} {'of cov':>7} {'edges':>8} {'covered %':>9}")
    for o, c in sorted(cov.items(), key=lambda x: (-x[1], x[0])):
        print(f"{o:<24} {c:>8} {100 * c / total_c:>6.1f}% {inst[o]:>8} {100 * c / inst[o]:>8.1f}%")
    print(f"{'all':<24} {total_c:>8} {100.0:>6.1f}% {total_n:>8} {100 * total_c / total_n:>8.1f}%")


if __name__ == "__main__":
    main()
