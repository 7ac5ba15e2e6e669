// The web editor's loader (issue 25). Sveltia CMS asks other hosts for its translation (unpkg.com), its fonts
// (cdn.jsdelivr.net), a newer version (unpkg.com) and GitHub's status (githubstatus.com). The service worker
// sw.js answers those requests from files published with this page, so the editor loads nothing from another
// host; it is installed before the editor's script runs.
(async () => {
  if ("serviceWorker" in navigator) {
    try {
      const sw = navigator.serviceWorker;
      await sw.register("sw.js", { scope: "./" });
      if (!sw.controller) {
        await new Promise((resolve) => sw.addEventListener("controllerchange", resolve, { once: true }));
      }
    } catch (error) {
      console.warn("編集画面の補助（service worker）を使えませんでした。", error);
    }
  }
  const script = document.createElement("script");
  script.src = "sveltia-cms.js";
  document.body.append(script);
})();
