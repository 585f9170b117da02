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
manual        small manuals (the steps and rows the bundled rules point at,
              plus one construct each) that use every key of the content
              format right and wrong: manual keys, titles and texts with
              alternatives and files, every condition form and scalar, every
              derived-fact function and its type errors, frames, screens of
              each kind with align, rows of each control with callouts, help
              and variants (applies, value_when), figures, notes, screenshots,
              for_each with labels and repeat_in_full, {{ }} placeholders and
              filters

Seeds are named by content hash, so running it twice adds nothing.
"""

import copy
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


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as block scalars (`|`), as content authors write Markdown."""


_Dumper.add_representer(
    str,
    lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s and not s.endswith(" \n") else None),
)


def manual_base():
    """A small manual with the steps and rows the bundled rules point at
    (online-shikaku/1-3: line_type, customer_id, v6_option, start_month;
    2-2: terminal_name, category), so that a seed's messages are its own."""
    return {
        "id": "online-shikaku",
        "title": "利用申請",
        "parts": [
            {
                "id": "usage",
                "number": "1",
                "title": "利用申請",
                "steps": [
                    {
                        "id": "1-3",
                        "title": "入力する",
                        "screen": {
                            "kind": "form",
                            "title": "申請",
                            "rows": [
                                {"id": "line_type", "label": "回線種別", "control": "radio", "field": "line.type"},
                                {"id": "customer_id", "label": "お客さまID", "control": "text", "field": "line.customer_id"},
                                {"id": "v6_option", "label": "v6", "control": "checkbox", "field": "line.v6_option"},
                                {"id": "start_month", "label": "開始", "control": "year_month", "field": "start_month"},
                            ],
                        },
                    }
                ],
            },
            {
                "id": "certificate",
                "number": "2",
                "title": "証明書",
                "steps": [
                    {
                        "id": "2-2",
                        "title": "端末",
                        "screen": {
                            "kind": "form",
                            "title": "発行申請",
                            "rows": [
                                {"id": "terminal_name", "label": "端末名称", "control": "text", "field": "terminals"},
                                {"id": "category", "label": "区分", "control": "radio", "field": "category"},
                            ],
                        },
                    }
                ],
            },
        ],
    }


# Conditions: every form the condition language has, with each kind of
# scalar, facts compared with facts, and the wrong shapes.
CONDITIONS = [
    {"fact": "line.carrier", "eq": "ntt-east"},
    {"fact": "line.type", "ne": 1},
    {"fact": "certificates", "lt": 1.5},
    {"fact": "certificates", "le": 2},
    {"fact": "days_until_installation", "gt": -3},
    {"fact": "installation_date", "ge": "{{ today }}"},
    {"fact": "installation_date", "lt": "{{ no_such_fact }}"},
    {"fact": "start_month_past", "eq": True},
    {"fact": "line.carrier", "in": ["ntt-east", "ntt-west", 1, 2.5, False]},
    {"fact": "line.carrier", "not_in": ["other", "unknown"]},
    {"fact": "line.customer_id", "present": True},
    {"fact": "line.customer_id", "present": False},
    {"fact": "institution_code", "invalid": True},
    {"fact": "institution_code", "invalid": False},
    {"fact": "finding.line-type-ntt-must-be-1", "present": True},
    {"fact": "finding.no-such-rule", "present": True},
    {"fact": "each.number", "gt": 1},
    {"fact": "no.such.fact", "eq": 1},
    {"fact": "line.type"},
    {"fact": "line.type", "eq": 1, "ne": 2, "present": True},
    {"says": "何もない"},
    {"all": [{"fact": "line.carrier", "eq": "other"}, {"any": [{"fact": "line.type", "present": True}, {"not": {"fact": "certificates", "lt": 1}}]}], "says": "NTT以外の回線"},
    {"any": []},
    {"not": {"all": []}, "says": "  "},
]

