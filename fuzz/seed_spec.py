#!/usr/bin/env python3
"""Seeds from specification test data (issue 11 item 7), as data only.

Random mutation reaches the deep states of the YAML parser (granit-parser,
serde-saphyr), the Markdown parser (pulldown-cmark) and the date arithmetic
(jiff) slowly: clinic_yaml's and manual's coverage still crept in those
crates after an hour of CPU. The specifications' own test data are inputs
made to reach each of those states; this script wraps them in the shapes the
fuzz targets take and writes them as seeds. Nothing here is code of those
projects: their test inputs are read from a checkout, as data.

Sources (pinned, so the seeds are reproducible; a `git` directory or a plain
checkout of each):

  yts   github:yaml/yaml-test-suite, branch `data` at 6ad3d2c6: every
        `<case>/in.yaml` (and `<case>/<nn>/in.yaml`), valid and invalid
        (those with an `error` file) alike
  cm    github:pulldown-cmark/pulldown-cmark at 17b52638: the examples of
        the CommonMark spec (third_party/CommonMark/spec.txt), the GFM spec
        (third_party/GitHub/spec.txt), pulldown-cmark's strikethrough spec
        (the one extension tebiki turns on) and its regression cases
        (specs/regression.txt); `→` in an example is a tab
  date  the dates tebiki's date fields hand to jiff (below), written here
  jiff  the test inputs of jiff's own date-time parsers (jiff_forms), from
        the jiff in the cargo registry that fuzz/Cargo.lock names
  style the bundled clinics, and every twelfth of seed.py's crafted
        manuals (every Nth with --style-every N), rewritten by PyYAML in the presentation styles of the YAML
        spec: canonical, double- and single-quoted, flow with a directive,
        anchors and aliases, block with deep indentation and folded lines

Targets and shapes:

  clinic_yaml  each YAML case (1) as the whole clinic file, (2) as the value
               of `name:` in the bundled clinic (content/clinics/
               hokkaido-clinic.yaml), indented under it, (3) as a complex key
               (`? case` / `: 値`) beside the clinic's keys, (4) as an item
               of `terminals:`; and the bundled clinic with its four date
               fields set to dates chosen for jiff (below)
  manual       each YAML case (1) as the whole manual.yaml, (2) as the value
               of `summary:` in seed.py's small manual; each Markdown example
               as the body of that manual's first step (written by PyYAML,
               checked to read back as the example)
  markdown     each Markdown example as the whole input

Dates: a clinic's date fields (installation_date, application_date: a date;
start_month, test_month: a year and month) are read by tebiki's own checks
(1900-2100, or 令和/平成 years), then passed to jiff as `YYYY-MM-DD` and
used in the content's derived facts (days_between, date_plus with days,
months and business days, date_minus, month_of) against the harness's
today, 2026-11-24. So what jiff meets is not a new spelling but a new
date: month ends of every length, leap days of leap and non-leap centuries,
the era change, the calendar's ends as tebiki reads it (1900-01-01,
2100-12-31, 令和99年12月31日 = 2117-12-31), days just around today, and
weeks with public holidays of each kind (振替休日, 国民の休日, equinoxes,
moving Mondays, the year's end and Golden Week) for the business-day counts.
Each seed sets the four fields to dates of one such group, written both in
ISO and in the forms the checks accept.

Each seed is named `spec-<source>-<case>-<shape>-<hash>` (hash of the bytes),
so a file says where it came from; `--manifest FILE` also writes one TSV row
per seed (target, file, source with commit and path, shape, bytes). Seeds
longer than the target's -max_len are skipped and counted: the runs give no
-max_len, so libFuzzer takes the largest corpus file (at least 4096 bytes),
read here from `--limits-from` (default fuzz/corpus); a longer seed would
be cut when reloaded, or would raise the limit of a run that starts with it.

Usage:
  python3 fuzz/seed_spec.py [--into DIR] [--only TARGET ...]
      [--yts PATH] [--cm PATH] [--manifest FILE] [--limits-from DIR]
"""

