#!/usr/bin/env python3
"""Keeps a fuzz target's corpus between machines, in git.

A session's machine starts empty: without this, every session's fuzzing
starts again from `seed.py`'s seeds and spends its first hour finding the
coverage the last one had already found. So the end of a run is saved,
minimised, as one compressed archive per target, `fuzz/kept/TARGET.tar.xz`
(in git), and the next run starts from it.

    python3 fuzz/keep.py save TARGET [TARGET …]     # corpus → fuzz/kept/TARGET.tar.xz
    python3 fuzz/keep.py restore TARGET [TARGET …]  # fuzz/kept/TARGET.tar.xz → corpus

`save` minimises `fuzz/corpus/TARGET` with libFuzzer's own `-merge=1` (the
smallest set of its files that covers the same features; the built binary
of the target is needed, `cargo fuzz build -s none -a TARGET`), then writes
the archive with its files sorted and their times and owners cleared, so the
same corpus always gives the same bytes. `restore` adds the archive's files
to `fuzz/corpus/TARGET` (files already there are kept), so it can run before
or after `seed.py`. Nothing here deletes a corpus.
"""

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
BIN = os.path.join(FUZZ, "target", "x86_64-unknown-linux-gnu", "release")
KEPT = os.path.join(FUZZ, "kept")


def archive_path(target):
    return os.path.join(KEPT, f"{target}.tar.xz")


def save(target):
    corpus = os.path.join(FUZZ, "corpus", target)
    binary = os.path.join(BIN, target)
    if not os.path.isdir(corpus):
        sys.exit(f"keep.py: {corpus} does not exist: nothing to save")
    if not os.access(binary, os.X_OK):
        sys.exit(f"keep.py: {binary} is not built: run `cargo fuzz build -s none -a {target}` in fuzz/ first")
    with tempfile.TemporaryDirectory(prefix=f"keep-{target}-") as tmp:
        merged = os.path.join(tmp, target)
        os.mkdir(merged)
        # -merge=1 copies into the first directory the inputs of the others
        # that add features, smallest first.
        cmd = [binary, "-merge=1", "-timeout=10", "-rss_limit_mb=2048", merged, corpus]
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
        if r.returncode != 0:
            sys.stderr.write(r.stderr[-2000:])
            sys.exit(f"keep.py: the merge of {target} failed (exit {r.returncode})")
        names = sorted(os.listdir(merged))
        os.makedirs(KEPT, exist_ok=True)
        out = archive_path(target)
        part = out + ".part"
        with tarfile.open(part, "w:xz", preset=9) as tar:
            for name in names:
                with open(os.path.join(merged, name), "rb") as f:
                    data = f.read()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))
        os.replace(part, out)
        before = len(os.listdir(corpus))
        print(f"{target}: {before} files → {len(names)} after the merge; {out} {os.path.getsize(out):,} B")


def restore(target):
    src = archive_path(target)
    if not os.path.isfile(src):
        sys.exit(f"keep.py: {src} does not exist: nothing kept for {target}")
    corpus = os.path.join(FUZZ, "corpus", target)
    os.makedirs(corpus, exist_ok=True)
    added = 0
    with tarfile.open(src, "r:xz") as tar:
        for m in tar.getmembers():
            # Only plain files with plain names (libFuzzer names them by their SHA-1).
            if not m.isfile() or os.path.basename(m.name) != m.name or m.name.startswith("."):
                sys.exit(f"keep.py: {src} holds {m.name!r}, which is not a corpus file")
            dest = os.path.join(corpus, m.name)
            if os.path.exists(dest):
                continue
            f = tar.extractfile(m)
            with open(dest, "wb") as o:
                o.write(f.read())
            added += 1
    print(f"{target}: {added} files added to {corpus}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["save", "restore"])
    ap.add_argument("targets", nargs="+")
    a = ap.parse_args()
    for t in a.targets:
        (save if a.action == "save" else restore)(t)


if __name__ == "__main__":
    main()
