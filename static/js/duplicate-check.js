// The add/edit paper form: while the title, DOI or arXiv id is typed, ask the
// server which papers may be the same work and list them above the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-duplicate-check]");
  if (!form || !window.fetch) return;
  var endpoint = form.getAttribute("data-duplicate-check");
  var exclude = form.getAttribute("data-exclude");
  var box = document.getElementById("duplicate-warning");
  var list = box.querySelector("ul");
  var fields = ["title", "doi", "arxiv_id"].map(function (name) {
    return form.elements.namedItem(name);
  }).filter(Boolean);
  var timer = null;
  var pending = null;

  function show(duplicates) {
    list.textContent = "";
    duplicates.forEach(function (item) {
      if (item.key === exclude) return;
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title + (item.year ? " (" + item.year + ")" : "");
      li.appendChild(link);
      li.appendChild(document.createTextNode(" — " + item.reason));
      list.appendChild(li);
    });
    box.hidden = list.children.length === 0;
  }

  function check() {
    var params = new URLSearchParams();
    fields.forEach(function (field) {
      if (field.value.trim()) params.set(field.name, field.value.trim());
    });
    if (![...params.keys()].length) { show([]); return; }
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(endpoint + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: pending.signal
    })
      .then(function (response) { return response.ok ? response.json() : { duplicates: [] }; })
      .then(function (data) { show(data.duplicates || []); })
      .catch(function (error) { if (error.name !== "AbortError") show([]); });
  }

  fields.forEach(function (field) {
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    });
  });
  if (fields.some(function (field) { return field.value.trim(); })) check();
})();
