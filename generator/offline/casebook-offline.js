/* Offline copy (issue 28): a page opened from disk (file://) cannot load the search, since Pagefind needs a
   web server, and links to folders show the folders' listings. There, this says so at the top of the page and
   beside each search box, with how to start the launcher (start-windows.bat / start-mac.command /
   python3 start.py), and points links to folders at their index.html. On a served site it does nothing. */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function el(tag, cls, children) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function file(name) {
    return el("strong", "cb-offline-file", [name]);
  }

  function launcher(system, name) {
    return el("li", null, [system + ": ", file(name)]);
  }

  function banner() {
    var box = el("div", "cb-offline-note", [
      el("p", "cb-offline-note__title", ["このままでは検索が使えません"]),
      el("p", null, ["このページは、パソコンの中のファイルとして直接開かれているため、検索が使えません。" +
        "検索を使うには、展開したフォルダにある次のファイルをダブルクリックしてください。"]),
      el("ul", null, [launcher("Windows", "start-windows.bat"), launcher("Mac", "start-mac.command")]),
      el("p", null, ["ブラウザでこのサイトが開き、検索も使えるようになります。"]),
    ]);
    box.setAttribute("role", "note");
    box.setAttribute("data-pagefind-ignore", "all");
    return box;
  }

  function folderLinks() {
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(href)) continue;
      var m = /^([^?#]*)([?#].*)?$/.exec(href);
      var path = m[1];
      if (path === "") continue;  // this page itself (a query or nothing)
      if (path === "." || path === "..") path += "/";
      if (path.slice(-1) === "/") links[i].setAttribute("href", path + "index.html" + (m[2] || ""));
    }
  }

  function start() {
    document.documentElement.classList.add("cb-from-file");  // hides the search's own status (it would wait)
    var article = document.querySelector("article.md-content__inner") || document.querySelector("main") || document.body;
    article.insertBefore(banner(), article.firstChild);
    var statuses = document.querySelectorAll("[data-cb-search-status]");
    for (var i = 0; i < statuses.length; i++) {
      var hint = el("p", "cb-offline-search", [
        "ファイルから直接開いたページでは検索が使えません。展開したフォルダにある ", file("start-windows.bat"),
        "（Windows）か ", file("start-mac.command"), "（Mac）をダブルクリックしてください。" +
        "ブラウザでこのサイトが開き、検索も使えます。",
      ]);
      statuses[i].parentNode.insertBefore(hint, statuses[i].nextSibling);
    }
    folderLinks();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
