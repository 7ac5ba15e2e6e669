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
  var pagefindPromise = null;

  function pagefind() {
    if (!pagefindPromise) {
      pagefindPromise = import(new URL("pagefind/pagefind.js", SITE).href).then(function (pf) {
        return pf.options({ baseUrl: SITE.pathname }).then(function () {
          pf.init();
          return pf;
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

  function renderResults(list, status, search, limit, emptyText) {
    var results = search.results.slice(0, limit);
    return Promise.all(results.map(function (r) { return r.data(); })).then(function (datas) {
      list.replaceChildren.apply(list, datas.map(resultItem));
      status.textContent = search.results.length
        ? search.results.length + " 件見つかりました" + (search.results.length > limit ? "（上位 " + limit + " 件を表示）" : "")
        : emptyText;
      return datas;
    });
  }

  // --- header dialog -------------------------------------------------------
  function mountDialog() {
    var dialog = document.getElementById("cb-search-dialog");
    var open = document.querySelector(".cb-search-open");
    if (!dialog || !open || dialog.dataset.cbMounted) return;
    dialog.dataset.cbMounted = "1";
    var input = dialog.querySelector("[data-cb-search-input]");
    var list = dialog.querySelector("[data-cb-search-results]");
    var status = dialog.querySelector("[data-cb-search-status]");
    var more = dialog.querySelector("[data-cb-search-more]");
    var baseMore = more.getAttribute("href");
    open.addEventListener("click", function () {
      dialog.showModal();
      input.focus();
      pagefind();
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
      if (event.target.closest && event.target.closest("a.cb-result__title")) dialog.close();
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
        return renderResults(list, status, search, 8, "「" + q + "」に合うページは見つかりませんでした。");
      }).catch(function () { status.textContent = "検索を読み込めませんでした。"; });
    });
  }

  // --- search page -----------------------------------------------------------
  var FILTER_ORDER = ["段階", "地方", "都道府県", "種類", "法人格", "地域課題", "主な活動", "収入源", "形成の要因", "持続の要因"];

  function mountSearchPage() {
    var root = document.getElementById("cb-search-page");
    if (!root || root.dataset.cbMounted) return;
    root.dataset.cbMounted = "1";
    var input = root.querySelector("[data-cb-search-input]");
    var sort = root.querySelector("[data-cb-sort]");
    var filterBox = root.querySelector("[data-cb-filters]");
    var list = root.querySelector("[data-cb-search-results]");
    var status = root.querySelector("[data-cb-search-status]");
    var selected = {};
    var seq = 0;
    var hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("q")) input.value = hash.get("q");

    function currentFilters() {
      var out = {};
      Object.keys(selected).forEach(function (k) { if (selected[k].length) out[k] = selected[k].slice(); });
      return out;
    }

    function drawFilters(available, counts) {
      var groups = FILTER_ORDER.filter(function (name) { return available[name]; }).map(function (name) {
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
        var open = (selected[name] || []).length > 0;
        var details = el("details", { class: "cb-filter" }, [el("summary", { text: name }), el("ul", {}, items)]);
        if (open) details.setAttribute("open", "");
        return details;
      });
      filterBox.replaceChildren.apply(filterBox, groups);
    }

    function run() {
      var mine = ++seq;
      var q = input.value.trim();
      var filters = currentFilters();
      var opts = { filters: filters };
      if (sort.value) opts.sort = { founded: sort.value };
      history.replaceState(null, "", q ? "#q=" + encodeURIComponent(q) : location.pathname);
      if (!q && !Object.keys(filters).length && !sort.value) {
        list.replaceChildren();
        status.textContent = "言葉を入れるか、左の項目から選んでください。";
        pagefind().then(function (pf) { return pf.filters(); }).then(function (f) { if (mine === seq) drawFilters(f, null); });
        return;
      }
      status.textContent = "検索しています…";
      pagefind().then(function (pf) {
        return Promise.all([pf.search(q || null, opts), pf.filters()]);
      }).then(function (both) {
        if (mine !== seq) return;
        drawFilters(both[1], both[0].filters);
        return renderResults(list, status, both[0], 30, "条件に合うページは見つかりませんでした。");
      }).catch(function () { status.textContent = "検索を読み込めませんでした。"; });
    }

    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    sort.addEventListener("change", run);
    root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
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
      pagefind().then(function (pf) { return pf.search(null, { filters: chosen, sort: { founded: "desc" } }); }).then(function (search) {
        if (mine !== seq) return;
        updateCounts(search.filters);
        return renderResults(list, status, search, 50, "選んだ条件がすべてあてはまる事例は、まだありません。条件を減らしてみてください。");
      }).catch(function () { status.textContent = "検索を読み込めませんでした。"; });
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
