/* polisi: review dates are checked again when a page is opened, against the reader's own date,
   so a site built months ago never shows a document past its review date as current.
   Local only: no network requests, no dependencies. */
(function () {
  "use strict";

  function today() {
    var now = new Date();
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function check() {
    var now = today();
    document.querySelectorAll(".polisi-overdue[data-next-review]").forEach(function (banner) {
      if (banner.getAttribute("data-next-review") < now) {
        banner.hidden = false;
      }
    });
    document.querySelectorAll("[data-review-due]").forEach(function (state) {
      if (state.getAttribute("data-review-due") < now) {
        state.textContent = "Overdue";
        state.className = "polisi-state polisi-state--overdue";
      }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(check);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
