/*
 * RMO Casebook: trainers' tools (issue 24), on every page, no library, nothing from another host.
 *
 * - 「講師用の内容」: shows or hides trainer-only content (class "trainer": `!!! trainer` admonitions,
 *   headings marked `{ .trainer }` with their sections). Remembered in localStorage. Print hides it always.
 * - 「大きく表示」: projector mode (side bars hidden, text about 1.5×). Remembered in localStorage.
 * - The packet builder on /packets/ ([data-cb-packets]): stage, view and cases in the URL
 *   (?stage=katachizukuru&view=instructor&cases=a,b,c), so a shared link reopens the same packet.
 *   The packet has the same structure and classes as the PDF's (pages/templates/packet.html.j2).
 *
 * Mounted through Material's document$ so it survives instant navigation.
 */
(function () {
  "use strict";

  var TRAINER_KEY = "cb-trainer-hidden";
  var PROJECTOR_KEY = "cb-projector";

  function stored(key) {
    try {
      return window.localStorage.getItem(key) === "1";
    } catch (e) {
      return false;
    }
  }

  function store(key, on) {
    try {
      window.localStorage.setItem(key, on ? "1" : "0");
    } catch (e) {
      /* private mode: the switch still works for this page */
    }
  }

  function applyModes() {
    var root = document.documentElement;
    root.classList.toggle("cb-hide-trainer", stored(TRAINER_KEY));
    root.classList.toggle("cb-projector", stored(PROJECTOR_KEY));
  }

  function switchButton(label, pressed, onToggle) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "cb-switch";
    b.textContent = label;
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.addEventListener("click", function () {
      var on = b.getAttribute("aria-pressed") !== "true";
      b.setAttribute("aria-pressed", on ? "true" : "false");
      onToggle(on);
    });
    return b;
  }

  function mountToolbar() {
    var article = document.querySelector("article.md-content__inner");
    if (!article || article.querySelector(".cb-toolbar")) return;
    var bar = document.createElement("div");
    bar.className = "cb-toolbar cb-print-hide";
    if (article.querySelector(".trainer")) {
      bar.appendChild(
        switchButton("講師用の内容を表示", !stored(TRAINER_KEY), function (on) {
          store(TRAINER_KEY, !on);
          applyModes();
        })
      );
    }
    var projector = switchButton("大きく表示", stored(PROJECTOR_KEY), function (on) {
      store(PROJECTOR_KEY, on);
      applyModes();
    });
    projector.classList.add("cb-switch--projector");
    bar.appendChild(projector);
    // A phone is not a projector: there the switch is hidden (casebook.css), and a bar with nothing else too.
    if (bar.children.length === 1) bar.classList.add("cb-toolbar--projector-only");
    var h1 = article.querySelector("h1");
    if (h1) h1.insertAdjacentElement("afterend", bar);
    else article.insertBefore(bar, article.firstChild);
  }

  // -- the packet builder ----------------------------------------------------------------

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function mountBuilder() {
    var root = document.querySelector("[data-cb-packets]");
    if (!root || root.dataset.cbMounted) return;
    root.dataset.cbMounted = "1";
    var config = JSON.parse(root.getAttribute("data-cb-packets"));
    var form = root.querySelector("form");
    var list = root.querySelector("[data-cb-case-list]");
    var filter = root.querySelector("[data-cb-filter]");
    var stageOnly = root.querySelector("[data-cb-stage-only]");
    var status = root.querySelector("[data-cb-status]");
    var chosenNote = root.querySelector("[data-cb-chosen]");
    var share = root.querySelector("[data-cb-share]");
    var out = root.querySelector("[data-cb-packet]");
    var bySlug = {};
    config.stages.forEach(function (s, i) {
      s.index = i;
      bySlug[s.slug] = s;
    });
    var index = null; // [[id, name, place, [stage indexes]]]
    var names = {};
    var pages = {}; // stage slug -> parsed Document of its training page
    var caseData = {}; // id -> packets/cases/<id>.json
    var state = readState();
    var drawn = 0;

    function readState() {
      var q = new URLSearchParams(window.location.search);
      var stage = bySlug[q.get("stage")] ? q.get("stage") : config.stages[0].slug;
      var cases = (q.get("cases") || "").split(",").filter(Boolean).slice(0, config.max);
      return { stage: stage, view: q.get("view") === "instructor" ? "instructor" : "participant", cases: cases, given: q.has("cases") };
    }

    function writeState() {
      var q = new URLSearchParams();
      q.set("stage", state.stage);
      q.set("view", state.view);
      q.set("cases", state.cases.join(","));
      var url = window.location.pathname + "?" + q.toString();
      window.history.replaceState(null, "", url);
      share.href = url;
    }

    function stageCases(slug) {
      var i = bySlug[slug].index;
      return index.filter(function (c) {
        return c[3].indexOf(i) >= 0;
      });
    }

    function drawList() {
      var words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var pool = stageOnly.checked ? stageCases(state.stage) : index;
      var shown = pool.filter(function (c) {
        var hay = (c[1] + " " + c[2] + " " + c[0]).toLowerCase();
        return words.every(function (w) {
          return hay.indexOf(w) >= 0;
        });
      });
      var chosen = state.cases.filter(function (id) {
        return names[id];
      });
      var rest = shown.filter(function (c) {
        return chosen.indexOf(c[0]) < 0;
      });
      var LIMIT = 60; // thousands of cases: the list shows the chosen ones and the first matches
      list.textContent = "";
      chosen
        .map(function (id) {
          return names[id];
        })
        .concat(rest.slice(0, LIMIT))
        .forEach(function (c) {
          var li = el("li");
          var label = el("label");
          var box = el("input");
          box.type = "checkbox";
          box.value = c[0];
          box.checked = chosen.indexOf(c[0]) >= 0;
          box.disabled = !box.checked && chosen.length >= config.max;
          label.appendChild(box);
          label.appendChild(document.createTextNode(" " + c[1] + "（" + c[2] + "）"));
          li.appendChild(label);
          list.appendChild(li);
        });
      if (rest.length > LIMIT) {
        list.appendChild(el("li", "cb-packets__more", "ほかに " + (rest.length - LIMIT) + " 件あります。名前や地名でしぼりこんでください。"));
      }
      chosenNote.textContent = "選んだ事例: " + chosen.length + " 件（" + config.max + "件まで）";
    }

    function stagePage(stage) {
      if (!pages[stage.slug]) {
        pages[stage.slug] = fetch(stage.page)
          .then(function (r) {
            if (!r.ok) throw new Error(stage.page + ": " + r.status);
            return r.text();
          })
          .then(function (html) {
            return new DOMParser().parseFromString(html, "text/html");
          });
      }
      return pages[stage.slug];
    }

    function sectionNodes(doc, h2) {
      var nodes = [];
      for (var n = h2.nextElementSibling; n && n.tagName !== "H2"; n = n.nextElementSibling) nodes.push(n);
      return nodes;
    }

    function cleaned(nodes, instructor) {
      var box = el("div");
      nodes.forEach(function (n) {
        box.appendChild(document.importNode(n, true));
      });
      var drop = ".cb-print-link, .headerlink, .cb-toolbar, script" + (instructor ? "" : ", .trainer");
      Array.prototype.forEach.call(box.querySelectorAll(drop), function (n) {
        var p = n.closest("p");
        (p && p.querySelector(".cb-print-link") ? p : n).remove();
      });
      Array.prototype.forEach.call(box.querySelectorAll("a[href]"), function (a) {
        a.href = a.href; // absolute: the links of the stage page are relative to it
      });
      return box;
    }

    function section(id, title, cls, content) {
      var s = el("section", "cb-packet__part" + (cls ? " " + cls : ""));
      s.id = id;
      s.appendChild(el("h2", null, title));
      while (content.firstChild) s.appendChild(content.firstChild);
      return s;
    }

    function comparison(stage, cases) {
      var s = el("section", "cb-packet__part cb-packet__compare");
      s.id = "compare";
      s.appendChild(el("h2", null, "事例の比較"));
      var table = el("table", "cb-compare");
      var head = el("tr");
      head.appendChild(el("th", null, "項目"));
      cases.forEach(function (c) {
        head.appendChild(el("th", null, c.name));
      });
      table.appendChild(el("thead")).appendChild(head);
      var body = table.appendChild(el("tbody"));
      Object.keys(cases[0].rows).forEach(function (label) {
        var tr = el("tr");
        tr.appendChild(el("th", null, label)).scope = "row";
        cases.forEach(function (c) {
          tr.appendChild(el("td", null, c.rows[label].join("、")));
        });
        body.appendChild(tr);
      });
      var tr = el("tr");
      tr.appendChild(el("th", null, "「" + stage.name + "」の学び")).scope = "row";
      cases.forEach(function (c) {
        tr.appendChild(el("td", null, c.lessons[stage.name] || "—"));
      });
      body.appendChild(tr);
      s.appendChild(table);
      return s;
    }

    function card(stage, c) {
      var a = el("article", "cb-card");
      a.id = "case-" + c.id;
      var h = el("h2", null, c.name);
      h.appendChild(el("small", null, "（" + c.place + "）"));
      a.appendChild(h);
      a.appendChild(el("p", null, c.summary));
      if (c.lessons[stage.name]) {
        var p = el("p", "cb-card__lesson");
        p.appendChild(el("strong", null, "「" + stage.name + "」の学び: "));
        p.appendChild(document.createTextNode(c.lessons[stage.name]));
        a.appendChild(p);
      }
      a.appendChild(el("h3", null, "出典"));
      var ol = a.appendChild(el("ol", "cb-card__sources"));
      c.sources.forEach(function (s) {
        var li = el("li", null, s.title + (s.publisher ? " — " + s.publisher : "") + (s.year ? "（" + s.year + "年）" : ""));
        if (s.url) {
          li.appendChild(el("br"));
          var link = el("a", "cb-url", s.url);
          link.href = s.url;
          link.rel = "noopener noreferrer";
          li.appendChild(link);
        }
        ol.appendChild(li);
      });
      var page = new URL(config.casePage.replace("__ID__", encodeURIComponent(c.id)), window.location.href).href;
      var more = el("p", "cb-card__page", "くわしくは: ");
      var link = el("a", "cb-url", page);
      link.href = page;
      more.appendChild(link);
      a.appendChild(more);
      return a;
    }

    function drawPacket() {
      var run = ++drawn;
      var stage = bySlug[state.stage];
      var instructor = state.view === "instructor";
      var ids = state.cases.filter(function (id) {
        return names[id];
      });
      status.textContent = "資料をつくっています…";
      Promise.all(
        [stagePage(stage)].concat(
          ids.map(function (id) {
            caseData[id] = caseData[id] || getJSON(config.cases + encodeURIComponent(id) + ".json");
            return caseData[id];
          })
        )
      )
        .then(function (got) {
          if (run !== drawn) return; // a newer choice is being drawn
          var doc = got[0];
          var cases = got.slice(1);
          var article = doc.querySelector("article") || doc.body;
          var packet = document.createDocumentFragment();
          var header = el("header", "cb-packet__cover");
          header.appendChild(el("p", "cb-packet__kicker", "地域運営組織 研修資料（" + (instructor ? "講師用" : "参加者用") + "）"));
          var h1 = article.querySelector("h1");
          header.appendChild(el("h1", null, h1 ? h1.textContent.trim() : stage.title));
          var intro = [];
          for (var n = h1 ? h1.nextElementSibling : null; n && n.tagName !== "H2"; n = n.nextElementSibling) intro.push(n);
          var introBox = cleaned(intro, instructor);
          while (introBox.firstChild) header.appendChild(introBox.firstChild);
          packet.appendChild(header);
          config.sections.forEach(function (name, i) {
            var h2 = doc.getElementById(name);
            if (!h2) return;
            var worksheet = name === config.worksheet;
            var part = section("part-" + (i + 1), name + (worksheet ? "（" + stage.name + "）" : ""), worksheet ? "cb-packet__worksheet" : "", cleaned(sectionNodes(doc, h2), instructor));
            if (worksheet) {
              var table = part.querySelector("table");
              if (table) table.classList.add("cb-worksheet");
              part.appendChild(el("p", "cb-packet__fill", "グループ名・名前："));
            }
            packet.appendChild(part);
          });
          if (cases.length) {
            packet.appendChild(comparison(stage, cases));
            var cards = el("section", "cb-packet__cards");
            cases.forEach(function (c) {
              cards.appendChild(card(stage, c));
            });
            packet.appendChild(cards);
          }
          if (instructor) {
            Array.prototype.forEach.call(article.querySelectorAll("h2.trainer"), function (h2, i) {
              var title = h2.textContent.replace(/¶$/, "").trim() + "（講師用）";
              packet.appendChild(section("trainer-" + (i + 1), title, "trainer", cleaned(sectionNodes(doc, h2), true)));
            });
          }
          var sources = doc.getElementById("出典");
          if (sources) packet.appendChild(section("sources", "研修テキストの出典", "cb-packet__sources", cleaned(sectionNodes(doc, sources), instructor)));
          out.textContent = "";
          out.appendChild(packet);
          out.classList.toggle("cb-packet--instructor", instructor);
          status.textContent = stage.title + "の研修資料（" + (instructor ? "講師用" : "参加者用") + "、事例 " + cases.length + " 件）ができました。";
          root.dataset.cbReady = state.stage + "|" + state.view + "|" + ids.join(",");
        })
        .catch(function (err) {
          status.textContent = "資料をつくれませんでした（" + err.message + "）。ページを読み込み直してください。";
        });
    }

    function update() {
      writeState();
      drawList();
      drawPacket();
    }

    function syncForm() {
      form.querySelector('input[name="stage"][value="' + state.stage + '"]').checked = true;
      form.querySelector('input[name="view"][value="' + state.view + '"]').checked = true;
    }

    form.addEventListener("change", function (e) {
      var t = e.target;
      if (t.name === "stage") {
        state.stage = t.value;
        if (!state.cases.length) state.cases = preselect();
      } else if (t.name === "view") {
        state.view = t.value;
      } else if (t.type === "checkbox" && list.contains(t)) {
        state.cases = state.cases.filter(function (id) {
          return id !== t.value;
        });
        if (t.checked && state.cases.length < config.max) state.cases.push(t.value);
      } else {
        // the "only this stage" box, or the filter's change on blur (drawing then would eat the click)
        if (t === stageOnly) drawList();
        return;
      }
      update();
    });
    filter.addEventListener("input", drawList);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
    });
    root.querySelector("[data-cb-print]").addEventListener("click", function () {
      window.print();
    });

    function preselect() {
      return stageCases(state.stage)
        .slice(0, config.preselect)
        .map(function (c) {
          return c[0];
        });
    }

    getJSON(config.index)
      .then(function (data) {
        index = data.cases;
        index.forEach(function (c) {
          names[c[0]] = c;
        });
        if (!state.given) state.cases = preselect();
        syncForm();
        update();
      })
      .catch(function (err) {
        status.textContent = "事例の一覧を読み込めませんでした（" + err.message + "）。";
      });
  }

  function mount() {
    applyModes();
    mountToolbar();
    mountBuilder();
  }

  applyModes(); // before the first paint where possible
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