FACTS = [
    {"name": "m_today", "label": "今日", "today": True},
    {"name": "m_count", "label": "台数", "unit": "台", "count": "terminals"},
    {"name": "m_distinct", "label": "異なる台数", "count_distinct": "terminals"},
    {"name": "m_uses", "label": "同じ名前の台数", "occurrences": {"list": "terminals", "in": "terminals"}},
    {"name": "m_times", "label": "料金", "unit": "円", "times": {"fact": "m_count", "by": "certificate_fee_yen"}},
    {"name": "m_times_n", "label": "料金", "times": {"fact": "certificates", "by": [2, "certificate_fee_yen", -1.5]}},
    {"name": "m_plus", "label": "後", "date_plus": {"date": "installation_date", "months": 1, "days": ["notice_mail_days", 2], "business_days": "line_type_fix_business_days"}},
    {"name": "m_minus", "label": "前", "date_minus": {"date": "application_day", "days": -1}},
    {"name": "m_between", "label": "日数", "unit": "日", "days_between": {"from": "start_month", "to": "installation_date"}},
    {"name": "m_month", "label": "月", "month_of": "installation_date"},
    {"name": "m_month2", "label": "翌月", "month_of": {"date": "installation_date", "months": [1, "notice_mail_days"]}},
    {"name": "m_test", "label": "か", "when": {"fact": "line.type", "present": True}, "test": {"fact": "line.type", "eq": 1}},
    {"name": "m_label", "label": "名", "label_of": "line.carrier"},
    {"name": "m_label_p", "label": "県", "label_of": "prefecture"},
    {"name": "m_label_f", "label": "表", "label_of": "fee_schedule"},
    {"name": "m_join", "label": "連絡", "join": {"facts": ["contact.department", "contact.person", "m_label"], "with": "・"}},
    {"name": "m_concat", "label": "コード", "concat": ["prefecture", "fee_schedule", "institution_code"]},
    {"name": "m_first", "label": "最初", "first": ["application_date", "m_today"]},
    {"name": "m_kind", "label": "種類", "id_kind": "line.customer_id"},
    {"name": "m_number", "label": "数字", "id_number": "line.customer_id"},
]

# Derived facts that are wrong, one way each.
# Facts a function may read (field paths and derived facts of the bundled content).
FACT_NAMES = {
    "terminals", "installation_date", "application_day", "start_month", "line.carrier", "prefecture",
    "fee_schedule", "contact.department", "contact.person", "institution_code", "application_date",
    "line.customer_id", "certificates", "m_count", "m_label", "m_today", "line.type",
}

BAD_FACTS = [
    {"name": "m_x", "label": "x"},
    {"name": "m_x", "label": "x", "today": True, "count": "terminals"},
    {"name": "certificates", "label": "x", "today": True},
    {"name": "line.type", "label": "x", "today": True},
    {"name": "m_x", "label": "x", "count": "start_month"},
    {"name": "m_x", "label": "x", "count_distinct": "no_such"},
    {"name": "m_x", "label": "x", "occurrences": {"list": "start_month", "in": "terminals"}},
    {"name": "m_x", "label": "x", "times": {"fact": "name", "by": "no_such_constant"}},
    {"name": "m_x", "label": "x", "date_plus": {"date": "installation_date"}},
    {"name": "m_x", "label": "x", "date_minus": {"date": "terminals", "months": "x"}},
    {"name": "m_x", "label": "x", "days_between": {"from": "name", "to": "certificates"}},
    {"name": "m_x", "label": "x", "month_of": "terminals"},
    {"name": "m_x", "label": "x", "month_of": {"date": "start_month"}},
    {"name": "m_x", "label": "x", "label_of": "name"},
    {"name": "m_x", "label": "x", "join": {"facts": []}},
    {"name": "m_x", "label": "x", "concat": []},
    {"name": "m_x", "label": "x", "first": ["name", "certificates"]},
    {"name": "m_x", "label": "x", "first": []},
    {"name": "m_x", "label": "x", "id_kind": "name"},
    {"name": "m_x", "label": "x", "id_number": "phone"},
    {"name": "m_x", "label": "x", "test": {"fact": "m_y", "present": True}},
    {"name": "m_x", "label": "x", "first": ["each.item"]},
    {"name": "m_x", "label": "x", "first": ["finding.start-month-past"]},
]
CYCLE = [
    {"name": "m_a", "label": "a", "first": ["m_b"]},
    {"name": "m_b", "label": "b", "first": ["m_c", "today"]},
    {"name": "m_c", "label": "c", "month_of": "m_a"},
]

