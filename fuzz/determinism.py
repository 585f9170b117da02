#!/usr/bin/env python3
"""Is a fuzz target deterministic? Edges that one input covers only sometimes
make libFuzzer's coverage creep forever, so "flat" could never be reached.

Usage (after `cargo fuzz build -s none -a`):

    python3 fuzz/determinism.py TARGET [--copies 200] [--newest 5] [--seeds 3]
        [--self-test] [FILE ...]

For each input (the FILEs, else the `--newest` files of fuzz/corpus/TARGET by
modification time, the ones the fuzzer added last, and `--seeds` files named
seed-*) it replays a folder holding that input once, then a folder holding it
`--copies` times, in one fuzzer process each (`-runs=0 -print_coverage=1`, as
`fuzz/cov_split.py` does). Any edge covered by the many copies and not by the
single one was reached by the same bytes on a later execution only: state
kept between executions (a cache, a one-time initialisation, a hash map's
random keys, the clock). The script names each such function (the binary's
symbol table) and its crate, and sums over the inputs.

`--self-test` also runs each single copy a second time in a fresh process:
edges that differ between two processes given the same single input are
process-level randomness (a hash map's keys are random per process too).
"""

import argparse
import collections
import glob
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cov_split  # noqa: E402


def covered(target, folder):
    funcs, stats, cpu = cov_split.replay_funcs(target, folder)
    return {off: c for off, c, _ in funcs if c}, stats, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--newest", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()

    corpus = os.path.join(cov_split.FUZZ, "corpus", a.target)
    files = list(a.files)
    if not files:
        all_files = [os.path.join(corpus, f) for f in os.listdir(corpus)]
        all_files.sort(key=lambda p: os.stat(p).st_mtime, reverse=True)
        files = all_files[: a.newest] + sorted(
            p for p in all_files if os.path.basename(p).startswith("seed-")
        )[: a.seeds]
    symbols = cov_split.Symbols(os.path.join(cov_split.BIN, a.target), a.target)
    total = collections.Counter()  # (origin, function) -> inputs with extra edges there
    extra_by_origin = collections.Counter()
    nondet = 0
    for path in files:
        data = open(path, "rb").read()
        with tempfile.TemporaryDirectory() as tmp:
            one, many = os.path.join(tmp, "one"), os.path.join(tmp, "many")
            os.mkdir(one)
            os.mkdir(many)
            shutil.copy(path, os.path.join(one, "x"))
            for i in range(a.copies):
                with open(os.path.join(many, f"x{i:04}"), "wb") as f:
                    f.write(data)
            c1, s1, _ = covered(a.target, one)
            cn, sn, cpu = covered(a.target, many)
            c1b = None
            if a.self_test:
                c1b, _, _ = covered(a.target, one)
        extra = {off: cn.get(off, 0) - c1.get(off, 0) for off in cn if cn.get(off, 0) > c1.get(off, 0)}
        n_extra = sum(extra.values())
        line = (
            f"{os.path.basename(path)} ({len(data)} B): cov 1 copy {s1[0] if s1 else '?'}, "
            f"{a.copies} copies {sn[0] if sn else '?'}; edges only on later copies: {n_extra}"
        )
        if c1b is not None:
            diff = sum(abs(c1.get(o, 0) - c1b.get(o, 0)) for o in set(c1) | set(c1b))
            line += f"; 1 copy in two processes differs by {diff} edges"
        print(line, flush=True)
        if n_extra:
            nondet += 1
        for off, n in sorted(extra.items(), key=lambda x: -x[1]):
            name = symbols.name(off)
            o = symbols.origin(off)
            extra_by_origin[o] += n
            total[(o, name)] += 1
            print(f"    +{n} {o}: {name[:160]}")
    print(
        f"{a.target}: {nondet} of {len(files)} inputs cover more edges on later copies; "
        f"extra edges by crate: {dict(extra_by_origin.most_common())}"
    )
    if total:
        print("functions (inputs with extra edges there):")
        for (o, name), n in total.most_common(40):
            print(f"  {n:3} {o}: {name[:160]}")


if __name__ == "__main__":
    main()
