// Live filtering of the paper list: on any change, fetch the same URL with the
// X-Atlas-Partial header and swap the results region; the address bar keeps
// the permalink of the exact query. Each choice (a box, a link, a submit) is a
// step of the browser's history, so Back undoes it; typing only replaces the
// step it is in. Without this script the form submits normally.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-filter]");
  if (!form || !window.fetch) return;
  var region = document.querySelector(form.getAttribute("data-results"));
  var timer = null;
  var pending = null;
  var shown = window.location.pathname + window.location.search;  // the list's query
  document.documentElement.classList.add("js");

  function queryOf(formElement) {
    var params = new URLSearchParams();
    new FormData(formElement).forEach(function (value, name) {
      if (String(value).trim() !== "") params.append(name, value);
    });
    return params.toString();
  }

  function focusKey() {
    var active = document.activeElement;
    if (!active || !region.contains(active) || !active.id) return null;
    return {
      id: active.id,
      value: active.value,
      start: active.selectionStart,
      end: active.selectionEnd
    };
  }

  function restoreFocus(key, keepTyped) {
    if (!key) return;
    var element = document.getElementById(key.id);
    if (!element) return;
    // Keep what was typed while the request was under way (the debounce
    // timer still pending will ask again with it); not when going back.
    if (keepTyped && typeof key.value === "string" && element.value !== key.value) {
      element.value = key.value;
    }
    element.focus();
    if (key.start != null && element.setSelectionRange) {
      try { element.setSelectionRange(key.start, key.end); } catch (e) { /* not a text field */ }
    }
  }

  function openState() {
    var open = {};
    region.querySelectorAll("details.facet").forEach(function (d, i) { open[i] = d.open; });
    return open;
  }

  function restoreOpen(open) {
    region.querySelectorAll("details.facet").forEach(function (d, i) {
      if (i in open) d.open = open[i];
    });
  }

  // record: "push" a new history step, "replace" the current one, or "none"
  // (going back or forward: the step is already there).
  function refresh(url, record) {
    if (pending) pending.abort();
    pending = new AbortController();
    region.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Atlas-Partial": "1" }, signal: pending.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var key = focusKey();
        var open = openState();
        region.innerHTML = html;
        restoreOpen(open);
        restoreFocus(key, record !== "none");
        shown = url;
        var here = window.location.pathname + window.location.search;
        if (record === "push" && url !== here) history.pushState(null, "", url);
        else if (record !== "none") history.replaceState(null, "", url);
        region.removeAttribute("aria-busy");
        region.dispatchEvent(new CustomEvent("atlas:results", { bubbles: true }));
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        region.removeAttribute("aria-busy");
        window.location.assign(url);
      });
  }

  function update(record) {
    var query = queryOf(form);
    refresh(form.getAttribute("action") + (query ? "?" + query : ""), record);
  }

  // Typing makes one history step: its first update pushes, the rest replace.
  var typing = false;

  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-debounce")) return;
    typing = false;
    update("push");
  });
  form.addEventListener("input", function (event) {
    if (!event.target.hasAttribute("data-debounce")) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      update(typing ? "replace" : "push");
      typing = true;
    }, 350);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    typing = false;
    update("push");
  });
  window.addEventListener("popstate", function () {
    var url = window.location.pathname + window.location.search;
    // Following an in-page link (the skip link's #main) changes only the hash:
    // the list shown is still the one asked for.
    if (url === shown) return;
    clearTimeout(timer);
    typing = false;
    refresh(url, "none");
  });
  // Links inside the region (pages, removing a filter) load in place too.
  region.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    if (url.pathname !== new URL(form.action, window.location.href).pathname) return;
    if (link.hasAttribute("data-permalink")) return;
    event.preventDefault();
    typing = false;
    refresh(url.pathname + url.search, "push");
  });
})();
