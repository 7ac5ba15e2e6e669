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

  // What a result is, from its address: cases (and municipal schemes) first, then the rest.
  var KINDS = [["cases/", "事例"], ["training/", "研修テキスト"], ["glossary/", "用語"], ["index/", "索引"]];
  function resultKind(data) {
    var path = new URL(data.url, location.href).pathname.slice(SITE.pathname.length);
    if (path.indexOf("cases/") === 0 && data.meta && data.meta.type) return data.meta.type;
    for (var i = 0; i < KINDS.length; i++) if (path.indexOf(KINDS[i][0]) === 0) return KINDS[i][1];
    return "ページ";
  }
  function kindRank(kind) {
    return kind === "事例" || kind === "自治体の仕組み" ? 0 : kind === "研修テキスト" ? 1 : kind === "用語" ? 2 : kind === "索引" ? 3 : 4;
  }

  // A case's summary in one or two sentences (at most about 120 characters).
  function shortSummary(text) {
    var sentences = text.match(/[^。]+。?/g) || [text];
    var out = sentences[0];
    if (sentences[1] && (out + sentences[1]).length <= 120) out += sentences[1];
    return out;
  }

  // One result: kind, title link, place and year, and the case's summary (or, for other pages,
  // Pagefind's excerpt: its own text with <mark> around matches; our pages never carry raw user HTML).
  // A glossary hit opens at its term (the heading Pagefind found the words under).
  function resultItem(data, extra) {
    var kind = resultKind(data);
    var href = data.url;
    var title = (data.meta && data.meta.title) || data.url;
    var sub = data.sub_results && data.sub_results[0];
    if (kind === "用語" && sub && sub.url && sub.url.indexOf("#") > 0) {
      href = sub.url;
      title = sub.title || title;
    }
    var excerpt = el("p", { class: "cb-result__excerpt" });
    if (data.meta && data.meta.summary) excerpt.textContent = shortSummary(data.meta.summary);
    else excerpt.innerHTML = (kind === "用語" && sub && sub.excerpt) || data.excerpt || "";
    var meta = metaLine(data);
    return el("li", { class: "cb-result", "data-cb-kind": kind }, [
      el("span", { class: "cb-result__kind", text: kind }),
      el("a", { class: "cb-result__title", href: href, text: title }),
      meta ? el("p", { class: "cb-result__meta", text: meta }) : null,
      excerpt,
      extra,
    ]);
  }

  // ``results``: Pagefind results (objects with data()); ``note``: said after the count;
  // ``current()``: false once a newer search has started (checked again after
  // the fragments load, so a slow older search never overwrites a newer state).
  // ``opts``: {grouped: cases first within what is shown, extra: data → element, onCount: n → void}.
  function renderResults(list, status, results, limit, emptyText, note, current, opts) {
    opts = opts || {};
    var shown = results.slice(0, limit);
    return Promise.all(shown.map(function (r) { return r.data(); })).then(function (datas) {
      if (current && !current()) return datas;
      var items = datas.map(function (d, i) { return { d: d, r: shown[i], i: i, k: kindRank(resultKind(d)) }; });
      if (opts.grouped) items.sort(function (a, b) { return a.k - b.k || a.i - b.i; });
      list.replaceChildren.apply(list, items.map(function (it) { return resultItem(it.d, opts.extra ? opts.extra(it.d, it.r) : null); }));
      status.textContent = results.length
        ? results.length + " 件見つかりました" + (results.length > limit ? "（上位 " + limit + " 件を表示）" : "") + (note || "")
        : emptyText;
      if (opts.onCount) opts.onCount(results.length);
      showMore(list, results.length > limit ? function () {
        return renderResults(list, status, results, limit + MORE, emptyText, note, current, opts);
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
        return renderResults(list, status, search.results, 8, "「" + q + "」に合うページは見つかりませんでした。", "", function () { return mine === seq; }, { grouped: true });
      }).catch(function (err) { failed(status, err, mine === seq); });
    });
  }

  // --- search page -----------------------------------------------------------
  // The page's configuration comes from the field registry and the vocabulary (pages/finder.py),
  // written into the page as JSON: data-cb-config='{"filters": [...], "orders": {...}, "words": [...]}'.
  function pageConfig(root) {
    var config = {};
    try { config = JSON.parse(root.dataset.cbConfig || "{}"); } catch (e) { config = {}; }
    return { filters: config.filters || [], orders: config.orders || {}, words: config.words || [] };
  }

  // The state lives in the address (#q=…&sort=…&地方=中国地方&主な活動=買い物支援), so that Back,
  // reload, bookmarks and shared links give the same view.
  function readHash(groups) {
    var params = new URLSearchParams(location.hash.slice(1));
    var state = { q: params.get("q") || "", sort: params.get("sort") || "", selected: {} };
    params.forEach(function (value, key) {
      if (groups.indexOf(key) < 0) return;
      var list = state.selected[key] || (state.selected[key] = []);
      if (list.indexOf(value) < 0) list.push(value);
    });
    return state;
  }
  function writeHash(state, groups) {
    var params = new URLSearchParams();
    if (state.q) params.append("q", state.q);
    if (state.sort) params.append("sort", state.sort);
    groups.forEach(function (g) { (state.selected[g] || []).forEach(function (v) { params.append(g, v); }); });
    var hash = params.toString();
    var url = location.pathname + location.search + (hash ? "#" + hash : "");
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
  }

  // Below 60em the filters are a drawer over the page: the results come first.
  var NARROW = "(max-width: 59.984em)";

  // Values ticked in one group widen the results (any of them), groups narrow
  // them (all groups): 高知県 + 島根県 are the cases of either prefecture.
  function mountSearchPage() {
    var root = document.getElementById("cb-search-page");
    if (!root || root.dataset.cbMounted) return;
    root.dataset.cbMounted = "1";
    var input = root.querySelector("[data-cb-search-input]");
    var sort = root.querySelector("[data-cb-sort]");
    var filterBox = root.querySelector("[data-cb-filters]");
    var panel = root.querySelector("[data-cb-filter-panel]");
    var openButton = root.querySelector("[data-cb-filter-open]");
    var showButton = root.querySelector("[data-cb-filter-show]");
    var chips = root.querySelector("[data-cb-chips]");
    var suggest = root.querySelector("[data-cb-suggest]");
    var resultsTop = root.querySelector(".cb-search-page__results");
    var tools = root.querySelector(".cb-search-tools");
    var list = root.querySelector("[data-cb-search-results]");
    var status = root.querySelector("[data-cb-search-status]");
    var config = pageConfig(root);
    var order = config.filters;
    var state = readHash(order);
    var selected = state.selected;
    var seq = 0;
    input.value = state.q;
    sort.value = state.sort;
    root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });

    function currentFilters(except) {
      var out = {};
      Object.keys(selected).forEach(function (k) { if (k !== except && selected[k].length) out[k] = { any: selected[k].slice() }; });
      return out;
    }
    function selectedCount() {
      return Object.keys(selected).reduce(function (n, k) { return n + selected[k].length; }, 0);
    }
    function toggle(name, value, on) {
      var values = selected[name] || (selected[name] = []);
      var at = values.indexOf(value);
      if (on && at < 0) values.push(value);
      if (!on && at >= 0) values.splice(at, 1);
    }

    function groupNames(available) {
      var names = order.filter(function (name) { return available[name]; });
      Object.keys(available).sort().forEach(function (name) { if (names.indexOf(name) < 0) names.push(name); });
      return names;
    }
    // The site's order (north to south, the vocabulary's order); values it does not know go last.
    function valueOrder(name, values) {
      var known = config.orders[name] || [];
      return values.sort(function (a, b) {
        var ia = known.indexOf(a), ib = known.indexOf(b);
        if (ia < 0 && ib < 0) return a.localeCompare(b, "ja");
        return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib);
      });
    }

    // counts: {group: {value: n}}, how many results ticking that value would give; null before any search.
    function drawFilters(available, counts) {
      var open = {};
      filterBox.querySelectorAll("details[open]").forEach(function (d) { open[d.dataset.cbFilter] = true; });
      var focused = document.activeElement && filterBox.contains(document.activeElement) ? document.activeElement.id : null;
      var groups = groupNames(available).map(function (name) {
        var values = valueOrder(name, Object.keys(available[name]));
        var items = values.map(function (value) {
          var id = "cb-f-" + name + "-" + value;
          var box = el("input", { type: "checkbox", id: id, value: value });
          box.checked = (selected[name] || []).indexOf(value) >= 0;
          box.addEventListener("change", function () { toggle(name, value, box.checked); run(); });
          var n = counts && counts[name] ? counts[name][value] || 0 : available[name][value];
          return el("li", {}, [box, el("label", { for: id, text: value + "（" + n + "）" })]);
        });
        var ticked = (selected[name] || []).length;
        var summary = el("summary", { text: name }, [ticked ? el("span", { class: "cb-filter__ticked", text: "（" + ticked + "つ選択）" }) : null]);
        var ul = el("ul", { role: "group", "aria-label": name }, items);
        var details = el("details", { class: "cb-filter", "data-cb-filter": name }, [summary, ul]);
        if (open[name] || ticked) details.setAttribute("open", "");
        return details;
      });
      filterBox.replaceChildren.apply(filterBox, groups);
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    }

    // Chips above the results: one per ticked value, each a button that unticks it.
    function drawChips() {
      var items = [];
      order.concat(Object.keys(selected).filter(function (k) { return order.indexOf(k) < 0; })).forEach(function (name) {
        (selected[name] || []).forEach(function (value) {
          var b = el("button", { type: "button", class: "cb-chip-remove", "aria-label": name + "「" + value + "」の絞り込みを外す" }, [
            el("span", { text: value }), el("span", { class: "cb-chip-remove__x", "aria-hidden": "true", text: "×" }),
          ]);
          b.addEventListener("click", function () { toggle(name, value, false); run(); openButton.focus(); });
          items.push(el("li", {}, [b]));
        });
      });
      if (items.length > 1) {
        var all = el("button", { type: "button", class: "cb-chip-remove cb-chip-remove--all", text: "すべて外す" });
        all.addEventListener("click", function () { Object.keys(selected).forEach(function (k) { selected[k] = []; }); run(); openButton.focus(); });
        items.push(el("li", {}, [all]));
      }
      chips.replaceChildren.apply(chips, items);
      var n = selectedCount();
      openButton.textContent = n ? "絞り込み（" + n + "つ選択中）" : "絞り込み";
    }

    // Everyday words and place words in the query: offer the filter they stand for
    // (「"給油所" → 主な活動: 燃料供給 で絞り込む」); taking it moves the word from the query to the filter.
    function drawSuggestions(q) {
      var offers = [];
      var rest = q;
      config.words.slice().sort(function (a, b) { return b[0].length - a[0].length; }).forEach(function (w) {
        if (offers.length >= 3 || rest.indexOf(w[0]) < 0) return;
        if ((selected[w[1]] || []).indexOf(w[2]) >= 0) return;
        rest = rest.split(w[0]).join(" ");
        offers.push(w);
      });
      if (!offers.length) { suggest.hidden = true; suggest.replaceChildren(); return; }
      suggest.replaceChildren.apply(suggest, offers.map(function (w) {
        var b = el("button", { type: "button", class: "md-button cb-suggest" }, [
          el("span", { text: "「" + w[0] + "」→ " + w[1] + ": " }), el("strong", { text: w[2] }), el("span", { text: " で絞り込む" }),
        ]);
        b.addEventListener("click", function () {
          toggle(w[1], w[2], true);
          input.value = input.value.split(w[0]).join(" ").replace(/\s+/g, " ").trim();
          run();
        });
        return b;
      }));
      suggest.hidden = false;
    }

    function setShowButton(n, asked) {
      showButton.textContent = asked ? n + "件を表示" : "閉じる";
    }

    // The drawer (narrow screens): opened by 絞り込み, closed by 閉じる, Escape or 「N件を表示」.
    function setOpen(on, focusResults) {
      root.classList.toggle("cb-search-page--filters-open", on);
      document.documentElement.classList.toggle("cb-drawer-open", on && matchMedia(NARROW).matches);
      openButton.setAttribute("aria-expanded", on ? "true" : "false");
      if (on) {
        var first = panel.querySelector("summary, input");
        (panel.querySelector("[data-cb-filter-close]") || first).focus();
      } else if (focusResults) {
        // To the chips (what is chosen) with the count and the first result below them.
        resultsTop.focus({ preventScroll: true });
        tools.scrollIntoView({ block: "start" });
      }
    }
    openButton.addEventListener("click", function () { setOpen(!root.classList.contains("cb-search-page--filters-open")); });
    root.querySelector("[data-cb-filter-close]").addEventListener("click", function () { setOpen(false); openButton.focus(); });
    showButton.addEventListener("click", function () { setOpen(false, true); });
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && root.classList.contains("cb-search-page--filters-open")) { setOpen(false); openButton.focus(); }
    });

    function run() {
      var mine = ++seq;
      var q = input.value.trim();
      var filters = currentFilters(null);
      var sortBy = sort.value ? { founded: sort.value } : null;
      writeHash({ q: q, sort: sort.value, selected: selected }, order);
      drawChips();
      drawSuggestions(q);
      if (!q && !Object.keys(filters).length && !sortBy) {
        list.replaceChildren();
        showMore(list, null, 0);
        status.textContent = "言葉を入れるか、絞り込みの項目から選んでください。";
        setShowButton(0, false);
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
        setShowButton(r.found.results.length, true);
        return renderResults(list, status, r.found.results, 30, "条件に合うページは見つかりませんでした。", unsortedNote(r.found), function () { return mine === seq; }, { grouped: !sortBy });
      }).catch(function (err) { failed(status, err, mine === seq); });
    }

    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    sort.addEventListener("change", run);
    // Another address of this very page (the header dialog's link, a pasted link): follow it.
    window.addEventListener("hashchange", function () {
      if (!document.body.contains(root)) return;
      var next = readHash(order);
      input.value = next.q;
      sort.value = next.sort;
      Object.keys(selected).forEach(function (k) { delete selected[k]; });
      Object.keys(next.selected).forEach(function (k) { selected[k] = next.selected[k]; });
      run();
    });
    run();
  }

  // --- situation finder --------------------------------------------------------
  // Each ticked box is a condition; a case is listed when it meets at least one, ranked by how
  // many it meets (「3つのうち2つ一致」), with what matched and what did not.
  function mountSituation() {
    var root = document.getElementById("cb-situation");
    if (!root || root.dataset.cbMounted) return;
    root.dataset.cbMounted = "1";
    var list = root.querySelector("[data-cb-search-results]");
    var status = root.querySelector("[data-cb-search-status]");
    var showButton = root.querySelector("[data-cb-filter-show]");
    var resultsTop = root.querySelector(".cb-situation__results");
    var seq = 0;
    root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); });
    showButton.addEventListener("click", function () {
      resultsTop.focus({ preventScroll: true });
      resultsTop.scrollIntoView({ block: "start" });
    });

    function chosen() {
      return Array.prototype.map.call(root.querySelectorAll("input[type=checkbox]:checked"), function (box) {
        return { group: box.name, value: box.value };
      });
    }

    function run() {
      var mine = ++seq;
      var conditions = chosen();
      if (!conditions.length) {
        list.replaceChildren();
        showMore(list, null, 0);
        status.textContent = "あてはまる項目を選ぶと、合う事例が表示されます。";
        showButton.textContent = "結果を表示";
        return;
      }
      status.textContent = "探しています…";
      pagefind().then(function (pf) {
        return Promise.all(conditions.map(function (c) {
          var f = {};
          f[c.group] = c.value;
          return sortedSearch(pf, null, f, { founded: "desc" });
        }));
      }).then(function (found) {
        if (mine !== seq) return;
        var byId = {};
        var ranked = [];
        found.forEach(function (f, ci) {
          f.results.forEach(function (r, ri) {
            var entry = byId[r.id];
            if (!entry) { entry = byId[r.id] = { result: r, met: [], first: ci * 1e6 + ri }; ranked.push(entry); }
            entry.met.push(ci);
          });
        });
        ranked.sort(function (a, b) { return b.met.length - a.met.length || a.first - b.first; });
        var all = ranked.filter(function (e) { return e.met.length === conditions.length; }).length;
        var metById = {};
        ranked.forEach(function (e) { metById[e.result.id] = e.met; });
        var results = ranked.map(function (e) { return e.result; });
        var note = conditions.length > 1 ? "。選んだ " + conditions.length + " つの条件すべてにあてはまる事例は " + all + " 件です。あてはまる数の多い順に並べています。" : "";
        showButton.textContent = results.length + "件を表示";
        return renderResults(list, status, results, 50, "選んだ条件にあてはまる事例は、まだありません。ほかの条件も選んでみてください。", note, function () { return mine === seq; }, {
          extra: function (data, result) {
            var met = metById[result.id] || [];
            var yes = [], no = [];
            conditions.forEach(function (c, i) { (met.indexOf(i) >= 0 ? yes : no).push(c.value); });
            return el("p", { class: "cb-result__match" }, [
              el("strong", { text: conditions.length + "つのうち" + yes.length + "つ一致" }),
              el("span", { text: "あてはまる: " + yes.join("、") }),
              no.length ? el("span", { text: "あてはまらない: " + no.join("、") }) : null,
            ]);
          },
        });
      }).catch(function (err) { failed(status, err, mine === seq); });
    }

    // Beside each box: how many cases have it (the same whatever else is ticked).
    pagefind().then(function (pf) { return pf.filters(); }).then(function (counts) {
      root.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        var label = root.querySelector('label[for="' + box.id + '"] .cb-count');
        if (label) label.textContent = "（" + ((counts[box.name] || {})[box.value] || 0) + "）";
      });
    }).catch(function (err) { failed(status, err, false); });
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