FRAMES = [
    {
        "id": "portal",
        "title_bar": "ポータル",
        "header": ["小さい行", "大きい行"],
        "color": "#1d4e89",
        "text_color": "#ffffff",
        "title_bar_color": "#3c4043",
        "words": {"required": "必須", "select": "選択してください", "confirm": "再度入力"},
    },
    {"id": "tool", "header": ["設定"], "words": {"required": "Required"}},
]
BAD_FRAMES = [
    {"id": "portal", "header": ["a", "b", "c"], "color": "1d4e89", "text_color": "#12345", "title_bar_color": "#gggggg"},
    {"id": "portal"},
    {"id": "none"},
    {"id": "x", "words": {"unknown": "y"}},
]

MARKDOWN = (
    "# 見出し\n\n**太字** と *斜体* と `code` と [リンク](https://example.jp/) と <https://example.jp/>。\n"
    "{{ name }} 様、{{ certificates | unit }}、{{ certificate_fee | unit }}、{{ line.type }}。\n"
    "改行で\nつながる行。\n\n- 項目1\n- 項目2\n  1. 入れ子\n\n1. 番号\n2. 番号\n\n> 引用\n\n---\n\n"
    "| 表 | 値 |\n|---|---|\n| a | {{ email }} |\n\n```\nコード\n```\n\n<b>html</b> &amp; \\* ![画像](x.png)\n"
)
BAD_MARKDOWN = [
    "{{ no_such }} と {{ name | unit }} と {{ certificates | units }} と {{ each.item }} と {{ }} と {{ certificates | }}",
    "{{ finding.line-type-ntt-must-be-1 }} {{ finding.nope }} {{ today }} {{ m_count | unit }}",
    "{{ name",
    "}} {{{ name }}} {{ {{ name }} }}",
]

