/* polisi: review state is worked out again when a page is opened, against the reader's own
   date, everywhere it is shown (badges, banners, the review schedule's groups, the home page's
   counts), so a site built months ago never shows a document past its review date as current; the
   "What's new" page's window ends on the reader's date the same way.
   Also: a plain notice when the site is opened from a file (search needs a server), and none of
   the theme's one-key page jumps, which fire while staff type with no search box to type in.
   Labels come from the page (polisi writes them in the site's language). Local only: no network
   requests, no dependencies. */
(function () {
  "use strict";

  var DAY = 24 * 60 * 60 * 1000;
  var JUMP_KEYS = { n: 1, p: 1, ",": 1, ".": 1 };
  var SEARCH_KEYS = { "/": 1, s: 1, f: 1 };
  var GROUPS = ["overdue", "due", "in_date"];

  function labels() {
    var block = document.getElementById("polisi-labels");
    try {
      return block ? JSON.parse(block.textContent) : {};
    } catch (e) {
      return {};
    }
  }

  function isoDay(date) {
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  /* The same rule as polisi's review_status: overdue once the day has passed, due soon within
     the warning days (the due day included), in date otherwise. */
  function stateOn(due, warningDays, today) {
    var daysLeft = Math.round((Date.parse(due) - Date.parse(today)) / DAY);
    if (daysLeft < 0) { return "overdue"; }
    if (daysLeft <= warningDays) { return "due"; }
    return "in_date";
  }

  function updateBadges(text, today) {
    document.querySelectorAll("[data-review-due]").forEach(function (badge) {
      var days = parseInt(badge.getAttribute("data-warning-days"), 10) || 0;
      var state = stateOn(badge.getAttribute("data-review-due"), days, today);
      badge.className = "polisi-state polisi-state--" + state;
      if (text[state]) { badge.textContent = text[state]; }
    });
    document.querySelectorAll(".polisi-overdue[data-next-review]").forEach(function (banner) {
      banner.hidden = !(banner.getAttribute("data-next-review") < today);
    });
  }

  function regroupSchedule(today) {
    var groups = {};
    GROUPS.forEach(function (key) {
      groups[key] = document.querySelector("[data-review-group='" + key + "']");
    });
    if (!groups.overdue) { return; }
    var rows = [];
    GROUPS.forEach(function (key) {
      groups[key].querySelectorAll("tr[data-review-row]").forEach(function (row) { rows.push(row); });
    });
    rows.sort(function (a, b) {
      return a.getAttribute("data-review-row") < b.getAttribute("data-review-row") ? -1 : 1;
    });
    rows.forEach(function (row) {
      var badge = row.querySelector("[data-review-due]");
      var days = badge ? parseInt(badge.getAttribute("data-warning-days"), 10) || 0 : 0;
      var state = stateOn(row.getAttribute("data-review-row"), days, today);
      groups[state].querySelector("tbody").appendChild(row);
    });
    GROUPS.forEach(function (key) {
      var empty = groups[key].querySelectorAll("tr[data-review-row]").length === 0;
      groups[key].querySelector("table").hidden = empty;
      groups[key].querySelector(".polisi-empty").hidden = !empty;
    });
  }

  function recount(today) {
    var list = document.querySelector("[data-review-dates]");
    if (!list) { return; }
    var days = parseInt(list.getAttribute("data-warning-days"), 10) || 0;
    var counts = { overdue: 0, due: 0, in_date: 0 };
    list.getAttribute("data-review-dates").split(" ").forEach(function (due) {
      if (due) { counts[stateOn(due, days, today)] += 1; }
    });
    GROUPS.forEach(function (key) {
      var count = list.querySelector("[data-review-count='" + key + "'] strong");
      if (count) { count.textContent = String(counts[key]); }
    });
  }

  /* "As on <date>" sentences: the build date becomes the reader's, written as polisi writes dates
     ("5 March 2026", "5 Mawrth 2026") with the page's month names. */
  function showToday(today, text) {
    var months = text.months || [];
    var parts = today.split("-");
    document.querySelectorAll("time.polisi-today").forEach(function (when) {
      when.setAttribute("datetime", today);
      if (months.length === 12) {
        when.textContent = parseInt(parts[2], 10) + " " + months[parseInt(parts[1], 10) - 1] + " " + parts[0];
      }
    });
  }

  /* The "What's new" page lists the decisions of the window up to the build date; on the reader's
     date the window ends today, so older rows (and any dated after today) are hidden. */
  function narrowWhatsNew(today) {
    var group = document.querySelector("[data-whats-new-days]");
    if (!group) { return; }
    var days = parseInt(group.getAttribute("data-whats-new-days"), 10) || 0;
    var since = new Date(Date.parse(today) - days * DAY).toISOString().slice(0, 10);
    var shown = 0;
    group.querySelectorAll("tr[data-decided]").forEach(function (row) {
      var day = row.getAttribute("data-decided");
      row.hidden = day < since || day > today;
      if (!row.hidden) { shown += 1; }
    });
    group.querySelector("table").hidden = shown === 0;
    group.querySelector(".polisi-empty").hidden = shown !== 0;
  }

  function fromFile() {
    return window.location.protocol === "file:";
  }

  function offlineNotice(text) {
    if (!fromFile() || !text.offline_search) { return; }
    document.querySelectorAll(".polisi-search-tip").forEach(function (tip) { tip.hidden = true; });
    var article = document.querySelector(".md-content__inner");
    if (!article || article.querySelector(".polisi-offline")) { return; }
    var notice = document.createElement("p");
    notice.className = "polisi-offline";
    notice.setAttribute("role", "note");
    notice.textContent = text.offline_search;
    article.insertBefore(notice, article.firstChild);
  }

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  /* Runs before the theme's own key handler (capture phase on window), and stops the keys that
     jump between pages, and from a file the keys for a search box that is not there. */
  window.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) { return; }
    var key = event.key.toLowerCase();
    if (JUMP_KEYS[key] || (fromFile() && SEARCH_KEYS[key])) {
      event.stopImmediatePropagation();
    }
  }, true);

  /* A printed page carries the whole legal basis (and the whole register), as the PDF does. */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.polisi-basis, details.polisi-uncited").forEach(function (block) {
      block.open = true;
    });
  });

  function check() {
    var text = labels();
    var today = isoDay(new Date());
    updateBadges(text, today);
    regroupSchedule(today);
    recount(today);
    showToday(today, text);
    narrowWhatsNew(today);
    offlineNotice(text);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(check);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
