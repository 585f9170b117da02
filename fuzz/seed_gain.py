#!/usr/bin/env python3
"""What a folder of seeds adds to a corpus, in libFuzzer's edges, by crate.

Usage (run it `nice -n 19`; with TEBIKI_FUZZ_BIN=DIR it uses copies of the
binaries, so a fuzzer running the originals is not disturbed):

    python3 fuzz/seed_gain.py TARGET SEEDS_DIR [CORPUS_DIR]

Replays CORPUS_DIR (default fuzz/corpus/TARGET) once, then CORPUS_DIR and
SEEDS_DIR together (`-runs=0 -print_coverage=1`, as `cov_split.py` does),
and prints the covered edges of each, the seeds' gain by origin (tebiki,
each dependency, std) and the CPU seconds each replay took. Nothing is
written to either folder.
"""

import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cov_split  # noqa: E402


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    target, seeds = sys.argv[1], sys.argv[2]
    corpus = sys.argv[3] if len(sys.argv) > 3 else os.path.join(cov_split.FUZZ, "corpus", target)
    symbols = cov_split.Symbols(os.path.join(cov_split.BIN, target), target)
    before, _, s0, cpu0 = cov_split.replay(target, corpus, symbols)
    after, _, s1, cpu1 = cov_split.replay(target, [corpus, seeds], symbols)
    n_c, n_s = len(os.listdir(corpus)), len(os.listdir(seeds))
    print(f"{target}: corpus {n_c} files: cov/ft {'/'.join(s0 or '?')} ({sum(before.values())} edges, {cpu0:.1f} CPU s)")
    print(f"{target}: corpus + {n_s} seeds: cov/ft {'/'.join(s1 or '?')} ({sum(after.values())} edges, {cpu1:.1f} CPU s)")
    gain = collections.Counter({o: after[o] - before[o] for o in set(after) | set(before)})
    print("gain by origin: " + ", ".join(f"{o} {g:+d}" for o, g in gain.most_common() if g))


if __name__ == "__main__":
    main()
