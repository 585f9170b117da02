#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the repository (run from anywhere).

clinic_yaml   bundled and fixture clinic files, tests/fixtures/fuzz/clinic_yaml
clinic_table  CSV (prefixed with byte 0) and XLSX (byte 1) import fixtures, a CSV
              written from the bundled clinics, tests/fixtures/fuzz/{csv,xlsx}, and
              the CSV lists as tab-separated text for a built workbook (byte 3)
manual        the manuals, each cut to one step, and tests/fixtures/fuzz/manual
markdown      every Markdown file and every string of the manuals (bodies,
              callouts, checklist texts), tests/fixtures/fuzz/markdown
pdf_linebreak (style byte 0-3 + text) each manual string, the seed manual's
              paragraphs, tests/fixtures/fuzz/pdf_linebreak

Seeds are named by content hash, so running it twice adds nothing.
"""

import csv
import glob
import hashlib
import io
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
FIX = os.path.join(ROOT, "tests", "fixtures")


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def strings(node):
    """Every string in a YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def cut_manual(m):
    """The manual cut to each single step, the other lists to their first item."""
    if not isinstance(m, dict):
        return
    base = {k: (v[:1] if isinstance(v, list) and k != "parts" else v) for k, v in m.items()}
    for part in m.get("parts") or []:
        for step in (part.get("steps") or []) if isinstance(part, dict) else []:
            yield {**base, "parts": [{**part, "steps": [step]}]}
    yield {k: v for k, v in base.items() if k in ("id", "title", "parts")} | {
        "parts": [{**part, "steps": (part.get("steps") or [])[:1]} for part in (m.get("parts") or [])[:1]]
    }


def g(*parts):
    return sorted(glob.glob(os.path.join(ROOT, *parts), recursive=True))


def main():
    clinics = g("content/clinics/*.yaml") + g("tests/fixtures/anymanual/clinics/*.yaml")
    for p in clinics + g("tests/fixtures/fuzz/clinic_yaml/*"):
        put("clinic_yaml", read(p))

    for p in g("tests/fixtures/import/*.csv") + g("tests/fixtures/fuzz/csv/*"):
        put("clinic_table", b"\0" + read(p))
    for p in g("tests/fixtures/import/*.xlsx") + g("tests/fixtures/fuzz/xlsx/*"):
        put("clinic_table", b"\1" + read(p))
    # The bundled clinics as one CSV with dotted headers (line.carrier, …).
    rows = []
    for p in clinics:
        flat = {}

        def walk(prefix, v):
            if isinstance(v, dict):
                for k, x in v.items():
                    walk(f"{prefix}{k}.", x)
            elif isinstance(v, list):
                flat[prefix[:-1]] = ";".join(map(str, v))
            else:
                flat[prefix[:-1]] = "" if v is None else str(v)

        walk("", yaml.safe_load(read(p)))
        rows.append(flat)
    heads = sorted({k for r in rows for k in r})
    out = io.StringIO()
    w = csv.DictWriter(out, heads)
    w.writeheader()
    w.writerows(rows)
    put("clinic_table", b"\0" + out.getvalue().encode())
    # The same lists as text for the harness's built XLSX (byte 3): tab
    # separated, values that look like numbers as number cells.
    csvs = [read(p) for p in g("tests/fixtures/import/*.csv")] + [out.getvalue().encode()]
    for body in csvs:
        try:
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error):
            continue
        cell = lambda v: "#" + v if v.isdigit() and not v.startswith("0") else v
        text = "\n".join("\t".join(cell(v) for v in r) for r in rows)
        put("clinic_table", b"\3" + text.encode())

    manuals = g("content/manuals/**/*.yaml") + g("tests/fixtures/anymanual/manuals/**/*.yaml")
    yamls = manuals + g("content/rules/*.yaml") + g("tests/fixtures/anymanual/rules/*.yaml")
    for p in manuals + g("tests/fixtures/fuzz/manual/*"):
        put("manual", read(p))
    # Small manuals: the bundled one cut to one step (and one of each list),
    # so that mutations are fast and land on one construct at a time.
    for p in manuals:
        for small in cut_manual(yaml.safe_load(read(p))):
            put("manual", yaml.safe_dump(small, allow_unicode=True, sort_keys=False))

    texts = set()
    for p in yamls + g("content/*.yaml"):
        texts.update(s for s in strings(yaml.safe_load(read(p))) if len(s) > 3)
    mds = g("content/**/*.md") + g("tests/fixtures/**/*.md") + g("tests/fixtures/fuzz/markdown/*")
    for p in mds:
        put("markdown", read(p))
    for t in texts:
        put("markdown", t)

    ref = os.path.join(ROOT, "..", "shared", "reference", "000_5b381f8db60e25e3.txt")
    if not os.path.exists(ref):
        ref = "/work/shared/reference/000_5b381f8db60e25e3.txt"
    paragraphs = []
    if os.path.exists(ref):
        body = read(ref).decode("utf-8", "replace")
        paragraphs = [x.strip() for x in body.split("\n\n") if x.strip()]
    for i, t in enumerate(sorted(texts) + paragraphs):
        put("pdf_linebreak", bytes([i % 4]) + t.encode())
    for p in g("tests/fixtures/fuzz/pdf_linebreak/*"):
        put("pdf_linebreak", b"\0" + read(p))

    for t in sorted(os.listdir(CORPUS)):
        print(t, len(os.listdir(os.path.join(CORPUS, t))))


if __name__ == "__main__":
    main()
