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

Crafted seeds for table-like code (each arm of a big `match` is an edge that
random mutation finds one at a time, if ever):

markdown      link reference definitions and uses whose labels hold every
              character unicase's case folding maps (its own table, read from
              unicase's source in the cargo registry when it is there, else
              Python's str.casefold), defined in one form and used as written,
              case-folded and upper-cased, so that the label comparison folds
              every character on every execution
clinic_yaml   the bundled clinic with its dates (設置予定日, 申請予定日,
              利用開始予定年月, テスト開始予定年月) in every form the loaders
              accept or refuse: ISO, slashes, dots, 年月日, 令和/平成/R/H with
              元年, weekdays right and wrong, full-width digits, spaces, impossible
              dates, era boundaries, ISO forms with times, offsets and annotations
              (jiff's parser); and the clinic's name in YAML's other syntax (tags,
              directives, block scalars, flow collections, every escape)
clinic_table  the same dates as CSV rows and as built-workbook rows (text
              cells, and `=N` date-formatted serial cells around the calendar's
              ends)

Seeds are named by content hash, so running it twice adds nothing.
"""

import csv
import glob
import hashlib
import io
import os
import re
import unicodedata

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


def unicase_chars():
    """Every character unicase's fold table maps (the arms of
    `unicase::unicode::map::lookup`, read from its source in the cargo
    registry) and their neighbours, so that both sides of every range test
    are taken; Python's case folding when the source is not found."""
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    maps = sorted(glob.glob(os.path.join(home, "registry", "src", "*", "unicase-2.*", "src", "unicode", "map.rs")))
    chars = set()
    if maps:
        high = None
        small = True
        for line in open(maps[-1], encoding="utf-8"):
            if "} else {" in line and line.startswith("    } else"):
                small, high = False, None
            m = re.match(r"\s+0x([0-9a-f]+) => match low_byte", line)
            if m:
                high = int(m[1], 16)
                continue
            m = re.match(r"\s+x @ _ if (?:0x([0-9a-f]+) <= x && )?x <= 0x([0-9a-f]+) =>", line)
            lo_hi = (int(m[1] or "0", 16), int(m[2], 16)) if m else None
            if not m:
                m = re.match(r"\s+0x([0-9a-f]+) =>", line)
                lo_hi = (int(m[1], 16),) * 2 if m else None
            if not lo_hi:
                continue
            base = (high << 8) if small and high is not None else 0
            if small and high is None:
                continue
            # The range, and its neighbours (both sides of each guard).
            top = 0xFF if small else 0x10FFFF
            for c in range(max(lo_hi[0] - 1, 0), min(lo_hi[1] + 1, top) + 1):
                chars.add(base + c)
    if not chars:
        chars = {
            c
            for c in range(0x80, 0x110000)
            if unicodedata.category(chr(c)) not in ("Cs", "Co", "Cn") and chr(c).casefold() != chr(c)
        }
    out = []
    for c in sorted(chars):
        ch = chr(c)
        if unicodedata.category(ch) in ("Cs", "Cc", "Zs", "Zl", "Zp") or ch in "[]\\`<>*_!&":
            continue
        out.append(ch)
    return out


def casefold_markdown():
    """Markdown documents whose link labels hold every folded character."""
    chars = unicase_chars()
    docs = []
    for i in range(0, len(chars), 120):
        label = "".join(chars[i : i + 120])
        folded = label.casefold()
        upper = label.upper()
        docs.append(
            f"[{label}]: /a{i}\n\n[{label}] [{folded}] [{upper}][] [x][{label}]\n"
        )
        # One character per label: mismatches fold only as far as they go.
        small = "".join(f"[{c}]: /{j}\n" for j, c in enumerate(chars[i : i + 120]))
        uses = " ".join(f"[{c.casefold()}] [{c.upper()}]" for c in chars[i : i + 120])
        docs.append(small + "\n" + uses + "\n")
    return docs


# (year, month, day) for the date seeds: era boundaries, leap days, month
# ends, impossible dates, the calendar's ends.
DATES = [
    (2026, 12, 25), (2019, 4, 30), (2019, 5, 1), (1989, 1, 7), (1989, 1, 8),
    (2024, 2, 29), (2023, 2, 29), (2100, 2, 29), (2000, 2, 29), (2026, 4, 31),
    (2026, 13, 1), (2026, 0, 10), (2026, 12, 0), (9999, 12, 31), (1, 1, 1),
    (2027, 1, 31), (2026, 11, 24), (1988, 12, 31),
]
WEEKDAYS = "日月火水木金土"


def weekday(y, m, d):
    import datetime

    try:
        return WEEKDAYS[(datetime.date(y, m, d).weekday() + 1) % 7]
    except ValueError:
        return "月"


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or c in "-/." else c for c in s)


