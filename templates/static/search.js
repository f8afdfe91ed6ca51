/* Site search without a server: folds the query the way giaoban_site/vietnamese.py folds the
   index (lower case, no diacritics, đ -> d), fetches only the index shards of the query's words,
   and draws results with the match highlighted. Plain JavaScript, no framework. */
/* What both searches write, in the page's language: the catalogue's strings (languages.py), which
   the page gives the search form as JSON. A string with "one" and "other" is chosen by the count. */
function giaobanSay(form) {
  "use strict";
  var strings = JSON.parse(form.getAttribute("data-strings") || "{}");
  return function (key, values) {
    var text = strings[key] || key;
    if (typeof text === "object") text = values && values.count === 1 && text.one ? text.one : text.other;
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values && name in values ? values[name] : all; });
  };
}

(function () {
  "use strict";
  var form = document.querySelector("form.search-form[data-index]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var out = document.getElementById("ket-qua");
  var note = document.getElementById("ghi-chu-tim-kiem");
  var indexUrl = form.getAttribute("data-index");
  var baseUrl = form.getAttribute("data-base");
  var PAGE = 10, KEY_LENGTH = 3, SNIPPET = 220;  // KEY_LENGTH as in search.py
  var say = giaobanSay(form);
  var shards = {}, docs = {}, current = null, timer = null;

  form.removeAttribute("action");
  form.querySelector("input[name=as_sitesearch]").disabled = true;
  if (note) note.textContent = say("search_hint");

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d");
  }
  function words(text) { return fold(text.normalize("NFC")).match(/[\p{L}\p{N}_]+/gu) || []; }
  function shardFile(key) {
    if (/^[a-z0-9]+$/.test(key)) return key;
    return "_" + Array.prototype.map.call(new TextEncoder().encode(key),
      function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }
  function getJSON(url, cache, key) {
    if (!cache[key]) {
      cache[key] = fetch(url).then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return cache[key];
  }
  function undelta(list) {
    var out = [], n = 0;
    for (var i = 0; i < list.length; i++) { n += list[i]; out.push(n); }
    return out;
  }
  /* ids of articles with a word equal to term (or starting with it, for the word being typed),
     and of those with it in the title. */
  function lookup(term, prefix) {
    var key = Array.from(term).slice(0, KEY_LENGTH).join("");  // code points, as Python slices
    return getJSON(indexUrl + "chi-muc/" + shardFile(key) + ".json", shards, key).then(function (shard) {
      var all = new Set(), title = new Set();
      if (!shard) return { all: all, title: title };
      Object.keys(shard.w).forEach(function (w) {
        if (w === term || (prefix && term.length >= KEY_LENGTH && w.indexOf(term) === 0)) {
          undelta(shard.w[w]).forEach(function (id) { all.add(id); });
          if (shard.t[w]) undelta(shard.t[w]).forEach(function (id) { title.add(id); });
        }
      });
      return { all: all, title: title };
    });
  }
  function search(terms) {
    return Promise.all(terms.map(function (t, i) { return lookup(t, i === terms.length - 1); }))
      .then(function (found) {
        var ids = Array.from(found[0].all).filter(function (id) {
          return found.every(function (f) { return f.all.has(id); });
        });
        var score = function (id) { return found.filter(function (f) { return f.title.has(id); }).length; };
        return ids.sort(function (a, b) { return score(b) - score(a) || b - a; });
      });
  }

  /* Folded copy of text with, for each folded character, the index of its source character. */
  function foldMap(text) {
    var folded = "", map = [], i = 0;
    for (var ch of text) {
      var f = fold(ch);
      for (var j = 0; j < f.length; j++) { folded += f[j]; map.push(i); }
      i += ch.length;
    }
    map.push(text.length);
    return { text: folded, map: map };
  }
  var WORD = /[\p{L}\p{N}_]/u;
  function matches(text, terms) {
    var fm = foldMap(text), ranges = [];
    terms.forEach(function (t, n) {
      var from = 0, at;
      while ((at = fm.text.indexOf(t, from)) !== -1) {
        from = at + 1;
        var end = at + t.length;
        if (at > 0 && WORD.test(fm.text[at - 1])) continue;
        if (n < terms.length - 1 && end < fm.text.length && WORD.test(fm.text[end])) continue;
        while (n === terms.length - 1 && end < fm.text.length && WORD.test(fm.text[end])) end++;
        ranges.push([fm.map[at], fm.map[end]]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {  // "Hội" + " " + "đồng" become one mark
      var last = merged[merged.length - 1];
      if (last && (r[0] <= last[1] || /^\s+$/.test(text.slice(last[1], r[0])))) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    });
    return merged;
  }
  function highlighted(element, text, ranges, offset) {
    var at = 0;
    ranges.forEach(function (r) {
      var s = Math.max(r[0] - offset, 0), e = Math.min(r[1] - offset, text.length);
      if (e <= s || s < at) return;
      element.appendChild(document.createTextNode(text.slice(at, s)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(s, e);
      element.appendChild(mark);
      at = e;
    });
    element.appendChild(document.createTextNode(text.slice(at)));
    return element;
  }
  function snippet(doc, terms) {
    var text = doc.x, ranges = matches(text, terms);
    if (!ranges.length) return highlighted(document.createElement("p"), text.slice(0, SNIPPET) + (text.length > SNIPPET ? "…" : ""), [], 0);
    var start = Math.max(0, ranges[0][0] - 60);
    if (start > 0) { var space = text.indexOf(" ", start); start = space !== -1 && space < ranges[0][0] ? space + 1 : start; }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) { var cut = text.lastIndexOf(" ", end); end = cut > ranges[0][1] ? cut : end; }
    var p = document.createElement("p");
    if (start > 0) p.appendChild(document.createTextNode("… "));
    highlighted(p, text.slice(start, end), ranges, start);
    if (end < text.length) p.appendChild(document.createTextNode(" …"));
    return p;
  }
  function item(doc, terms) {
    var li = document.createElement("li");
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = baseUrl + doc.u;
    highlighted(a, doc.t, matches(doc.t, terms), 0);
    h.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "meta";
    var time = document.createElement("time");
    time.setAttribute("datetime", doc.i);
    time.textContent = doc.d;
    meta.appendChild(time);
    var snip = snippet(doc, terms);
    snip.className = "snippet";
    li.append(h, meta, snip);
    return li;
  }
  /* A document no longer in force carries its status in results too: it changes with time, so it
     is read from the documents' file (made at each build), and only when a result is a document. */
  var documentsUrl = form.getAttribute("data-documents"), statuses = {};
  function markStatus(doc, li) {
    if (!documentsUrl || doc.u.indexOf(form.getAttribute("data-documents-index")) !== 0) return;
    getJSON(documentsUrl, statuses, "all").then(function (items) {
      var found = (items || []).filter(function (d) { return d.u === doc.u && d.s; })[0];
      if (!found) return;
      var mark = document.createElement("strong");
      mark.className = "status";
      mark.textContent = found.s;
      li.querySelector("h2").append(" ", mark);
    });
  }
  function showPage(state) {
    var ids = state.ids.slice(state.shown, state.shown + PAGE);
    return Promise.all(ids.map(function (id) { return getJSON(indexUrl + "bai/" + id + ".json", docs, id); }))
      .then(function (records) {
        if (current !== state) return;
        records.forEach(function (doc) {
          if (!doc) return;
          var li = item(doc, state.terms);
          state.list.appendChild(li);
          markStatus(doc, li);
        });
        state.shown += ids.length;
        state.more.hidden = state.shown >= state.ids.length;
      });
  }
  function status(text) {
    var p = document.createElement("p");
    p.className = "search-status";
    p.textContent = text;
    return p;
  }
  function run(query) {
    var terms = words(query);
    var state = current = { terms: terms, ids: [], shown: 0 };
    if (!terms.length) { out.replaceChildren(); return Promise.resolve(); }
    return search(terms).then(function (ids) {
      if (current !== state) return;
      state.ids = ids;
      state.list = document.createElement("ol");
      state.list.className = "search-result-list";
      state.more = document.createElement("button");
      state.more.type = "button";
      state.more.textContent = say("search_more");
      state.more.addEventListener("click", function () { showPage(state); });
      var found = say(ids.length ? "search_found" : "search_none", {count: ids.length, query: query.trim()});
      out.replaceChildren(status(found), state.list, state.more);
      return showPage(state);
    });
  }
  function fromInput() {
    var query = input.value;
    var url = new URL(window.location.href);
    if (query.trim()) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);  // a result list can be shared or bookmarked
    // What typing shows already, the button does not show again: no result swapped under the pointer.
    if (current && words(query).join(" ") === current.terms.join(" ")) return Promise.resolve();
    return run(query);
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); fromInput(); });
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fromInput, 200); });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(initial); }
})();

