// The search page: Pagefind's UI, started from the query string.
// /search/?q=Haiti&crisis=Haiti+security+crisis searches "Haiti" within that
// crisis; country, leader, crisis and tag filters are recognised.
(() => {
  const root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") return;
  const ui = new PagefindUI({
    element: "#search",
    bundlePath: root.dataset.bundle,
    showSubResults: true,
    resetStyles: false,
  });
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const key of ["country", "leader", "crisis", "tag"]) {
    const values = params.getAll(key);
    if (values.length) filters[key] = values;
  }
  if (Object.keys(filters).length) ui.triggerFilters(filters);
  const q = params.get("q");
  if (q) ui.triggerSearch(q);
})();