def date_forms(y, m, d):
    """A date written every way a clinic list might write it."""
    r, h = y - 2018, y - 1988
    era = lambda n: "元" if n == 1 else str(n)
    w = weekday(y, m, d)
    wrong = WEEKDAYS[(WEEKDAYS.index(w) + 3) % 7]
    forms = [
        f"{y}-{m:02}-{d:02}", f"{y}-{m}-{d}", f"{y}/{m}/{d}", f"{y}.{m}.{d}",
        f"{y}年{m}月{d}日", f"{y} 年 {m} 月 {d} 日", f"{y}{m:02}{d:02}",
        f"令和{era(r)}年{m}月{d}日", f"R{r}.{m}.{d}", f"r{r}/{m}/{d}", f"R {r}.{m}.{d}",
        f"平成{era(h)}年{m}月{d}日", f"H{h}.{m}.{d}", f"h{h}-{m}-{d}",
        f"{y}/{m}/{d}({w})", f"{y}年{m}月{d}日（{w}曜日）", f"{y}-{m:02}-{d:02} ({wrong}曜)",
        fullwidth(f"{y}/{m}/{d}"), fullwidth(f"{y}年{m}月{d}日"),
        f"{y}-{m:02}-{d:02}T09:00:00", f"{y}-{m:02}-{d:02}T09:00+09:00[Asia/Tokyo]",
        f"{y}-{m:02}-{d:02} 09:00Z", f"+{y:06}-{m:02}-{d:02}", f"{y}{m:02}{d:02}T0900",
        f"{y}-{m:02}-{d:02}[u-ca=iso8601]", f"{y}/{m}/{d} 9:00", f"{y}-{m:02}",
    ]
    return forms


# Dates as jiff's Temporal / RFC 9557 parser reads them (a value the loader
# does not recognise reaches it as written): times, offsets, annotations.
JIFF_FORMS = [
    "2026-12-25T09", "2026-12-25T0900", "2026-12-25T09:00:00.123456789", "2026-12-25t09:00",
    "2026-12-25 09:00:00,5", "2026-12-25T09:00+09", "2026-12-25T09:00+0900",
    "2026-12-25T09:00+09:00:00", "2026-12-25T09:00-00:00", "2026-12-25T09:00z",
    "2026-12-25T09:00:60", "2026-12-25T24:00", "2026-12-25[Asia/Tokyo]",
    "2026-12-25T09:00[!Asia/Tokyo]", "2026-12-25T09:00+09:00[+09:00]",
    "2026-12-25[u-ca=japanese]", "2026-12-25[!u-ca=iso8601][Asia/Tokyo]",
    "2026-12-25T09:00[Etc/GMT-9]", "2026-12-25T09:00Z[UTC]", "2026-12-25[a-b=c]",
    "20261225T090000+0900", "+002026-12-25", "-000001-01-01", "+999999-12-31",
    "2026-12-25T09:00:00.1234567891", "2026-02-30", "2026-12-25T", "2026-12-25[",
]

# YAML syntax the clinic reader meets in values: tags, block scalars, flow
# collections, every escape of a double-quoted scalar, directives.
YAML_FORMS = [
    'name: !!str 北の森内科医院\n', "name: !local 北の森\n", "name: !<tag:yaml.org,2002:str> 北の森\n",
    "%YAML 1.2\n%TAG !e! tag:example.jp,2026:\n---\nname: !e!clinic 北の森\n...\n",
    "name: |\n  北の森\n  内科\n", "name: >-\n  北の森\n\n  内科\n", "name: |2+\n   北の森\n\n",
    "terminals: [オンライン資格確認パソコン, '受付', \"診察室\"]\n", "contact: {department: 事務長, person: 森 健太}\n",
    'name: "\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\"\\/\\\\\\N\\_\\L\\P\\x41\\u3042\\U0001F600 北の森"\n',
    "name: '北の森''内科'\n", "name: ? 北の森\n", "? name\n: 北の森\n", "name: &a 北の森\n",
    "name: 北の森 # コメント\n", "name:\t北の森\n", "name: >\n\t北の森\n",
]


def month_forms(y, m):
    r, h = y - 2018, y - 1988
    era = lambda n: "元" if n == 1 else str(n)
    return [
        f"{y}-{m:02}", f"{y}/{m}", f"{y}.{m}", f"{y}年{m}月", f"{y}{m:02}",
        f"令和{era(r)}年{m}月", f"R{r}.{m}", f"平成{era(h)}年{m}月", f"H{h}/{m}",
        fullwidth(f"{y}-{m:02}"), f"{y}-{m:02}-01", f"{y}", f"{y}-{m:02}-01-01",
    ]


def yaml_scalar(v):
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' if re.search(r"[:#\[\]{}]|^[-+ ]", v) else v