/* The document search: number, summary, type and year, folded like the article search, over one
   file of every document's metadata, fetched the first time it is used. */
(function () {
  "use strict";
  var form = document.querySelector("form.document-form[data-documents]");
  if (!form || !window.fetch) return;
  var out = document.getElementById("ket-qua-van-ban");
  var articleForm = document.querySelector("form.search-form");
  var base = articleForm.getAttribute("data-base"), say = giaobanSay(articleForm);
  var data = null, timer = null, shown = null;
  form.hidden = false;
  function fold(text) {
    return text.normalize("NFC").toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d");
  }
  function words(text) { return fold(text).match(/[\p{L}\p{N}]+/gu) || []; }
  function load() {
    data = data || fetch(form.getAttribute("data-documents")).then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) {
        items.forEach(function (d) { d.w = words(d.n + " " + d.k + " " + d.t + " " + d.y); });
        return items;
      }).catch(function () { return []; });
    return data;
  }
  function matches(d, terms, kind, year) {
    if ((kind && d.k !== kind) || (year && String(d.y) !== year)) return false;
    return terms.every(function (t) { return d.w.some(function (w) { return w.indexOf(t) === 0; }); });
  }
  function entry(d) {
    var li = document.createElement("li"), p = document.createElement("p"), a = document.createElement("a");
    li.className = "document";
    p.className = "document-number";
    a.href = base + d.u;
    a.textContent = say("doc_kind_number", {kind: d.k, number: d.n});
    p.appendChild(a);
    if (d.s) {
      var mark = document.createElement("strong");
      mark.className = "status";
      mark.textContent = d.s;
      p.append(" ", mark);
    }
    var meta = document.createElement("p"), summary = document.createElement("p");
    meta.className = "meta";
    meta.textContent = say("doc_issued_on") + " " + d.d;
    summary.className = "summary";
    summary.textContent = d.t;
    li.append(p, meta, summary);
    return li;
  }
  function run() {
    var terms = words(form.elements.vb.value), kind = form.elements.loai.value, year = form.elements.nam.value;
    var query = JSON.stringify([terms, kind, year]);
    // Typing shows results as it goes; pressing the button for what is shown already changes nothing,
    // so that a result being clicked is never swapped for its twin under the pointer.
    if (query === shown) return;
    shown = query;
    if (!terms.length && !kind && !year) { out.replaceChildren(); return; }
    load().then(function (items) {
      var found = items.filter(function (d) { return matches(d, terms, kind, year); });
      var status = document.createElement("p"), list = document.createElement("ol");
      status.className = "search-status";
      status.textContent = say(found.length ? "docs_search_found" : "docs_search_none", {count: found.length});
      list.className = "document-list";
      found.slice(0, 50).forEach(function (d) { list.appendChild(entry(d)); });
      out.replaceChildren(status, list);
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); run(); });
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 200); });
})();
