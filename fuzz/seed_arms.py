#!/usr/bin/env python3
"""Seeds for the arms of the content format's readers (issue 11 item 7), as data.

`manual`'s coverage grew for three sessions at one or two edges a CPU minute,
and about two thirds of tebiki's new edges were in the readers serde derives
for the content format (`visit_map` of `RawRow`, `RawDerived`, `RawManual` …).
Such a reader has, for every field, an arm for the field given twice, an arm
for a value of the wrong shape and, on every early return, a drop of each
field read so far; a required field has an arm for its absence; a key that
serde receives as an owned string (an escaped key) goes through another
function. Random mutation finds these one at a time. This script writes them
all, from the content itself, so the fuzzer starts past them:

1. Material: small manuals (the seeds' base manual of `seed.py`) that each
   hold one piece of the real content format:
   - every derived fact of `content/facts.yaml` and of the fixtures' facts
     files, renamed `m_<name>`, as the manual's `facts:` (the functions
     `seed.py` predates: `without`, `closed_between`, `period_end`, `map` …);
   - every condition (`when:`, `test:`, `applies:` …) of the bundled and the
     fixtures' rules, facts and manuals, as a step's `when:`;
   - every row, screen and figure of the bundled and the fixtures' manuals,
     in the step the bundled rules point at;
   - every bundled and fixture manual cut to one step (`seed.cut_manual`);
   - `seed.py`'s crafted manuals (keys no content uses: `not_in`, `outro` …).
2. Arms: for every mapping of each such manual (deduplicated by where it is
   and which keys it has), one seed per key and way:
   `dup-last` (the key again after all the others), `dup-alone` (the key
   twice, nothing else), `wrong-last` / `wrong-alone` (a value of another
   shape: mapping, list, number, null), `missing` (the key left out),
   `escaped` (the key spelled with a `\\u` escape, so read as an owned
   string), the key plain and single-quoted; and per mapping `unknown-last`
   (an unknown key, quoted, escaped and plain, after all the
   others), `as-list` (its values as a sequence), `empty` (`{}`).
3. Spellings: every key's value written in YAML's other ways (a tag, `!local`,
   an anchor, single quotes, an escape, plain, other number bases, `~`), and
   where the mapping is an item of a list, the value as an alias of the same
   value in a copy of the item before it, and the item as a merge (`<<`) of
   that copy.

Seeds are YAML flow (JSON) text, where a mapping may hold a key twice, named
`arms-<sha1>`, so running it twice adds nothing.

Usage:  python3 fuzz/seed_arms.py [OUT_DIR]   (default fuzz/corpus/manual)
Measure before adding: write to a scratch folder, then
`nice python3 fuzz/seed_gain.py manual SCRATCH` (see that script).
"""

import copy
import datetime
import hashlib
import json
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed  # noqa: E402

WRONG = ({"x": 1}, [1, "a"], 12345, None)


class Raw:
    """A value written as given (a tag, an anchor, an alias, a quoting style)."""

    def __init__(self, text):
        self.text = text


class Map:
    """A mapping as written: a list of (key, value, how) entries, `how` the
    key's spelling as `spelled` takes it, so a key may come twice."""

    def __init__(self, entries):
        self.entries = entries


