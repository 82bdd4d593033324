// Vì Dân: keeps the reader's place when the language changes. The language form reloads the
// same page in the other language. To reach it, the reader scrolls back up to the header; what
// they were reading is where that scroll up began. That part is found again on the new page by
// its place among the page's elements (the same in both languages) and brought back to the top
// of the screen. Without this file the form still works and the page opens at its top.
(function () {
  "use strict";
  var KEY = "vidan-place";

  function pathTo(el, root) {
    var steps = [];
    while (el && el !== root) {
      var parent = el.parentElement;
      if (!parent) return null;
      steps.unshift(Array.prototype.indexOf.call(parent.children, el));
      el = parent;
    }
    return el === root ? steps : null;
  }

  function follow(root, steps) {
    var el = root;
    for (var i = 0; i < steps.length && el; i++) el = el.children[steps[i]];
    return el || null;
  }

  // The innermost element of the page's content at the top of the screen, and how far into it.
  function here() {
    var main = document.getElementById("main");
    if (!main) return null;
    var box = main.getBoundingClientRect();
    var el = document.elementFromPoint(box.left + box.width / 2, Math.max(8, box.top + 8));
    if (!el || !main.contains(el)) el = main;
    var at = el.getBoundingClientRect();
    return {
      y: window.scrollY,
      steps: pathTo(el, main),
      within: at.height > 0 ? -at.top / at.height : 0
    };
  }

  var lastY = window.scrollY;
  var reading = null;
  var upFrom = null;
  window.addEventListener("scroll", function () {
    var y = window.scrollY;
    if (y > lastY) {
      upFrom = null;
      reading = here();
    } else if (y < lastY && upFrom === null) {
      upFrom = reading;
    }
    lastY = y;
  }, { passive: true });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("lang-switch")) return;
    // A scroll up whose event has not come yet (the page was moved to the button at once)
    // began at the last place seen too.
    var place = upFrom || (window.scrollY < lastY ? reading : null) || here();
    if (!place || place.y < 40) return;
    place.page = location.pathname + location.search;
    try { sessionStorage.setItem(KEY, JSON.stringify(place)); } catch (e) { /* storage off */ }
  }, true);

  function restore() {
    var text = null;
    try { text = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { return; }
    if (!text) return;
    var place;
    try { place = JSON.parse(text); } catch (e) { return; }
    if (!place || place.page !== location.pathname + location.search || location.hash) return;
    var main = document.getElementById("main");
    var el = main && place.steps ? follow(main, place.steps) : null;
    var y = place.y;
    if (el) {
      var at = el.getBoundingClientRect();
      y = window.scrollY + at.top + place.within * at.height;
    }
    window.scrollTo(0, Math.max(0, y));
    lastY = window.scrollY;
    reading = here();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restore);
  } else {
    restore();
  }
})();
