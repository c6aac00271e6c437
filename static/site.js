// briefing default theme: with JavaScript on, the header shows a search box
// in place of the plain link to the indexes.
(() => {
  const form = document.querySelector(".site-search");
  const fallback = document.querySelector(".site-search-fallback");
  if (form && fallback) {
    form.hidden = false;
    fallback.hidden = true;
  }
})();
