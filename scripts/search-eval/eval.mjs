// Measures top-1 (and top-3) of tebiki's help-site search and of Pagefind on
// the same pages, for the queries of queries.tsv (expected steps fixed before
// any run). Usage: node eval.mjs SITE_DIR PAGEFIND_SITE_DIR [--verbose]
// (run.sh prepares both folders). Prints a Markdown table.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { pathToFileURL, fileURLToPath } from "node:url";

const [site, pfSite] = process.argv.slice(2);
const verbose = process.argv.includes("--verbose");
const here = path.dirname(fileURLToPath(import.meta.url));
const queries = fs
  .readFileSync(path.join(here, "queries.tsv"), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"))
  .map((l) => {
    const [q, step] = l.split("\t");
    return { q, step: step.trim() };
  });

/** The step a result URL points at ("1-3"), or null (a page, a part, a rule). */
function stepOf(url) {
  const m = /#step-(\d+-\d+)(?:-rules)?$/.exec(url || "");
  return m ? m[1] : null;
}

// ---- tebiki: the shipped search.js over the shipped index, as in a browser.
const ctx = {
  document: {
    readyState: "complete",
    addEventListener() {},
    querySelectorAll() { return []; },
    getElementById() { return null; },
    body: { getAttribute() { return ""; } },
  },
};
ctx.window = ctx;
vm.createContext(ctx);
const indexJs = fs.readFileSync(path.join(site, "assets/search-index.js"), "utf8");
vm.runInContext(indexJs, ctx);
vm.runInContext(fs.readFileSync(path.join(site, "assets/search.js"), "utf8"), ctx);
const tebiki = (q) => ctx.window.tebikiSearch(q).map((h) => h.u);
const tebikiMs = [];

// ---- Pagefind: its own browser bundle, fetching its files from disk.
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, opts) => {
  const u = new URL(String(url));
  if (u.protocol === "file:") return new Response(fs.readFileSync(fileURLToPath(u)));
  return realFetch(url, opts);
};
const pfDir = path.join(pfSite, "pagefind");
const pagefind = await import(pathToFileURL(path.join(pfDir, "pagefind.js")).href);
await pagefind.options({ basePath: pathToFileURL(pfDir).href + "/" });
await pagefind.init();

/** Pagefind's answer: per page (in its order) the section (sub-result) with
 *  the most matching words, as Pagefind's own UI ranks a page's sections. */
async function pf(q) {
  const r = await pagefind.search(q);
  const out = [];
  for (const res of r.results.slice(0, 5)) {
    const d = await res.data();
    const subs = (d.sub_results || []).map((s, i) => ({ url: s.url, w: s.locations.length, i }));
    subs.sort((a, b) => b.w - a.w || a.i - b.i);
    out.push(subs.length ? subs[0].url : d.url);
  }
  return out;
}

function pct(n) { return `${n}/${queries.length}`; }
const rows = [];
let t1 = 0, t3 = 0, p1 = 0, p3 = 0;
for (const { q, step } of queries) {
  const t0 = process.hrtime.bigint();
  const th = tebiki(q);
  tebikiMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  const ph = await pf(q);
  const ts = th.map(stepOf), ps = ph.map(stepOf);
  const tok1 = ts[0] === step, pok1 = ps[0] === step;
  t1 += tok1; p1 += pok1;
  t3 += ts.slice(0, 3).includes(step); p3 += ps.slice(0, 3).includes(step);
  rows.push(`| ${q} | ${step} | ${tok1 ? "✓" : "✗ " + (th[0] || "—")} | ${pok1 ? "✓" : "✗ " + (ph[0] || "—")} |`);
}
const gz = (await import("node:zlib")).gzipSync;
const tebikiBytes = gz(fs.readFileSync(path.join(site, "assets/search-index.js"))).length;
let pfBytes = 0;
for (const f of fs.readdirSync(pfDir, { recursive: true })) {
  const p = path.join(pfDir, f);
  if (fs.statSync(p).isFile() && /\.(pf_meta|pf_index|pf_fragment|pf_filter)$/.test(f)) pfBytes += fs.statSync(p).size; // already gzipped
}
tebikiMs.sort((a, b) => a - b);
console.log(`| engine | top-1 | top-3 | index (gzip) |`);
console.log(`| --- | --- | --- | --- |`);
console.log(`| tebiki | ${pct(t1)} | ${pct(t3)} | ${(tebikiBytes / 1024).toFixed(1)} KB |`);
console.log(`| Pagefind 1.6 extended | ${pct(p1)} | ${pct(p3)} | ${(pfBytes / 1024).toFixed(1)} KB (index files as served) |`);
console.log(`\ntebiki median query time: ${tebikiMs[Math.floor(tebikiMs.length / 2)].toFixed(3)} ms`);
if (verbose) {
  console.log(`\n| query | expected | tebiki | Pagefind |\n| --- | --- | --- | --- |`);
  console.log(rows.join("\n"));
}
