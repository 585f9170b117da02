#!/usr/bin/env python3
"""Seeds clinic_yaml and clinic_table from synthetic clinics (run from anywhere).

The bundled and fixture clinics are a dozen hand-written cases; the handout's
facts (which certificate window applies, whether the application is deferred,
which rules fire) depend on combinations of dates, kinds and terminals that a
dozen clinics do not reach and that random mutation reaches one byte at a
time. This script takes N clinics from the shared generator
(`../shared/bench/scale/gen.py N OUT.csv --bad K`, valid check digits, every
carrier, some wrong check digits) and gives each a spread of the fields the
generator leaves out: 申請区分 (new / change), 申請予定日 before, inside and
after the certificate's download window, テスト開始予定年月, 申請済みの端末
(none, some, all, one unknown), and installation dates from days to a year
after the harness's today (2026-11-24).

clinic_yaml   each clinic as a YAML file (field paths as keys)
clinic_table  the same clinics in lists of 6 as CSV (byte 0, Japanese headers)
              and as built-workbook text (byte 3, tab separated)

Usage: python3 fuzz/seed_synthetic.py [N] [--gen PATH] [--into DIR]
(--gen defaults to $TEBIKI_SCALE_GEN, else ../shared/bench/scale/gen.py)
"""

import argparse
import csv
import datetime
import hashlib
import io
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TODAY = datetime.date(2026, 11, 24)

HEADS = {
    "医療機関コード": "institution_code",
    "都道府県": "prefecture",
    "点数表": "fee_schedule",
    "分類": "category",
    "医療機関名": "name",
    "担当部署": "contact.department",
    "担当者": "contact.person",
    "電話番号": "phone",
    "メールアドレス": "email",
    "回線事業者": "line.carrier",
    "回線種別": "line.type",
    "お客さまID": "line.customer_id",
    "v6オプション": "line.v6_option",
    "利用開始予定年月": "start_month",
    "支払方法": "fee_payment",
    "端末名称": "terminals",
    "設置日": "installation_date",
}
# Days from today to installation: inside the 180-day download window and
# far beyond it, around the window's ends, and days away.
INSTALL_AFTER = [3, 12, 30, 61, 120, 149, 150, 151, 179, 180, 181, 200, 240, 300, 366]
# Application day relative to the installation day.
APPLY_BEFORE = [None, 0, 7, 30, 149, 150, 151, 180, 181, 200, -3]


def put(corpus, target, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    name = "syn-" + hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def month(d, add=0):
    y, m = d.year, d.month + add
    while m > 12:
        y, m = y + 1, m - 12
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"


def vary(i, row):
    """The generator's row plus the fields it leaves out, spread by index."""
    r = {HEADS[k]: v for k, v in row.items() if k in HEADS}
    install = TODAY + datetime.timedelta(days=INSTALL_AFTER[i % len(INSTALL_AFTER)])
    r["installation_date"] = install.isoformat()
    r["start_month"] = month(install, (i // 3) % 4 - 1)
    before = APPLY_BEFORE[(i * 7) % len(APPLY_BEFORE)]
    if before is not None:
        r["application_date"] = (install - datetime.timedelta(days=before)).isoformat()
    if i % 5 == 1:
        r["test_month"] = month(install, (i % 3) - 1)
    terminals = [t for t in r.get("terminals", "").split("、") if t]
    if i % 4 == 3 and len(terminals) < 3:
        terminals.append(f"受付端末{i % 7}")
    r["terminals"] = "、".join(terminals)
    if i % 3 == 1:
        r["application_kind"] = "change"
        kept = i % 4
        applied = terminals[: kept % (len(terminals) + 1)]
        if kept == 3:
            applied = applied + ["旧端末"]
        if applied:
            r["terminals_applied"] = "、".join(applied)
    elif i % 6 == 0:
        r["application_kind"] = "new"
    return r


def as_yaml(r):
    def q(v):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines, groups = [], {}
    for k, v in r.items():
        if "." in k:
            a, b = k.split(".", 1)
            groups.setdefault(a, []).append((b, v))
        elif k in ("terminals", "terminals_applied"):
            lines.append(f"{k}:")
            lines += [f"  - {q(t)}" for t in v.split("、") if t]
        else:
            lines.append(f"{k}: {q(v) if k == 'institution_code' else v}")
    for a, items in groups.items():
        lines.append(f"{a}:")
        lines += [f"  {b}: {q(v) if b == 'customer_id' else v}" for b, v in items if v != ""]
    return ("\n".join(lines) + "\n").encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=240)
    ap.add_argument("--gen", default=os.environ.get("TEBIKI_SCALE_GEN", os.path.join(ROOT, "..", "shared", "bench", "scale", "gen.py")))
    ap.add_argument("--into", default=os.path.join(HERE, "corpus"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "gen.csv")
        subprocess.run(["python3", a.gen, str(a.n), out, "--bad", str(a.n // 12)], check=True)
        with open(out, encoding="utf-8") as f:
            rows = [vary(i, row) for i, row in enumerate(csv.DictReader(f))]
    for r in rows:
        put(a.into, "clinic_yaml", as_yaml(r))
    keys = sorted({k for r in rows for k in r})
    back = {v: k for k, v in HEADS.items()}
    back.update(application_kind="申請区分", test_month="テスト開始予定年月",
                terminals_applied="申請済みの端末", application_date="申請予定日")
    heads = [back[k] for k in keys]
    for i in range(0, len(rows), 6):
        part = rows[i : i + 6]
        s = io.StringIO()
        w = csv.writer(s)
        w.writerow(heads)
        w.writerows([[r.get(k, "") for k in keys] for r in part])
        put(a.into, "clinic_table", b"\0" + s.getvalue().encode())
        text = "\n".join("\t".join(row) for row in [heads] + [[r.get(k, "") for k in keys] for r in part])
        put(a.into, "clinic_table", b"\3" + text.encode())
    print(f"{len(rows)} clinics: {len(rows)} clinic_yaml seeds, {2 * ((len(rows) + 5) // 6)} clinic_table seeds in {a.into}")


if __name__ == "__main__":
    main()
