// Answers the web editor's requests to other hosts from files published in /admin/ (see boot.js).
// SVELTIA_VERSION is filled in when the site is built (generator/pages/admin.py).
const VERSION = "SVELTIA_VERSION";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

const json = (data) => new Response(JSON.stringify(data), { headers: { "Content-Type": "application/json" } });

function answer(url) {
  if (url.hostname === "unpkg.com" && url.pathname.startsWith("/@sveltia/cms")) {
    // Every translation asked for is the Japanese one: the site and its editors are Japanese.
    if (/\/locales\/[A-Za-z-]+\.json$/.test(url.pathname)) return fetch("locales/ja.json");
    if (url.pathname.endsWith("/package.json")) return json({ name: "@sveltia/cms", version: VERSION });
  }
  if (url.hostname === "cdn.jsdelivr.net" && url.pathname.startsWith("/fontsource/fonts/")) {
    const family = url.pathname.split("/")[3].split(/[:@]/)[0];
    return fetch(`fonts/${family}.woff2`);
  }
  if (url.hostname === "www.githubstatus.com") {
    return json({ status: { indicator: "none", description: "確かめていません（編集画面はほかのサイトに問い合わせません）" } });
  }
  return null;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin === self.location.origin) return;
  const response = answer(url);
  if (response) event.respondWith(response);
});