def date_seeds(base_yaml):
    """(clinic YAML files, CSV lists, built-workbook texts) with every date form."""
    forms = [f for (y, m, d) in DATES for f in date_forms(y, m, d)]
    months = [f for (y, m, _) in DATES for f in month_forms(y, m)]
    forms = forms + JIFF_FORMS
    yamls = []
    for i, f in enumerate(forms):
        text = re.sub(r"(?m)^installation_date:.*$", "installation_date: " + yaml_scalar(f), base_yaml)
        text = re.sub(r"(?m)^start_month:.*$", "start_month: " + yaml_scalar(months[i % len(months)]), text)
        extra = f"application_date: {yaml_scalar(forms[(i * 7 + 3) % len(forms)])}\n"
        extra += f"test_month: {yaml_scalar(months[(i * 5 + 1) % len(months)])}\n"
        yamls.append(text + extra)
    return yamls, forms, months


def flat_row(doc):
    """A clinic YAML tree as one CSV row with dotted headers (line.carrier, …)."""
    flat = {}

    def walk(prefix, v):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(f"{prefix}{k}.", x)
        elif isinstance(v, list):
            flat[prefix[:-1]] = ";".join(map(str, v))
        else:
            flat[prefix[:-1]] = "" if v is None else str(v)

    walk("", doc)
    return flat


def crafted():
    """The crafted seeds (module docstring): (target, bytes) pairs."""
    for doc in casefold_markdown():
        yield "markdown", doc
    base_path = os.path.join(ROOT, "content", "clinics", "hokkaido-clinic.yaml")
    base = read(base_path).decode("utf-8")
    yamls, forms, months = date_seeds(base)
    for y in yamls:
        yield "clinic_yaml", y
    for form in YAML_FORMS:
        if form.startswith("%"):  # directives go before the document
            head, body = form.split("---\n")
            yield "clinic_yaml", head + "---\n" + re.sub(r"(?m)^name:.*\n", lambda _: body.replace("...\n", ""), base) + "...\n"
        else:
            yield "clinic_yaml", re.sub(r"(?m)^name:.*\n", lambda _: form, base)
    row = flat_row(yaml.safe_load(base))
    heads = sorted(set(row) | {"application_date", "test_month"})
    serials = ["0", "1", "59", "60", "61", "46015", "46015.5", "2958465", "2958466", "-1", "1e10", "x"]
    per = len(forms) // len(DATES)
    for i in range(len(DATES)):
        rows = []
        for j, f in enumerate(forms[i * per : (i + 1) * per]):
            r = dict(row, installation_date=f, start_month=months[(i + j) % len(months)])
            r["application_date"] = forms[(i * 7 + j * 3) % len(forms)]
            r["test_month"] = months[(i * 5 + j) % len(months)]
            rows.append(r)
        out = io.StringIO()
        w = csv.DictWriter(out, heads)
        w.writeheader()
        w.writerows(rows)
        yield "clinic_table", b"\0" + out.getvalue().encode()
        # The same rows in a built workbook (byte 3), and date-formatted
        # serial cells in the date columns.
        lines = ["\t".join(heads)]
        for j, r in enumerate(rows):
            cells = []
            for h in heads:
                v = r.get(h, "")
                if h in ("installation_date", "application_date") and j % 2:
                    v = "=" + serials[(i + j + (h == "application_date")) % len(serials)]
                cells.append(v)
            lines.append("\t".join(cells))
        yield "clinic_table", b"\3" + "\n".join(lines).encode()


def main():
    import argparse

    global CORPUS
    ap = argparse.ArgumentParser(description="Seeds fuzz/corpus/<target>/ (see the module docstring).")
    ap.add_argument("--into", metavar="DIR", help="write DIR/<target>/ instead of fuzz/corpus/<target>/")
    ap.add_argument("--crafted-only", action="store_true", help="only the crafted seeds")
    a = ap.parse_args()
    if a.into:
        CORPUS = a.into
    for target, data in crafted():
        put(target, data)
    if a.crafted_only:
        for t in sorted(os.listdir(CORPUS)):
            print(t, len(os.listdir(os.path.join(CORPUS, t))))
        return
    clinics = g("content/clinics/*.yaml") + g("tests/fixtures/anymanual/clinics/*.yaml")
    for p in clinics + g("tests/fixtures/fuzz/clinic_yaml/*"):
        put("clinic_yaml", read(p))

    for p in g("tests/fixtures/import/*.csv") + g("tests/fixtures/fuzz/csv/*"):
        put("clinic_table", b"\0" + read(p))
    for p in g("tests/fixtures/import/*.xlsx") + g("tests/fixtures/fuzz/xlsx/*"):
        put("clinic_table", b"\1" + read(p))
    # The bundled clinics as one CSV with dotted headers (line.carrier, …).
    rows = [flat_row(yaml.safe_load(read(p))) for p in clinics]
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
