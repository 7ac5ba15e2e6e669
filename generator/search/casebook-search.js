/*
 * RMO Casebook search: Pagefind's JS API behind three small UIs.
 *  - the header dialog (every page): type, see the best pages;
 *  - the search page (#cb-search-page): query, filters with counts, sort;
 *  - the situation finder (#cb-situation): tick issues, stage and scope, no typing.
 * Mounted through Material's document$ so it survives instant navigation.
 * Pagefind (pagefind/pagefind.js, made at build time) loads only when needed.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var SITE = new URL("..", script ? script.src : location.href); // assets/ → site root
  // Pagefind's default ranking (pageLength 0.75) favours short pages so much
  // that short index pages outrank the case itself for place names; and the
  // segmenter splits a compound (住民自治協議会) into words that many cases share,
  // so a page holding the whole compound must count for more (termSimilarity).
  // Measured on the bundled site of 65 cases (npm Pagefind 1.6.0, the query set
  // of tests/browser/queries.py): pageLength 0.3–0.5 with termSimilarity 3.0 miss
  // the fewest queries; termSimilarity 1.0 misses 住民自治協議会 and 地域自治区.
  var RANKING = { pageLength: 0.3, termSimilarity: 3.0 };
  var pagefindPromise = null;

  function pagefind() {
    if (!pagefindPromise) {
      var options = { baseUrl: SITE.pathname, ranking: RANKING };
      pagefindPromise = import(new URL("pagefind/pagefind.js", SITE).href).then(function (pf) {
        return pf.options(options).then(function () {
          pf.init();
          // A large site is indexed in parts (generator/search/pagefind.py); the others merge into this one.
          return fetch(new URL("pagefind/casebook-parts.json", SITE).href)
            .then(function (r) { return r.ok ? r.json() : { parts: [] }; })
            .catch(function () { return { parts: [] }; })
            .then(function (manifest) {
              return Promise.all((manifest.parts || []).map(function (part) {
                return pf.mergeIndex(new URL(part, SITE).pathname, options);
              }));
            })
            .then(function () { return pf; });
        });
      });
    }
    return pagefindPromise;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function metaLine(data) {
    var parts = [];
    if (data.meta && data.meta.place) parts.push(data.meta.place);
    if (data.meta && data.meta.founded) parts.push(data.meta.founded + "年設立");
    return parts.join("・");
  }

  // One result: title link, place and year, and Pagefind's excerpt (its own
  // text with <mark> around matches; our pages never carry raw user HTML).
  function resultItem(data) {
    var excerpt = el("p", { class: "cb-result__excerpt" });
    excerpt.innerHTML = data.excerpt || "";
    var meta = metaLine(data);
    return el("li", { class: "cb-result" }, [
      el("a", { class: "cb-result__title", href: data.url, text: (data.meta && data.meta.title) || data.url }),
      meta ? el("p", { class: "cb-result__meta", text: meta }) : null,
      excerpt,
    ]);
  }

  // ``results``: Pagefind results (objects with data()); ``note``: said after the count;
  // ``current()``: false once a newer search has started (checked again after
  // the fragments load, so a slow older search never overwrites a newer state).
  function renderResults(list, status, results, limit, emptyText, note, current) {
    var shown = results.slice(0, limit);
    return Promise.all(shown.map(function (r) { return r.data(); })).then(function (datas) {
      if (current && !current()) return datas;
      list.replaceChildren.apply(list, datas.map(resultItem));
      status.textContent = results.length
        ? results.length + " 件見つかりました" + (results.length > limit ? "（上位 " + limit + " 件を表示）" : "") + (note || "")
        : emptyText;
      showMore(list, results.length > limit ? function () {
        return renderResults(list, status, results, limit + MORE, emptyText, note, current);
      } : null, results.length - limit);
      return datas;
    });
  }

  // A button after a list of results that shows MORE of the rest, or nothing when all are shown.
  var MORE = 30;
  function showMore(list, next, left) {
    if (list.closest("dialog")) return; // the header's dialog links the search page instead
    var button = list.nextElementSibling && list.nextElementSibling.matches(".cb-search-more-results") ? list.nextElementSibling : null;
    if (!next) { if (button) button.remove(); return; }
    if (!button) {
      button = el("button", { type: "button", class: "md-button cb-search-more-results" });
      list.after(button);
    }
    button.textContent = "さらに " + Math.min(MORE, left) + " 件を表示";
    button.onclick = function () { next(); };
  }

  function failed(status, err, current) {
    if (window.console) console.error("casebook-search:", err);
    if (current) status.textContent = "検索を読み込めませんでした。";
  }

  // Pagefind leaves out every page without the sort key, so a sorted search
  // alone would hide the cases whose founding year is unknown. They follow
  // the sorted ones, in relevance order.
  function sortedSearch(pf, term, filters, sortBy) {
    var plain = pf.search(term, { filters: filters });
    if (!sortBy) return plain.then(function (s) { return { results: s.results, filters: s.filters, unsorted: 0 }; });
    return Promise.all([pf.search(term, { filters: filters, sort: sortBy }), plain]).then(function (both) {
      var seen = {};
      both[0].results.forEach(function (r) { seen[r.id] = true; });
      var rest = both[1].results.filter(function (r) { return !seen[r.id]; });
      var filterCounts = both[1].results.length ? both[1].filters : both[0].filters;
      return { results: both[0].results.concat(rest), filters: filterCounts, unsorted: rest.length };
    });
  }

  function unsortedNote(found) {
    return found.unsorted ? "。設立年のわからない " + found.unsorted + " 件は後ろに並べています" : "";
  }

  // --- header dialog -------------------------------------------------------
  function mountDialog() {
    var dialog = document.getElementById("cb-search-dialog");
    var open = document.querySelector(".cb-search-open");
    if (!dialog || !open || dialog.dataset.cbMounted) return;
    // The theme writes the button after the header (Material's header has no place for a
    // search other than its own); it belongs in the header bar, before the repository link.
    var bar = document.querySelector(".md-header__inner");
    if (bar && !bar.contains(open)) bar.insertBefore(open, bar.querySelector(".md-header__source"));
    dialog.dataset.cbMounted = "1";
    var input = dialog.querySelector("[data-cb-search-input]");
    var list = dialog.querySelector("[data-cb-search-results]");
    var status = dialog.querySelector("[data-cb-search-status]");
    var more = dialog.querySelector("[data-cb-search-more]");
    // Absolute now: the header outlives instant navigation, so a relative
    // href would be resolved against later pages.
    var baseMore = more.href.split("#")[0];
    open.addEventListener("click", function () {
      dialog.showModal();
      input.focus();
      pagefind();
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
      // Any link: with instant navigation the header (and this dialog) stays on the next page.
      if (event.target.closest && event.target.closest("a[href]")) dialog.close();
    });
    // Enter in the field opens the first result (or, before any, the search
    // page with the words). Without this, Enter submits the method=dialog form
    // through its default button (閉じる) and the results vanish. Enter that
    // confirms an IME conversion is left alone.
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      var first = list.querySelector("a.cb-result__title");
      if (first) first.click();
      else if (input.value.trim()) more.click();
    });
    var seq = 0;
    input.addEventListener("input", function () {
      var q = input.value.trim();
      var mine = ++seq;
      more.setAttribute("href", baseMore + (q ? "#q=" + encodeURIComponent(q) : ""));
      if (!q) { list.replaceChildren(); status.textContent = ""; return; }
      status.textContent = "検索しています…";
      pagefind().then(function (pf) { return pf.debouncedSearch(q, {}, 200); }).then(function (search) {
        if (search === null || mine !== seq) return;
        return renderResults(list, status, search.results, 8, "「" + q + "」に合うページは見つかりませんでした。", "", function () { return mine === seq; });
      }).catch(function (err) { failed(status, err, mine === seq); });
    });
  }

  // --- search page -----------------------------------------------------------
  // The filters' order comes from the field registry (records/registry.py), written
  // into the page as JSON: data-cb-config='{"filters": ["段階", "地方", …]}'.
  function filterOrder(root) {
    try { return JSON.parse(root.dataset.cbConfig || "{}").filters || []; } catch (e) { return []; }
  }

  // Values ticked in one group widen the results (any of them), groups narrow
  // them (all groups): 高知県 + 島根県 are the cases of either prefecture.
  function mountSearchPage() {
    var root = document.getElementById("cb-search-page");
    if (!root || root.dataset.cbMounted) return;
    root.dataset.cbMounted = "1";
    var input = root.querySelector("[data-cb-search-input]");
    var sort = root.querySelector("[data-cb-sort]");
    var filterBox = root.querySelector("[data-cb-filters]");
    var list = root.querySelector("[data-cb-search-results]");
    var status = root.querySelector("[data-cb-search-status]");
    var order = filterOrder(root);
    var selected = {};
    var seq = 0;
    var hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("q")) input.value = hash.get("q");

    function currentFilters(except) {
      var out = {};
      Object.keys(selected).forEach(function (k) { if (k !== except && selected[k].length) out[k] = { any: selected[k].slice() }; });
      return out;
    }

    function groupNames(available) {
      var names = order.filter(function (name) { return available[name]; });
      Object.keys(available).sort().forEach(function (name) { if (names.indexOf(name) < 0) names.push(name); });
      return names;
    }

    // counts: {group: {value: n}}, how many results ticking that value would give; null before any search.
    function drawFilters(available, counts) {
      var open = {};
      filterBox.querySelectorAll("details[open]").forEach(function (d) { open[d.dataset.cbFilter] = true; });
      var focused = document.activeElement && filterBox.contains(document.activeElement) ? document.activeElement.id : null;
      var groups = groupNames(available).map(function (name) {
        var values = Object.keys(available[name]).sort(function (a, b) { return a.localeCompare(b, "ja"); });
        var items = values.map(function (value) {
          var id = "cb-f-" + name + "-" + value;
          var box = el("input", { type: "checkbox", id: id, value: value });
          box.checked = (selected[name] || []).indexOf(value) >= 0;
          box.addEventListener("change", function () {
            var list = selected[name] || (selected[name] = []);
            if (box.checked) list.push(value); else list.splice(list.indexOf(value), 1);
            run();
          });
          var n = counts && counts[name] ? counts[name][value] || 0 : available[name][value];
          return el("li", {}, [box, el("label", { for: id, text: value + "（" + n + "）" })]);
        });
        var details = el("details", { class: "cb-filter", "data-cb-filter": name }, [el("summary", { text: name }), el("ul", {}, items)]);
        if (open[name] || (selected[name] || []).length) details.setAttribute("open", "");
        return details;
      });
      filterBox.replaceChildren.apply(filterBox, groups);
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    }

    function run() {
      var mine = ++seq;
      var q = input.value.trim();
      var filters = currentFilters(null);
      var sortBy = sort.value ? { founded: sort.value } : null;
      history.replaceState(null, "", q ? "#q=" + encodeURIComponent(q) : location.pathname);
      if (!q && !Object.keys(filters).length && !sortBy) {
        list.replaceChildren();
        status.textContent = "言葉を入れるか、絞り込みの項目から選んでください。";
        pagefind().then(function (pf) { return pf.filters(); }).then(function (f) { if (mine === seq) drawFilters(f, null); });
        return;
      }
      status.textContent = "検索しています…";
      pagefind().then(function (pf) {
        var term = q || null;
        // For a group with ticked values, its counts come from the search without that group.
        var ticked = Object.keys(filters);
        return Promise.all([sortedSearch(pf, term, filters, sortBy), pf.filters()].concat(ticked.map(function (name) {
          var others = currentFilters(name);
          return term || Object.keys(others).length ? pf.search(term, { filters: others }).then(function (s) { return s.filters; }) : pf.filters();
        }))).then(function (all) {
          var counts = Object.assign({}, all[0].filters);
          ticked.forEach(function (name, i) { counts[name] = all[2 + i][name] || {}; });
          return { found: all[0], available: all[1], counts: counts };
        });
      }).then(function (r) {
        if (mine !== seq) return;
        drawFilters(r.available, r.counts);
        return renderResults(list, status, r.found.results, 30, "条件に合うページは見つかりませんでした。", unsortedNote(r.found), function () { return mine === seq; });
      }).catch(function (err) { failed(status, err, mine === seq); });
    }

    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    sort.addEventListener("change", run);
    root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
    // The header dialog's "search page" link may change only the hash of this page.
    window.addEventListener("hashchange", function () {
      var q = new URLSearchParams(location.hash.slice(1)).get("q");
      if (q !== null && q !== input.value.trim() && document.body.contains(root)) { input.value = q; run(); }
    });
    run();
  }

  // --- situation finder --------------------------------------------------------
  function mountSituation() {
    var root = document.getElementById("cb-situation");
    if (!root || root.dataset.cbMounted) return;
    root.dataset.cbMounted = "1";
    var list = root.querySelector("[data-cb-search-results]");
    var status = root.querySelector("[data-cb-search-status]");
    var seq = 0;

    function filters() {
      var out = {};
      root.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
        (out[box.name] = out[box.name] || []).push(box.value);
      });
      return out;
    }

    function run() {
      var mine = ++seq;
      var chosen = filters();
      if (!Object.keys(chosen).length) {
        list.replaceChildren();
        status.textContent = "あてはまる項目を選ぶと、合う事例が表示されます。";
        updateCounts(null);
        return;
      }
      status.textContent = "探しています…";
      pagefind().then(function (pf) { return sortedSearch(pf, null, chosen, { founded: "desc" }); }).then(function (found) {
        if (mine !== seq) return;
        updateCounts(found.filters);
        return renderResults(list, status, found.results, 50, "選んだ条件がすべてあてはまる事例は、まだありません。条件を減らしてみてください。", unsortedNote(found), function () { return mine === seq; });
      }).catch(function (err) { failed(status, err, mine === seq); });
    }

    function updateCounts(counts) {
      root.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        var label = root.querySelector('label[for="' + box.id + '"] .cb-count');
        if (!label) return;
        label.textContent = counts && counts[box.name] ? "（" + (counts[box.name][box.value] || 0) + "）" : "";
      });
    }

    root.addEventListener("change", run);
    run();
  }

  // For tests and the benchmark: the ranking the UI searches with.
  window.casebookSearch = { ranking: RANKING, pagefind: pagefind };

  function mount() {
    mountDialog();
    mountSearchPage();
    mountSituation();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