ROWS = [
    {"id": "r_text", "label": "テキスト", "control": "text", "field": "name", "required": True, "highlight": True,
     "help": MARKDOWN, "callout": {"marker": 1, "text": "{{ name }} を入力", "detail": "詳しく **{{ phone }}**"}},
    {"id": "r_check", "label": "同意", "control": "checkbox", "text": "同意する", "fixed": "checked"},
    {"id": "r_check_f", "label": "v6", "control": "checkbox", "field": "line.v6_option"},
    {"id": "r_check_t", "label": "過去", "control": "checkbox", "field": "start_month_past"},
    {"id": "r_radio", "label": "回線", "control": "radio", "field": "line.type",
     "value_when": {"fact": "line.carrier", "ne": "unknown"}, "unsettled": "確認してから"},
    {"id": "r_radio_o", "label": "種類", "control": "radio", "options": [{"value": "CAF", "label": "CAF"}, {"value": 1, "label": "1"}, {"value": True, "label": "真"}, {"value": 1.5, "label": "小数"}], "field": "line.customer_id_kind"},
    {"id": "r_select", "label": "支払", "control": "select", "field": "fee_payment", "prefilled": True},
    {"id": "r_select_o", "label": "選択", "control": "select", "options": [{"value": "a", "label": "A"}]},
    {"id": "r_ym", "label": "開始", "control": "year_month", "field": "start_month", "if_empty": "空欄でよい"},
    {"id": "r_secret", "label": "秘密の番号", "control": "secret", "digits": 4, "confirm": True},
    {"id": "r_password", "label": "パスワード", "control": "secret"},
    {"id": "r_display", "label": "表示", "control": "display", "field": "institution_code_10",
     "applies": {"fact": "line.carrier", "in": ["ntt-east"]}, "not_applicable": "該当しません"},
    {"id": "r_display_f", "label": "固定", "control": "display", "fixed": "変更"},
    {"id": "r_link", "label": "リンク", "control": "link", "when": {"fact": "certificates", "ge": 1}},
    {"id": "r_button", "label": "ボタン", "control": "button", "text": "押す"},
    {"id": "r_button2", "label": "ボタン2", "control": "button"},
    {"id": "r_each", "label": "端末", "control": "text", "field": "each.item"},
    {"id": "r_list", "label": "端末一覧", "control": "text", "field": "terminals"},
    {"id": "r_contact", "label": "担当", "control": "text", "field": "contact.full"},
    {"id": "r_cases", "label": "場合", "control": "text", "field": "phone", "callout": {
        "marker": 2,
        "cases": [
            {"when": {"fact": "line.carrier", "in": ["ntt-east", "ntt-west"], "says": "NTT"}, "text": "1を選択", "detail": "**必ず1**"},
            {"when": {"all": [{"fact": "line.carrier", "eq": "other"}, {"fact": "line.type", "present": True}]}, "text": "「{{ line.type }}」を選択"},
        ],
        "otherwise": {"text": "確認", "detail": "回線事業者に確認"},
    }, "help": {"cases": [{"when": {"fact": "line.carrier", "eq": "unknown"}, "text": "不明なら"}], "otherwise": "それ以外"}},
]
BAD_ROWS = [
    {"id": "b1", "label": "x", "control": "slider"},
    {"id": "b2", "label": "x", "control": "radio", "field": "terminals"},
    {"id": "b3", "label": "x", "control": "select"},
    {"id": "b4", "label": "x", "control": "checkbox", "field": "name"},
    {"id": "b5", "label": "x", "control": "secret", "field": "name", "digits": 300},
    {"id": "b6", "label": "x", "control": "text", "not_applicable": "n"},
    {"id": "b7", "label": "x", "control": "text", "field": "name", "value_when": {"fact": "name", "present": True}},
    {"id": "b8", "label": "x", "control": "text", "unsettled": "u"},
    {"id": "b9", "label": "x", "control": "text", "fixed": "f", "value_when": {"fact": "name", "present": True}, "unsettled": "u"},
    {"id": "b10", "label": "x", "control": "text", "callout": {"text": "a", "otherwise": {"text": "b"}}},
    {"id": "b11", "label": "x", "control": "text", "callout": {"marker": 3}},
    {"id": "b12", "label": "x", "control": "radio", "options": [{"value": 1, "label": "a", "checked": True}]},
    {"id": "b13", "label": "x", "control": "text", "field": "no.such.field"},
    {"id": "b14", "label": "x", "control": "text", "field": "each.number", "help": {"file": "no-such.md"}},
    {"id": "b15", "label": "x", "control": "text", "callout": {"cases": [{"when": {"fact": "nope", "eq": 1}, "text": "t", "detail": {"cases": []}}]}},
]

NOTES = [
    {"kind": "info", "body": "お知らせ"},
    {"kind": "caution", "title": "注意", "body": MARKDOWN, "when": {"fact": "certificates", "gt": 1}},
    {"kind": "tip", "body": {"cases": [{"when": {"fact": "certificates", "gt": 1}, "text": "{{ certificates }} 台"}], "otherwise": {"file": "summary.md"}}},
    {"kind": "next", "body": {"file": "summary-no-terminal.md"}},
]

SCREENSHOTS = [
    {"file": "shot.png", "alt": "画面", "annotations": [
        {"rect": [50, 300, 700, 100]}, {"arrow": [10, 10, 120, 80]}, {"marker": [50, 300], "number": 1},
        {"callout": [540, 400], "text": "ここ"}, {"redact": [332, 302, 416, 46]}, {"rect": [1, 2, 3, 4], "marker": [1, 2]}, {}]},
    {"file": "summary.md", "alt": "Markdownの画像"},
    {"file": "../../../../etc/passwd", "alt": "外"},
    {"file": "/etc/passwd", "alt": "絶対"},
    {"file": "", "alt": ""},
]