import argparse
import datetime
import glob
import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed  # noqa: E402  (the small manual and its YAML dumper)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
YTS_REF = "6ad3d2c62885d82fc349026c136ef560838fdf3d"
CM_REF = "17b526386f2881e210533a8d36bc62376fba3ba8"
CM_FILES = [
    ("commonmark", "pulldown-cmark/third_party/CommonMark/spec.txt"),
    ("gfm", "pulldown-cmark/third_party/GitHub/spec.txt"),
    ("strike", "pulldown-cmark/specs/strikethrough.txt"),
    ("regression", "pulldown-cmark/specs/regression.txt"),
]
FENCE = "`" * 32 + " example"


def tree(path, ref):
    """{path: bytes} of a git directory at `ref`, or of a plain checkout."""
    if os.path.isdir(os.path.join(path, "objects")) or os.path.isdir(os.path.join(path, ".git")):
        git = ["git", "--git-dir", path if os.path.isdir(os.path.join(path, "objects")) else os.path.join(path, ".git")]
        raw = subprocess.run(git + ["archive", "--format=tar", ref], check=True, capture_output=True).stdout
        out = {}
        with tarfile.open(fileobj=io.BytesIO(raw)) as t:
            for m in t.getmembers():
                if m.isfile():
                    out[m.name] = t.extractfile(m).read()
        return out, ref
    out = {}
    for d, _, files in os.walk(path):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, path)] = fh.read()
    return out, "checkout"


def yaml_cases(files):
    """(case id, in.yaml bytes, invalid?) of the YAML test suite."""
    for p in sorted(files):
        if p.endswith("/in.yaml"):
            case = p[: -len("/in.yaml")]
            yield case.replace("/", "."), files[p], (case + "/error") in files, p


def md_examples(text):
    """The examples of a spec file in CommonMark's format: (number, markdown)."""
    out = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith(FENCE):
            j = i + 1
            body = []
            while j < len(lines) and lines[j] != ".":
                body.append(lines[j])
                j += 1
            out.append((len(out) + 1, "\n".join(body).replace("→", "\t") + "\n"))
            while j < len(lines) and not lines[j].startswith("`" * 32):
                j += 1
            i = j + 1
        else:
            i += 1
    return out


def indent(text, n):
    pad = " " * n
    return "".join(pad + line if line.strip("\r\n") else line for line in text.splitlines(keepends=True))


def clinic_shapes(base, case):
    """A YAML case in the shapes of a clinic file."""
    if not case.endswith("\n"):
        case += "\n"
    yield "whole", case
    yield "name", re.sub(r"(?m)^name:.*\n", lambda _: "name:\n" + indent(case, 2), base)
    yield "key", base + "?\n" + indent(case, 2) + ": 値\n"
    yield "terminals", re.sub(r"(?ms)^terminals:\n(  - .*?\n)+", lambda _: "terminals:\n  -\n" + indent(case, 4), base)


def dump(doc):
    return yaml.dump(doc, Dumper=seed._Dumper, allow_unicode=True, sort_keys=False, width=1 << 16)


def manual_with_body(md):
    m = seed.manual_base()
    m["parts"][0]["steps"][0]["body"] = md
    text = dump(m)
    back = yaml.safe_load(text)
    if back["parts"][0]["steps"][0]["body"] != md:
        return None
    return text


def manual_shapes(case):
    if not case.endswith("\n"):
        case += "\n"
    yield "whole", case
    base = dump(seed.manual_base())
    yield "summary", re.sub(r"(?m)^title:.*\n", lambda mt: mt[0] + "summary:\n" + indent(case, 2), base, count=1)


def shared(doc):
    """DOC with equal mappings and lists made one object, so that the
    emitter writes them once with an anchor and then as aliases."""
    import json

    memo = {}

    def walk(node):
        if isinstance(node, (dict, list)):
            node = {k: walk(v) for k, v in node.items()} if isinstance(node, dict) else [walk(v) for v in node]
            key = json.dumps(node, sort_keys=True, ensure_ascii=False, default=str)
            return memo.setdefault(key, node)
        return node

    return walk(doc)