def plain(node):
    """A loaded YAML tree as JSON-able data (dates as ISO text)."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    return node


def escaped_first(text, quoted):
    """`quoted` (JSON text of `text`) with its first character as a `\\u` or
    `\\U` escape, so that the YAML reader builds a new string."""
    if not text or quoted[1] == "\\":
        return quoted
    c = ord(text[0])
    return ('"\\u%04x' % c if c <= 0xFFFF else '"\\U%08x' % c) + quoted[2:]


def spelled(text, how):
    """`text` as a YAML scalar written `how`: "double" (JSON), "escaped"
    (double-quoted, its first character escaped), "single" or "plain"
    (None where a plain scalar would not read back as `text`)."""
    double = json.dumps(text, ensure_ascii=False)
    if how == "escaped":
        return escaped_first(text, double)
    if how == "single":
        return "'" + text.replace("'", "''") + "'"
    if how == "plain":
        return text if PLAIN_SAFE.match(text) else None
    return double


def emit(node):
    if isinstance(node, Raw):
        return node.text
    if isinstance(node, Map):
        parts = []
        for k, v, how in node.entries:
            key = spelled(k, how) or spelled(k, "double")
            parts.append(key + ": " + emit(v))
        return "{" + ", ".join(parts) + "}"
    if isinstance(node, dict):
        return emit(Map([(k, v, "double") for k, v in node.items()]))
    if isinstance(node, list):
        return "[" + ", ".join(emit(v) for v in node) + "]"
    return json.dumps(node, ensure_ascii=False)


def replaced(tree, path, new):
    """`tree` with the node at `path` replaced by `new` (a Map or data)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        return {k: (replaced(v, rest, new) if k == head else v) for k, v in tree.items()}
    return [replaced(v, rest, new) if i == head else v for i, v in enumerate(tree)]


