/*
 * The calendar feed page: a button with data-copy-target="ID" copies the value of the
 * input with that id and says data-copied-label for a moment. Falls back to selecting the
 * text when the Clipboard API is unavailable (plain http, older browsers).
 */
(function () {
  "use strict";

  function selectAll(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (err) {
      return false;
    }
  }

  function confirmCopied(button) {
    var label = button.querySelector("span");
    if (!label) {
      return;
    }
    var original = label.textContent;
    label.textContent = button.getAttribute("data-copied-label") || original;
    window.setTimeout(function () { label.textContent = original; }, 2000);
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest ? evt.target.closest("[data-copy-target]") : null;
    if (!button) {
      return;
    }
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) {
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () {
        confirmCopied(button);
      }, function () {
        if (selectAll(input)) { confirmCopied(button); }
      });
    } else if (selectAll(input)) {
      confirmCopied(button);
    }
  });
})();
