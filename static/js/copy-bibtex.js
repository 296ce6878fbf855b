// "Copy BibTeX": the text of the target <pre> goes to the clipboard through
// navigator.clipboard, or, where that is missing or refused, through a
// temporary textarea and document.execCommand("copy").
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return "clipboard"; },
        function () { return fallbackCopy(text) ? "fallback" : "failed"; }
      );
    }
    return Promise.resolve(fallbackCopy(text) ? "fallback" : "failed");
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var source = document.querySelector(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!source) return;
    button.addEventListener("click", function () {
      copyText(source.textContent).then(function (how) {
        button.setAttribute("data-copied", how);
        if (how === "failed") {
          var range = document.createRange();
          range.selectNodeContents(source);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          if (status) status.textContent = "Selected: press Ctrl+C to copy.";
        } else if (status) {
          status.textContent = button.getAttribute("data-copied-label") || "Copied";
        }
      });
    });
  });
})();