def mappings(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from mappings(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from mappings(v, path + (i,))


def unseen_mappings(manual, seen):
    """(path, entries) of each mapping of `manual` whose place (the keys on
    its path) and keys are not in `seen` yet; adds them."""
    for path, m in mappings(manual):
        sig = (tuple(p for p in path if isinstance(p, str)), frozenset(m))
        if sig not in seen:
            seen.add(sig)
            yield path, list(m.items())


def arms(manual, seen):
    """Every arm variant of every mapping of `manual` not seen before."""
    for path, items in unseen_mappings(manual, seen):
        rows = []
        for k, v in items:
            others = [(a, b, "double") for a, b in items if a != k]
            rows.append(others + [(k, v, "double"), (k, v, "double")])
            rows.append([(k, v, "double"), (k, v, "double")])
            rows.append(others)
            rows.append([(a, b, "escaped" if a == k else "double") for a, b in items])
            for spelling in ("plain", "single"):
                rows.append([(a, b, spelling if a == k else "double") for a, b in items])
            for w in WRONG:
                if type(w) is type(v):
                    continue
                rows.append(others + [(k, w, "double")])
                rows.append([(k, w, "double")])
        for spelling in ("double", "escaped", "plain"):
            rows.append([(a, b, "double") for a, b in items] + [("zz_unknown", 1, spelling)])
        rows.append([])
        for entries in rows:
            yield replaced(manual, path, Map(entries))
        yield replaced(manual, path, [v for _, v in items])


PLAIN_SAFE = re.compile(r"^[^\s,\[\]{}#&*!|>'\"%@`:?\-~][^,\[\]{}#:\n]*$")


def spellings(v):
    """The value `v` written in YAML's other ways: tags, quoting styles, an
    escape (read as an owned string), an anchor, number bases."""
    j = emit(v)
    out = ["!!%s %s" % ({str: "str", bool: "bool", int: "int", float: "float", list: "seq", dict: "map"}.get(type(v), "null"), j if v is not None else '""'),
           "!local " + j, "&anchor " + j]
    if isinstance(v, str):
        out.append(spelled(v, "single"))
        if v:
            out.append(spelled(v, "escaped"))
        if spelled(v, "plain") and v.strip() == v and v.lower() not in ("null", "true", "false", "yes", "no", "on", "off"):
            out.append(v)
    elif isinstance(v, bool):
        out += ['"%s"' % j, "True" if v else "False", "yes" if v else "no"]
    elif isinstance(v, int):
        out += ['"%d"' % v, "0x%x" % v if v >= 0 else "-0x%x" % -v, "0o%o" % abs(v), "+%d" % v if v >= 0 else j, "%d.0" % v]
    elif isinstance(v, float):
        out += ['"%r"' % v, "%e" % v, ".inf", ".nan"]
    elif v is None:
        out += ["~", "null", "Null"]
    return [Raw(t) for t in out]


def syntax(manual, seen):
    """Every key's value in its other spellings; where the mapping is an item
    of a list, the value as an alias of the same value in a copy before it,
    and the mapping as a merge (`<<`) of that copy."""
    for path, items in unseen_mappings(manual, seen):
        for k, v in items:
            for raw in spellings(v):
                yield replaced(manual, path, Map([(a, raw if a == k else b, "double") for a, b in items]))
        if not path or not isinstance(path[-1], int):
            continue
        parent, i = path[:-1], path[-1]
        siblings = get(manual, parent)

        def around(copy_entries, entries):
            new = list(siblings[:i]) + [Raw("&item " + emit(Map(copy_entries))), Map(entries)] + list(siblings[i + 1:])
            return replaced(manual, parent, new)

        plainly = [(a, b, "double") for a, b in items]
        for k, v in items:
            anchored = [(a, Raw("&value " + emit(b)) if a == k else b, "double") for a, b in items]
            yield around(anchored, [(a, Raw("*value") if a == k else b, "double") for a, b in items])
        yield around(plainly, [("<<", Raw("*item"), "double")])
        yield around(plainly, [("<<", Raw("[*item]"), "double")] + plainly[:1])


def get(tree, path):
    for p in path:
        tree = tree[p]
    return tree


def load(path):
    """A file's YAML tree, or None where PyYAML reads it otherwise than
    tebiki (flow mappings of YAML 1.2 that PyYAML refuses)."""
    try:
        with open(path, "rb") as f:
            return plain(yaml.safe_load(f))
    except yaml.YAMLError:
        return None


def conditions(node):
    """Every condition-shaped value in a tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("when", "test", "applies", "value_when") and isinstance(v, dict):
                yield v
            yield from conditions(v)
    elif isinstance(node, list):
        for v in node:
            yield from conditions(v)


def manual_trees(node, key):
    """Every value under `key` (rows, screen, figure) in a tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from manual_trees(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from manual_trees(v, key)


def material():
    """Small manuals, each holding one piece of the real content format."""
    g = seed.g
    manuals = g("content/manuals/**/*.yaml") + g("tests/fixtures/anymanual*/**/manuals/**/*.yaml")
    facts_files = g("content/facts.yaml") + g("tests/fixtures/anymanual*/**/facts.yaml")
    rules = g("content/rules/*.yaml") + g("tests/fixtures/anymanual*/**/rules/*.yaml")
    docs = {p: load(p) for p in manuals + facts_files + rules}
    base = plain(seed.manual_base())

    def step0(m):
        return m["parts"][0]["steps"][0]

    for p in facts_files:
        for f in (docs[p] or {}).get("facts") or []:
            if not isinstance(f, dict) or "name" not in f:
                continue
            m = copy.deepcopy(base)
            f = dict(f, name="m_" + str(f["name"]))
            m["facts"] = [f]
            step0(m)["body"] = "{{ %s }}" % f["name"]
            yield m
    conds = []
    for p in docs:
        for c in conditions(docs[p]):
            if c not in conds:
                conds.append(c)
    for c in conds:
        m = copy.deepcopy(base)
        step0(m)["when"] = c
        yield m
    for p in manuals:
        doc = docs[p]
        for rows in manual_trees(doc, "rows"):
            for row in rows if isinstance(rows, list) else []:
                m = copy.deepcopy(base)
                step0(m)["screen"]["rows"].append(row)
                yield m
        for key in ("screen", "figure"):
            for sc in manual_trees(doc, key):
                m = copy.deepcopy(base)
                step0(m)[key] = sc
                yield m
        for small in seed.cut_manual(doc):
            yield plain(small)
    for text in seed.manual_seeds():
        yield plain(yaml.safe_load(text))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(seed.CORPUS, "manual")
    os.makedirs(out, exist_ok=True)
    seen, seen_syntax, written = set(), set(), set()
    pieces = 0
    for m in material():
        pieces += 1
        for variant in list(arms(m, seen)) + list(syntax(m, seen_syntax)):
            data = emit(variant).encode("utf-8")
            name = "arms-" + hashlib.sha1(data).hexdigest()[:16]
            if name in written:
                continue
            written.add(name)
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
    print(f"{pieces} small manuals, {len(seen)} distinct mappings, {len(written)} seeds in {out}")


if __name__ == "__main__":
    main()
