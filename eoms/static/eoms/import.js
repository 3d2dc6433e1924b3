/*
 * Import pages: when the background job card inside [data-eoms-reload-when-done] finishes
 * (includes/job_progress.html stops polling), reload the page so it shows the check's or
 * the import's result. Without JavaScript the job card's "查看结果" link does the same.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (evt) {
    var target = evt.detail && evt.detail.target;
    if (!target || !target.id || target.id.indexOf("job-") !== 0) {
      return;
    }
    var card = document.getElementById(target.id);
    if (!card || !card.closest("[data-eoms-reload-when-done]")) {
      return;
    }
    if (!card.hasAttribute("data-eoms-poll")) {
      window.location.reload();
    }
  });
})();