def styles(doc):
    """DOC written in the presentation styles of the YAML spec (chapters 6-9):
    canonical (explicit tags and keys, document markers), every scalar
    double- or single-quoted, flow collections with a %YAML directive and
    document end, anchors and aliases, and block style with deep indentation
    and long plain scalars folded over lines."""
    kw = dict(Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False)
    yield "canonical", yaml.dump(doc, canonical=True, **kw)
    yield "double", yaml.dump(doc, default_style='"', **kw)
    yield "single", yaml.dump(doc, default_style="'", **kw)
    yield "flow", yaml.dump(doc, default_flow_style=True, explicit_start=True, explicit_end=True, version=(1, 2), **kw)
    yield "anchors", yaml.dump(shared(doc), **kw)
    yield "folded", yaml.dump(doc, indent=5, width=12, **kw)


# Dates chosen for jiff (module docstring): groups of (installation, application, start month, test month).
def date_groups():
    today = datetime.date(2026, 11, 24)
    d = datetime.date
    groups = []
    # Around today: the days and months just before and after.
    for k in (-400, -366, -365, -31, -30, -8, -7, -2, -1, 0, 1, 2, 6, 7, 13, 14, 28, 29, 30, 31, 59, 60, 61, 89, 90, 180, 364, 365, 366, 367, 731):
        x = today + datetime.timedelta(days=k)
        groups.append((f"today{k:+d}", x, today + datetime.timedelta(days=k // 2), (x.year, x.month), (today.year, today.month)))
    # Month ends of every length, the day after, leap days and centuries.
    for y in (1900, 1999, 2000, 2019, 2023, 2024, 2026, 2027, 2028, 2096, 2099, 2100):
        for mo in range(1, 13):
            first_next = d(y + (mo == 12), mo % 12 + 1, 1) if not (y == 2100 and mo == 12) else None
            last = (first_next - datetime.timedelta(days=1)) if first_next else d(2100, 12, 31)
            groups.append((f"end{y}-{mo:02}", last, d(y, mo, 1), (y, mo), (last.year, last.month)))
    # The era change and tebiki's calendar ends.
    for label, inst, app in (
        ("heisei-last", d(2019, 4, 30), d(2019, 4, 1)), ("reiwa-first", d(2019, 5, 1), d(2019, 4, 30)),
        ("heisei-first", d(1989, 1, 8), d(1989, 1, 7)), ("min", d(1900, 1, 1), d(1900, 1, 1)),
        ("max", d(2100, 12, 31), d(2100, 12, 31)), ("min-max", d(1900, 1, 1), d(2100, 12, 31)),
        ("max-min", d(2100, 12, 31), d(1900, 1, 1)),
    ):
        groups.append((label, inst, app, (inst.year, inst.month), (app.year, app.month)))
    # Public holidays of each kind, the days before and after (business days).
    for label, x in (
        ("furikae", d(2026, 5, 6)), ("kokumin", d(2026, 9, 22)), ("shunbun", d(2027, 3, 21)),
        ("shubun", d(2026, 9, 23)), ("seijin", d(2027, 1, 11)), ("umi", d(2027, 7, 19)),
        ("sports", d(2026, 10, 12)), ("keiro", d(2026, 9, 21)), ("ganjitsu", d(2027, 1, 1)),
        ("gw", d(2027, 5, 3)), ("tenno", d(2027, 2, 23)), ("yama", d(2027, 8, 11)),
        ("kinro", d(2026, 11, 23)), ("bunka", d(2026, 11, 3)), ("furikae-2025", d(2025, 11, 24)),
        ("kokumin-2032", d(2032, 9, 21)), ("equinox-2099", d(2099, 3, 20)), ("yearend", d(2026, 12, 29)),
    ):
        for k in (-1, 0, 1):
            y = x + datetime.timedelta(days=k)
            groups.append((f"{label}{k:+d}", y, y - datetime.timedelta(days=14), (y.year, y.month), (y.year, y.month)))
    return groups


def wareki(x):
    if x >= datetime.date(2019, 5, 1):
        n = x.year - 2018
        return f"令和{'元' if n == 1 else n}年{x.month}月{x.day}日"
    if x >= datetime.date(1989, 1, 8):
        n = x.year - 1988
        return f"平成{'元' if n == 1 else n}年{x.month}月{x.day}日"
    return x.isoformat()


def date_seeds(base):
    for label, inst, app, start, test in date_groups():
        for form, f in (("iso", lambda x: x.isoformat()), ("wareki", wareki), ("slash", lambda x: f"{x.year}/{x.month}/{x.day}")):
            text = re.sub(r"(?m)^installation_date:.*$", "installation_date: " + f(inst), base)
            text = re.sub(r"(?m)^start_month:.*$", f"start_month: {start[0]}-{start[1]:02}", text)
            text += f"application_date: {f(app)}\ntest_month: {test[0]}-{test[1]:02}\n"
            yield f"{label}-{form}", text
    # 令和99年: the last year tebiki's era check lets through (2117).
    yield "reiwa99-wareki", re.sub(r"(?m)^installation_date:.*$", "installation_date: 令和99年12月31日", base) + "application_date: 令和99年2月28日\n"


def jiff_forms():
    """The test inputs of jiff's own parsers (the `#[cfg(test)]` part of
    src/fmt/{temporal/parser,temporal/mod,offset,rfc9557,util}.rs of the
    jiff the fuzz build uses, in the cargo registry), read as data, each made
    a whole date-time text: annotations after a date and after a date-time
    with an offset, offsets after a date-time, times after a date's `T`.
    A clinic's date field that tebiki's own check refuses keeps its text,
    and the derived facts hand that text (and it with `-01` added) to
    jiff's `Date` parser, so each of these reaches a different arm of it.
    Returns (source, [text]) or None when that jiff is not in the registry."""
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    lock = open(os.path.join(ROOT, "fuzz", "Cargo.lock"), encoding="utf-8").read()
    m = re.search(r'name = "jiff"\nversion = "([^"]+)"', lock)
    dirs = sorted(glob.glob(os.path.join(home, "registry", "src", "*", f"jiff-{m[1] if m else 'x'}", "src", "fmt")))
    if not dirs:
        return None
    forms = set()
    for rel in ("temporal/parser.rs", "temporal/mod.rs", "offset.rs", "rfc9557.rs", "util.rs"):
        text = open(os.path.join(dirs[-1], rel), encoding="utf-8").read()
        tests = text[text.find("#[cfg(test)]"):] if "#[cfg(test)]" in text else ""
        for lit in re.finditer(r'b?"((?:[^"\\\n]|\\.)*)"', tests):
            v = lit[1]
            if not v or len(v) > 80 or "\\" in v:
                continue
            if v[0] in "[":
                forms.update({"2026-12-25" + v, "2026-12-25T09:00-05" + v, "2026-12-25T09:00Z" + v})
            elif v[0] in "Tt":
                forms.add("2026-12-25" + v)
            elif rel == "offset.rs" and v[0] in "+-Zz":
                forms.update({"2026-12-25T09:00" + v, "2026-12-25T09:00:00.5" + v})
            elif re.match(r"\d\d:", v) or re.fullmatch(r"\d\d", v):
                forms.update({"2026-12-25T" + v, "2026-12-25 " + v})
            elif re.match(r"[-+0-9]", v) and re.search(r"\d\d", v):
                forms.add(v)
    return f"jiff-{m[1]} (cargo registry): src/fmt test inputs", sorted(forms)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--into", default=os.path.join(ROOT, "fuzz", "corpus"), help="write DIR/<target>/ (default fuzz/corpus)")
    ap.add_argument("--only", nargs="*", default=["clinic_yaml", "manual", "markdown"], help="targets to write")
    ap.add_argument("--yts", default="/work/.mirror/yaml+yaml-test-suite/repo", help="yaml-test-suite: git dir or a checkout of its data branch")
    ap.add_argument("--cm", default="/work/.mirror/pulldown-cmark+pulldown-cmark/repo", help="pulldown-cmark: git dir or checkout")
    ap.add_argument("--manifest", help="write one TSV row per seed here")
    ap.add_argument("--style-every", type=int, default=12, metavar="N", help="restyle every Nth of seed.py's crafted manuals (default 12; 1: all)")
    ap.add_argument("--limits-from", default=os.path.join(ROOT, "fuzz", "corpus"), help="corpus dirs whose largest file sets each -max_len")
    a = ap.parse_args()

    def limit(target):
        d = os.path.join(a.limits_from, target)
        sizes = [os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)] if os.path.isdir(d) else []
        return max([4096] + sizes)

    limits = {t: limit(t) for t in a.only}
    rows, written, skipped = [], {}, {}

    def put(target, source, name, shape, data):
        if target not in limits:
            return
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > limits[target]:
            skipped[target] = skipped.get(target, 0) + 1
            return
        safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", name)
        fname = f"spec-{safe}-{shape}-{hashlib.sha1(data).hexdigest()[:12]}"
        d = os.path.join(a.into, target)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)
        written[target] = written.get(target, 0) + 1
        rows.append((target, fname, source, shape, str(len(data))))

    base_clinic = open(os.path.join(ROOT, "content", "clinics", "hokkaido-clinic.yaml"), encoding="utf-8").read()

    yfiles, yref = tree(a.yts, YTS_REF)
    for case, data, invalid, path in yaml_cases(yfiles):
        text = data.decode("utf-8", "replace")
        src = f"yaml-test-suite@{yref[:8]}:{path}" + (" (error case)" if invalid else "")
        for shape, s in clinic_shapes(base_clinic, text):
            put("clinic_yaml", src, f"yts-{case}", shape, s)
        for shape, s in manual_shapes(text):
            put("manual", src, f"yts-{case}", shape, s)

    cfiles, cref = tree(a.cm, CM_REF)
    seen = set()
    for short, path in CM_FILES:
        body = cfiles.get(path) or cfiles.get(path.split("/", 1)[1], b"")
        for n, md in md_examples(body.decode("utf-8")):
            if md in seen:  # the GFM spec repeats most CommonMark examples
                continue
            seen.add(md)
            src = f"pulldown-cmark@{cref[:8]}:{path} example {n}"
            put("markdown", src, f"cm-{short}-ex{n}", "whole", md)
            m = manual_with_body(md)
            if m is not None:
                put("manual", src, f"cm-{short}-ex{n}", "body", m)

    for label, text in date_seeds(base_clinic):
        put("clinic_yaml", "dates for jiff (seed_spec.py date_groups)", f"date-{label}", "dates", text)

    jf = jiff_forms()
    if jf:
        src, forms = jf
        q = lambda v: '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for i, v in enumerate(forms):
            text = re.sub(r"(?m)^installation_date:.*$", lambda _: "installation_date: " + q(v), base_clinic)
            put("clinic_yaml", f"{src}: {v}", f"jiff{i}", "date", text + f"application_date: {q(forms[(i * 7 + 3) % len(forms)])}\n")
    else:
        print("jiff's source is not in the cargo registry: no jiff seeds", file=sys.stderr)

    # The same documents in YAML's other presentation styles.
    for p in sorted(os.listdir(os.path.join(ROOT, "content", "clinics"))):
        doc = yaml.load(open(os.path.join(ROOT, "content", "clinics", p), encoding="utf-8"), Loader=yaml.BaseLoader)
        for style, text in styles(doc):
            put("clinic_yaml", f"content/clinics/{p} restyled (PyYAML emitter)", f"style-{p[:-5]}", style, text)
    for i, text in enumerate(seed.manual_seeds()):
        if i % a.style_every == 0:
            for style, t in styles(yaml.safe_load(text)):
                put("manual", f"seed.py manual_seeds()[{i}] restyled (PyYAML emitter)", f"style-m{i}", style, t)

    if a.manifest:
        with open(a.manifest, "w", encoding="utf-8") as f:
            f.write("target\tfile\tsource\tshape\tbytes\n")
            for r in rows:
                f.write("\t".join(r) + "\n")
    for t in a.only:
        print(f"{t}: {written.get(t, 0)} seeds written to {os.path.join(a.into, t)}, "
              f"{skipped.get(t, 0)} skipped as longer than -max_len {limits[t]}")


if __name__ == "__main__":
    main()
