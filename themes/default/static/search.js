/* tebiki help site: in-browser Japanese search and small page helpers.
 *
 * The scorer below is the same algorithm as src/site/search.rs (tokens,
 * ranking key); keep the two in step. The folding tables come with the
 * index (index.f, index.j), written by search.rs. The index is loaded by
 * assets/search-index.js as window.TEBIKI_SEARCH_INDEX (a script, so it also
 * works from file://). No network, no framework. */
(function () {
  "use strict";

  var K1 = 1.2, B = 0.3, W = [3, 2, 1], MAX_HITS = 50, PHRASE_CAP = 5;
  var INDEXABLE = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;
  /* The folding itself comes with the index, written by src/site/search.rs:
     index.f pairs every character it changes with what it becomes (widths,
     hiragana to katakana, small kana to large, old kanji, upper case);
     index.j lists kana, mark and the kana they join to. One definition, so
     the browser and the build cannot fold differently. */
  var FOLD = null, JOIN = null, FOLD_FROM = null;
  function tables() {
    var idx = window.TEBIKI_SEARCH_INDEX || {};
    if (FOLD && FOLD_FROM === idx) return;
    FOLD_FROM = idx;
    var f = Array.from(idx.f || ""), j = Array.from(idx.j || "");
    FOLD = new Map();
    for (var i = 0; i + 1 < f.length; i += 2) FOLD.set(f[i], f[i + 1]);
    JOIN = new Map();
    for (var k = 0; k + 2 < j.length; k += 3) JOIN.set(j[k] + j[k + 1], j[k + 2]);
  }

  /* Folds one character (one code point in, one out). */
  function foldChar(c) {
    tables();
    var to = FOLD.get(c);
    return to === undefined ? c : to;
  }

  function fold(s) {
    var out = "";
    for (var ch of s) out += foldChar(ch);
    return out;
  }

  function foldQuery(s) {
    var out = [];
    for (var ch of s) {
      var c = foldChar(ch);
      var joined = out.length ? JOIN.get(out[out.length - 1] + c) : undefined;
      if (joined !== undefined) out[out.length - 1] = joined;
      else out.push(c);
    }
    return out.join("");
  }

  function isIndexable(c) { return INDEXABLE.test(c); }

  function compact(folded) {
    var out = "";
    for (var c of folded) if (c === "\n" || isIndexable(c)) out += c;
    return out;
  }

  function isAscii(c) { return c.codePointAt(0) < 128; }

  /* Runs of indexable characters: [isAscii, [chars]]. */
  function runs(folded) {
    var out = [];
    var cur = null;
    for (var c of folded) {
      if (!isIndexable(c)) { cur = null; continue; }
      var a = isAscii(c);
      if (cur && cur[0] === a) cur[1].push(c);
      else { cur = [a, [c]]; out.push(cur); }
    }
    return out;
  }

  function queryTokens(folded) {
    var out = [];
    function push(t) { if (out.indexOf(t) < 0) out.push(t); }
    runs(folded).forEach(function (r) {
      var chars = r[1];
      if (r[0] || chars.length === 1) push(chars.join(""));
      else for (var i = 0; i + 1 < chars.length; i++) push(chars[i] + chars[i + 1]);
    });
    return out;
  }

  function count(hay, needle) {
    if (!needle) return 0;
    var n = 0, pos = 0, i;
    while ((i = hay.indexOf(needle, pos)) >= 0) { n++; pos = i + needle.length; }
    return n;
  }

  function cpLen(s) { return Array.from(s).length; }

  function quantize(x) { return Math.round(x * 1000000); }

  function prepare(index) {
    return index.docs.map(function (d) {
      return [compact(fold(d.t)), compact(fold(d.h)), compact(fold(d.b))];
    });
  }

  /* Script class of a query character (src/site/search.rs `script`). */
  function script(c) {
    var u = c.codePointAt(0);
    if (u >= 0x3041 && u <= 0x309F) return 1;
    if ((u >= 0x30A0 && u <= 0x30FF) || (u >= 0xFF66 && u <= 0xFF9F)) return 2;
    if ((u >= 0x3400 && u <= 0x4DBF) || (u >= 0x4E00 && u <= 0x9FFF) || (u >= 0xF900 && u <= 0xFAFF) || u === 0x3005 || u === 0x3006) return 3;
    return 0;
  }

  /* A query word cut where the script changes (search.rs `pieces`). */
  function pieces(word) {
    var out = [];
    for (var c of word) {
      var k = c === "ー" ? (out.length ? out[out.length - 1][0] : 2) : script(c);
      if (out.length && out[out.length - 1][0] === k) out[out.length - 1][1] += c;
      else out.push([k, c]);
    }
    return out;
  }

  /* Hiragana after another script (particles, okurigana) and a question
     word that starts the word (index.q: いつ, どこで …) are left out
     (search.rs `left_out`). */
  function leftOut(k, i, allHira, f) {
    var questions = (window.TEBIKI_SEARCH_INDEX || {}).q || [];
    return k === 1 && ((!allHira && i > 0) || (i === 0 && questions.indexOf(f) >= 0));
  }

  /* Key parts of a query (search.rs `key_parts`). */
  function keyParts(query) {
    var out = [], asked = [];
    String(query).split(/\s+/).filter(Boolean).forEach(function (word) {
      var ps = pieces(word);
      var allHira = ps.every(function (p) { return p[0] === 1; });
      ps.forEach(function (p, i) {
        var f = compact(foldQuery(p[1]));
        if (leftOut(p[0], i, allHira, f)) {
          if (p[0] === 1 && i === 0) asked.push(f);
          return;
        }
        if (f && out.indexOf(f) < 0) out.push(f);
      });
    });
    if (!out.length) asked.forEach(function (f) { if (out.indexOf(f) < 0) out.push(f); });
    return out;
  }

  /* The phrase a query word asks for (search.rs `query_phrase`). */
  function queryPhrase(word) {
    var ps = pieces(word);
    var allHira = ps.every(function (p) { return p[0] === 1; });
    var kept = ps.map(function (p, i) { return !leftOut(p[0], i, allHira, compact(foldQuery(p[1]))); });
    var first = kept.indexOf(true), last = kept.lastIndexOf(true);
    if (first < 0) return compact(foldQuery(word));
    return compact(foldQuery(ps.slice(first, last + 1).map(function (p) { return p[1]; }).join("")));
  }

  /* `query` with its other words (content/search.yaml, index.a: folded other
     word → word, longest first) replaced, a word of kana one kana away from
     an other word first: expand_other_words in search.rs. */
  function isSpace(c) { return c === " " || c === "\t" || c === "\n" || c === "\r"; }
  function isKana(c) { var u = c.codePointAt(0); return (u >= 0x30A1 && u <= 0x30FA) || c === "ー"; }
  function same(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function oneEdit(a, b) {
    var s = a.length <= b.length ? a : b, l = a.length <= b.length ? b : a, h = 0;
    while (h < s.length && s[h] === l[h]) h++;
    if (l.length === s.length) return h < s.length && same(s.slice(h + 1), l.slice(h + 1));
    if (l.length === s.length + 1) return same(s.slice(h), l.slice(h + 1));
    return false;
  }
  function nearOtherWord(word, keys, other) {
    if (word.length < 5 || !word.every(isKana)) return null;
    if (keys.some(function (k) { return same(k, word); })) return null;
    for (var k = 0; k < keys.length; k++) {
      if (keys[k].every(isKana) && oneEdit(word, keys[k])) return other[k][1];
    }
    return null;
  }
  function expandOtherWords(index, query) {
    var other = index.a || [];
    if (!other.length) return query;
    var keys = other.map(function (p) { return Array.from(p[0]); });
    var typed = Array.from(query);
    var typedFolded = typed.map(foldChar);
    var near = "", t = 0;
    while (t < typed.length) {
      var start = t;
      while (t < typed.length && !isSpace(typedFolded[t])) t++;
      var w = nearOtherWord(typedFolded.slice(start, t), keys, other);
      near += w !== null ? w : typed.slice(start, t).join("");
      while (t < typed.length && isSpace(typedFolded[t])) { near += typed[t]; t++; }
    }
    var chars = Array.from(near);
    var folded = chars.map(foldChar);
    var out = "", i = 0;
    outer: while (i < chars.length) {
      for (var k = 0; k < keys.length; k++) {
        var key = keys[k];
        if (!key.length || i + key.length > chars.length) continue;
        var hit = true;
        for (var j = 0; j < key.length; j++) if (folded[i + j] !== key[j]) { hit = false; break; }
        if (hit) { out += other[k][1]; i += key.length; continue outer; }
      }
      out += chars[i];
      i += 1;
    }
    return out;
  }

  /* The hits for `query`, best first: the ranking of src/site/search.rs. */
  function search(index, prepared, query) {
    query = expandOtherWords(index, query);
    var words = String(query).split(/\s+/).filter(Boolean).map(queryPhrase).filter(function (w) { return w.length > 0; });
    if (!words.length) return [];
    var parts = keyParts(query);
    var tokens = [];
    parts.forEach(function (p) {
      queryTokens(p).forEach(function (t) { if (tokens.indexOf(t) < 0) tokens.push(t); });
    });
    var n = index.docs.length;
    var score = new Array(n).fill(0);
    var matched = new Array(n).fill(0);
    tokens.forEach(function (t) {
      if (!Object.prototype.hasOwnProperty.call(index.terms, t)) return;
      var term = index.terms[t], idf = term[0], p = term[1];
      for (var i = 0; i + 1 < p.length; i += 2) {
        var d = p[i], tf = p[i + 1];
        if (d >= n) continue;
        var dl = index.dl[d] || 0;
        var norm = K1 * (1.0 - B + B * dl / index.avgdl);
        score[d] += idf * (tf * (K1 + 1.0)) / (tf + norm);
        matched[d] += 1;
      }
    });
    function best(f, w) {
      return f[0].indexOf(w) >= 0 ? 3 : f[1].indexOf(w) >= 0 ? 2 : f[2].indexOf(w) >= 0 ? 1 : 0;
    }
    var wlen = words.reduce(function (a, w) { return a + cpLen(w); }, 0);
    var hits = [];
    for (var d = 0; d < n; d++) {
      var f = prepared[d];
      var tier = 3, found = 0, phrase = 0;
      for (var k = 0; k < parts.length; k++) {
        var w = parts[k];
        var b = best(f, w);
        tier = Math.min(tier, b);
        if (b > 0) found += 1;
        phrase += W[0] * Math.min(count(f[0], w), PHRASE_CAP) + W[1] * Math.min(count(f[1], w), PHRASE_CAP) +
          W[2] * Math.min(count(f[2], w), PHRASE_CAP);
      }
      var whole = 3;
      for (var j = 0; j < words.length; j++) whole = Math.min(whole, best(f, words[j]));
      var ntok = tokens.length;
      if (found === 0 && (ntok === 0 || 2 * matched[d] < ntok)) continue;
      var coverage = tier === 3 ? quantize(wlen / Math.max(cpLen(f[0]), 1)) : 0;
      hits.push({ doc: d, found: found, tier: tier, whole: whole, coverage: coverage, phrase: phrase, score: quantize(score[d]) });
    }
    hits.sort(function (a, b) {
      return (b.found - a.found) || (b.tier - a.tier) || (b.whole - a.whole) || (b.coverage - a.coverage) ||
        (b.phrase - a.phrase) || (b.score - a.score) || (a.doc - b.doc);
    });
    return hits.slice(0, MAX_HITS);
  }

  var prepared = null;
  function index() { return window.TEBIKI_SEARCH_INDEX || null; }

  /* Public for tests and the console: hits with their document fields. */
  window.tebikiSearch = function (query) {
    var idx = index();
    if (!idx) return [];
    if (!prepared) prepared = prepare(idx);
    return search(idx, prepared, String(query || "")).map(function (h) {
      var d = idx.docs[h.doc];
      return { u: d.u, t: d.t, c: d.c, tier: h.tier, coverage: h.coverage, phrase: h.phrase, score: h.score, doc: h.doc };
    });
  };

  /* A piece of `text` around the first place a query word occurs, as nodes. */
  function snippet(text, query) {
    var folded = fold(text);
    var fq = foldQuery(query);
    var needles = fq.split(/\s+/).filter(Boolean).concat(queryTokens(fq));
    var at = -1, len = 0;
    for (var i = 0; i < needles.length && at < 0; i++) {
      at = folded.indexOf(needles[i]);
      len = needles[i].length;
    }
    var frag = document.createDocumentFragment();
    if (at < 0) {
      frag.appendChild(document.createTextNode(text.slice(0, 90) + (text.length > 90 ? "…" : "")));
      return frag;
    }
    var start = Math.max(0, at - 30), end = Math.min(text.length, at + len + 60);
    frag.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at).replace(/\n/g, " ")));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + len);
    frag.appendChild(mark);
    frag.appendChild(document.createTextNode(text.slice(at + len, end).replace(/\n/g, " ") + (end < text.length ? "…" : "")));
    return frag;
  }

  /* The body when a query word occurs in it, else the headings, else the body. */
  function pickText(d, query) {
    var words = foldQuery(query).split(/\s+/).filter(Boolean);
    var inBody = words.some(function (w) { return fold(d.b).indexOf(w) >= 0; });
    if (inBody || !d.h) return d.b;
    var inHeads = words.some(function (w) { return fold(d.h).indexOf(w) >= 0; });
    return inHeads ? d.h : d.b;
  }

  function initSearchPage() {
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("search-status");
    var form = document.getElementById("search-form");
    if (!input || !list || !status) return;
    var root = document.body.getAttribute("data-root") || "";
    // The page's words (the theme's strings.yaml, site_ui_*), `{q}` … filled in.
    function say(key, values) {
      var text = status.getAttribute("data-" + key) || "";
      Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
      return text;
    }
    if (!index()) {
      status.textContent = say("no-index");
      return;
    }
    function run(updateUrl) {
      var q = input.value.trim();
      list.textContent = "";
      if (!q) { status.textContent = say("empty"); return; }
      var hits = window.tebikiSearch(q);
      var docs = index().docs;
      // What was searched for, when an other word was replaced (ひみつのばんごう → 秘密の番号).
      var eq = expandOtherWords(index(), q);
      var asked = eq !== q ? say("asked-as", { q: q, as: eq }) : say("asked", { q: q });
      status.textContent = hits.length
        ? say("found", { asked: asked, n: hits.length })
        : say("none", { asked: asked });
      hits.forEach(function (h) {
        var d = docs[h.doc];
        var li = document.createElement("li");
        li.className = "hit";
        var a = document.createElement("a");
        a.href = root + d.u;
        a.className = "hit-title";
        a.textContent = d.t;
        li.appendChild(a);
        var c = document.createElement("p");
        c.className = "hit-crumb";
        c.textContent = d.c;
        li.appendChild(c);
        var s = document.createElement("p");
        s.className = "hit-snippet";
        s.appendChild(snippet(pickText(d, eq), eq));
        li.appendChild(s);
        list.appendChild(li);
      });
      if (updateUrl) {
        try { history.replaceState(null, "", "?q=" + encodeURIComponent(q)); } catch (e) { /* file:// may refuse */ }
      }
    }
    var q = "";
    try { q = new URLSearchParams(location.search).get("q") || ""; } catch (e) { q = ""; }
    input.value = q;
    run(false);
    var pending = 0;
    input.addEventListener("input", function () {
      if (pending) cancelAnimationFrame(pending);
      pending = requestAnimationFrame(function () { pending = 0; run(true); });
    });
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); run(true); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        var first = list.querySelector("a");
        if (first) { e.preventDefault(); first.focus(); }
      }
    });
    list.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      e.preventDefault();
      if (e.key === "ArrowDown" && i + 1 < links.length) links[i + 1].focus();
      else if (e.key === "ArrowUp") (i > 0 ? links[i - 1] : input).focus();
    });
  }

  function init() {
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        var box = document.getElementById("q") || document.getElementById("q-top");
        if (box) { e.preventDefault(); box.focus(); }
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    initSearchPage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