def manual_seeds():
    """Small manuals that each use one part of the content format (every key
    of a manual, part, step, screen, row, figure, note, date, fact, frame,
    condition and alternative), right and wrong, so that the fuzzer starts
    from every arm of the loader instead of finding each by mutation."""
    out = []

    def emit(m, flow=False):
        out.append(yaml.dump(m, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=flow))

    def step0(m):
        return m["parts"][0]["steps"][0]

    # Manual-level keys.
    m = manual_base()
    m.update({
        "guide_title": "申請手順書", "version": "2.0", "order": 3, "summary": MARKDOWN,
        "closing": {"file": "summary.md"}, "frame": "portal", "frames": FRAMES,
        "checklist": [
            {"id": "c1", "text": "**メールアドレス** {{ email }}"},
            {"id": "c2", "when": {"fact": "line.carrier", "in": ["ntt-east", "ntt-west"], "says": "NTTの回線"},
             "text": {"cases": [{"when": {"fact": "line.customer_id", "present": True}, "text": "ID {{ line.customer_id }}"}], "otherwise": "開通のご案内"}},
        ],
        "contacts": [
            {"name": "コールセンター", "phone": "0800-0804583", "hours": "平日 8:00〜18:00", "note": "お問い合わせ **先**"},
            {"name": "名前だけ"},
        ],
        "dates": [
            {"fact": "today", "label": "作成日", "basis": "作成時点"},
            {"fact": "notice_arrival_date", "label": "届く", "basis": "1週間", "deadline": "installation_date", "when": {"fact": "certificates", "ge": 1}},
            {"fact": "line_fix_date", "label": "反映", "severity": "error", "deadline": "installation_date", "when": {"fact": "finding.line-type-ntt-must-be-1", "present": True}},
            {"fact": "installation_date", "label": "設置", "not_before": "today", "severity": "warning"},
            {"fact": "certificate_valid_until", "label": "有効", "severity": "info"},
        ],
        "facts": FACTS,
    })
    emit(m)
    # Titles, summaries and closings with alternatives, right and wrong.
    for title in (
        {"cases": [{"when": {"fact": "certificates", "lt": 1, "says": "端末なし"}, "text": "利用申請"}], "otherwise": "利用申請と発行申請"},
        {"cases": [{"when": {"fact": "certificates", "lt": 1}, "text": "利用申請"}]},
        {"cases": [{"when": {"fact": "nope", "lt": 1}, "text": "x"}], "otherwise": "y"},
        ["list", "title"],
    ):
        m = manual_base()
        m["title"] = title
        m["guide_title"] = copy.deepcopy(title)
        emit(m)
    for text in (
        {"file": "summary.md"},
        {"file": "no-such.md"},
        {"file": "../../fields.yaml"},
        {"file": "../../../../../../etc/hostname"},
        {"cases": [{"when": {"fact": "certificates", "lt": 1, "says": "端末なし"}, "text": {"file": "summary-no-terminal.md"}}], "otherwise": {"file": "summary.md"}},
        {"cases": [{"when": {"fact": "certificates", "lt": 1}, "text": {"cases": [{"when": {"fact": "x", "eq": 1}, "text": "入れ子"}]}}]},
        {"otherwise": "だけ", "cases": []},
        "",
        None,
        MARKDOWN,
    ) + tuple(BAD_MARKDOWN):
        m = manual_base()
        m["summary"] = text
        m["closing"] = copy.deepcopy(text)
        m["parts"][0]["intro"] = copy.deepcopy(text)
        m["parts"][0]["outro"] = copy.deepcopy(text)
        step0(m)["body"] = copy.deepcopy(text)
        m["contacts"] = [{"name": "窓口", "note": copy.deepcopy(text)}]
        emit(m)
    # Each condition, in a rule-less place of every kind.
    for cond in CONDITIONS:
        m = manual_base()
        m["parts"][0]["when"] = cond
        s = step0(m)
        s["when"] = copy.deepcopy(cond)
        s["notes"] = [{"kind": "info", "body": "注", "when": copy.deepcopy(cond)}]
        s["screen"]["rows"][0]["when"] = copy.deepcopy(cond)
        s["screen"]["rows"][1]["applies"] = copy.deepcopy(cond)
        s["screen"]["rows"][1]["not_applicable"] = "該当なし"
        m["checklist"] = [{"id": "c", "text": "持ち物", "when": copy.deepcopy(cond)}]
        m["dates"] = [{"fact": "installation_date", "label": "設置", "when": copy.deepcopy(cond)}]
        m["facts"] = [{"name": "m_t", "label": "t", "test": copy.deepcopy(cond)}]
        emit(m)
    # Derived facts: all at once, then each wrong one alone, a cycle, a name
    # twice; each function beside a second one (the message names both) and
    # with every fact it reads replaced by a text field (the wrong type).
    def retyped(node):
        if isinstance(node, dict):
            return {k: ("name" if k in ("fact", "date", "from", "to") else retyped(v)) for k, v in node.items()}
        if isinstance(node, list):
            return ["name" if isinstance(v, str) and v in FACT_NAMES else retyped(v) for v in node]
        return "name" if isinstance(node, str) and node in FACT_NAMES else node

    twice = [dict(f, **({"today": True} if "today" not in f else {"count": "terminals"})) for f in FACTS]
    wrong = [{**{k: v for k, v in f.items() if k in ("name", "label")}, **retyped({k: v for k, v in f.items() if k not in ("name", "label", "unit", "when")})} for f in FACTS]
    for facts in [FACTS] + [[f] for f in BAD_FACTS + twice + wrong] + [CYCLE, FACTS[:3] + FACTS[:1]]:
        m = manual_base()
        m["facts"] = facts
        step0(m)["body"] = " ".join("{{ %s }} {{ %s | unit }}" % (f["name"], f["name"]) for f in facts)
        emit(m)
    # Frames, right and wrong, and the screens that name them.
    for frames, frame, screen_frame in (
        (FRAMES, "portal", "tool"), (FRAMES, "portal", "none"), (FRAMES, "nope", "nope2"),
        (BAD_FRAMES, "portal", None), ([], None, "portal"),
    ):
        m = manual_base()
        m["frames"] = frames
        if frame:
            m["frame"] = frame
        if screen_frame:
            step0(m)["screen"]["frame"] = screen_frame
        emit(m)
    # Screens of every kind with every key, and as a figure.
    for kind in ("form", "menu", "dialog", "message", "document", "login"):
        for align in ({"lead": "left", "foot": "right"}, {"lead": "center"}, {"foot": "middle"}, {"other": "left"}):
            m = manual_base()
            s = step0(m)
            sc = {
                "kind": kind, "frame": "none", "title": "画面", "url": "https://example.jp/a?b=c&d",
                "lead": "○○ 御中\n\n下記のとおり通知します。", "rows": copy.deepcopy(ROWS[:3]) if kind != "message" else [],
                "buttons": [{"label": "確定", "primary": True}, {"label": "戻る"}],
                "foot": "社会保険診療報酬支払基金\n令和8年", "alt": "画面の図", "align": align,
            }
            s["screen"]["kind"] = kind
            s["figure"] = sc
            emit(m)
    # Rows: all the right ones on one screen, each wrong one alone.
    m = manual_base()
    m["frame"] = "portal"
    m["frames"] = FRAMES
    step0(m)["screen"]["rows"] += copy.deepcopy(ROWS)
    step0(m)["figure"] = {"kind": "document", "title": "通知書", "rows": copy.deepcopy(ROWS)}
    emit(m)
    for row in ROWS + BAD_ROWS:
        m = manual_base()
        step0(m)["screen"]["rows"].append(copy.deepcopy(row))
        emit(m)
    # Notes, screenshots.
    m = manual_base()
    step0(m)["notes"] = NOTES + [{"kind": "warning", "body": "x"}, {"kind": "info"}]
    emit(m)
    for shot in SCREENSHOTS:
        m = manual_base()
        step0(m)["screenshot"] = shot
        emit(m)
    # Repetition: for_each on parts and steps, with labels and repeat_in_full.
    for fe in (
        "terminals",
        {"list": "terminals", "label": "{{ each.number }}台目（{{ each.item }}）／{{ each.count }}"},
        {"list": "terminals", "label": "x", "repeat_in_full": []},
        {"list": "terminals", "repeat_in_full": ["2-2", "no-such-step"]},
        {"list": "name"},
        "no_such_list",
        {"label": "リストなし"},
    ):
        m = manual_base()
        part = m["parts"][1]
        part["for_each"] = fe
        part["steps"].insert(0, {"id": "2-1", "title": "最初", "when": {"fact": "each.number", "eq": 1}, "body": "{{ each.item }} は {{ each.number }} / {{ each.count }}"})
        part["steps"].append({"id": "2-1-next", "number": "2-1", "title": "次", "when": {"fact": "each.number", "gt": 1}, "for_each": copy.deepcopy(fe)})
        emit(m)
    # each.* outside a repetition, step ids used twice, numbers.
    m = manual_base()
    step0(m)["body"] = "{{ each.item }}"
    step0(m)["number"] = "1-3a"
    m["parts"][1]["steps"].append(copy.deepcopy(step0(m)))
    emit(m)
    # Other manual ids (the rules then name steps of a manual that is gone),
    # and the bare minimum.
    for mid in ("card-reader", "", "online-shikaku/../x"):
        m = manual_base()
        m["id"] = mid
        emit(m)
    emit(manual_base(), flow=True)
    # Every key of a manual that uses them all, once with a value of the
    # wrong shape (a mapping, a list, a number where text goes) and once
    # beside an unknown key: the arms of each struct's reader that say what
    # is wrong, each field's own. One seed per key (list items alike).
    full = manual_base()
    full.update({
        "guide_title": "手順書", "version": "1", "order": 1, "summary": "要約", "closing": "おわり",
        "frame": "portal", "frames": FRAMES, "facts": FACTS,
        "checklist": [{"id": "c", "text": "持ち物", "when": CONDITIONS[0]}],
        "contacts": [{"name": "窓口", "phone": "0120", "hours": "平日", "note": "注"}],
        "dates": [{"fact": "installation_date", "label": "設置", "basis": "b", "when": CONDITIONS[0],
                   "severity": "error", "deadline": "today", "not_before": "today"}],
    })
    part = full["parts"][1]
    part.update({"intro": "前", "outro": "後", "when": CONDITIONS[21],
                 "for_each": {"list": "terminals", "label": "{{ each.number }}台目", "repeat_in_full": ["2-2"]}})
    s = part["steps"][0]
    s.update({"number": "2-2", "when": CONDITIONS[2], "body": "本文", "notes": NOTES[:2], "screenshot": SCREENSHOTS[0],
              "figure": {"kind": "document", "frame": "none", "title": "紙", "url": "u", "lead": "l", "foot": "f",
                         "alt": "a", "align": {"lead": "center", "foot": "right"}, "buttons": [{"label": "b", "primary": True}],
                         "rows": [ROWS[0], ROWS[5], ROWS[9], ROWS[11], ROWS[19]]}})
    seen = set()

    def shapes(node, path):
        if isinstance(node, dict):
            for k in list(node):
                sig = (tuple(p for p in path if isinstance(p, str)), k)
                if sig not in seen:
                    seen.add(sig)
                    for wrong in ({"x": 1}, [1, "a"], 12345, None, "文字"):
                        if wrong == node[k] or type(wrong) is type(node[k]) and not isinstance(wrong, (dict, list)):
                            continue
                        m = copy.deepcopy(full)
                        at = m
                        for p in path:
                            at = at[p]
                        at[k] = wrong
                        emit(m)
                    m = copy.deepcopy(full)
                    at = m
                    for p in path:
                        at = at[p]
                    at["zz_" + str(k)] = 1
                    emit(m)
                shapes(node[k], path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                shapes(v, path + [i])

    shapes(full, [])
    for sev in ("warning", "info", "fatal", 1, ["error"]):
        m = copy.deepcopy(full)
        m["dates"][0]["severity"] = sev
        emit(m)
    emit({"id": "online-shikaku", "title": "最小"})
    emit({"id": "online-shikaku"})
    emit({"title": "idなし", "parts": []})
    emit({"id": "online-shikaku", "title": "t", "unknown_key": 1})
    emit({"id": "online-shikaku", "title": "t", "parts": [{"id": "p", "number": 1, "title": "t", "steps": [{"id": 13, "title": "t", "unknown": True}]}]})
    emit({"id": "online-shikaku", "title": "t", "order": "first", "version": 2})
    return out


def crafted():
    """The crafted seeds (module docstring): (target, bytes) pairs."""
    for m in manual_seeds():
        yield "manual", m
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
