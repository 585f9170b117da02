// Dashboard: sort by a column, filter by name or code, state and days to
// installation. Works on the static file; without JavaScript the table is
// shown whole, most urgent first.
(function () {
  "use strict";
  var table = document.getElementById("clinics");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("f-text");
  var state = document.getElementById("f-state");
  var days = document.getElementById("f-days");
  var count = document.getElementById("f-count");
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  function norm(s) {
    // Full-width letters and digits as half-width, lower case.
    return (s || "").replace(/[\uFF01-\uFF5E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).toLowerCase().replace(/\s+/g, "");
  }
  function daysOf(r) {
    var d = r.getAttribute("data-days");
    return d === "" || d === null ? null : Number(d);
  }
  function apply() {
    var q = norm(text.value), st = state.value, dv = days ? days.value : "", shown = 0;
    rows.forEach(function (r) {
      var ok = true;
      if (q) ok = norm(r.getAttribute("data-name")).indexOf(q) >= 0 || norm(r.getAttribute("data-code")).indexOf(q) >= 0;
      if (ok && st) ok = st === "changed" ? r.hasAttribute("data-changed") : r.getAttribute("data-state") === st;
      if (ok && dv) {
        var d = daysOf(r);
        ok = d !== null && (dv === "past" ? d < 0 : d >= 0 && d <= Number(dv));
      }
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = (count.getAttribute("data-format") || "{shown} / {total}")
      .replace("{shown}", shown).replace("{total}", rows.length);
  }
  // Without a date to count down to (content names none) there is no days filter.
  [text, state, days].filter(Boolean).forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });

  var keys = {
    rank: function (r) { return [Number(r.getAttribute("data-rank")), daysKey(r), r.getAttribute("data-code")]; },
    days: function (r) { return [daysKey(r), Number(r.getAttribute("data-rank")), r.getAttribute("data-code")]; },
    name: function (r) { return [r.getAttribute("data-name")]; },
    code: function (r) { return [r.getAttribute("data-code")]; },
    pref: function (r) { return [r.getAttribute("data-pref"), r.getAttribute("data-code")]; }
  };
  function daysKey(r) { var d = daysOf(r); return d === null ? Infinity : d; }
  function cmp(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th) {
    var key = th.getAttribute("data-sort");
    if (!key) return;
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(b);
    b.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var f = keys[key], sign = dir === "ascending" ? 1 : -1;
      var sorted = rows.slice().sort(function (x, y) {
        return sign * cmp(f(x), f(y)) || rows.indexOf(x) - rows.indexOf(y);
      });
      sorted.forEach(function (r) { body.appendChild(r); });
    });
  });
  apply();
})();
