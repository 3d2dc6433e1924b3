// Template and checkpoint forms (quality/template_form.html, checkpoint_form.html).
// Items: add from the <template>, remove (an item already saved is marked DELETE and
// hidden), move up/down; the rows are renumbered so their order is the order saved. Each
// row shows the fields its kind uses; on submit the fields of other kinds are cleared, so
// a changed kind does not post numbers it must not have. Checkpoints: the trigger shows its
// conditions, and the others are cleared on submit. The server checks everything again.
(function () {
  "use strict";

  function renumber(list, total) {
    var rows = list.querySelectorAll(".js-item-row");
    rows.forEach(function (row, index) {
      row.querySelectorAll("[name],[id],[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/items-(\d+|__prefix__)-/, "items-" + index + "-")); }
        });
      });
    });
    total.value = rows.length;
  }

  function showKind(row) {
    var kind = row.querySelector(".js-item-kind").value;
    row.querySelector(".js-kind-measurement").hidden = kind !== "measurement";
    row.querySelector(".js-kind-photo").hidden = kind !== "photo";
  }

  function clearHidden(form) {
    form.querySelectorAll("[hidden] input, [hidden] select").forEach(function (el) {
      if (el.type === "checkbox") { el.checked = false; } else { el.value = el.name.endsWith("min_photos") ? "0" : ""; }
    });
  }

  function items(list) {
    var form = list.closest("form");
    var total = form.querySelector("[name=items-TOTAL_FORMS]");
    var blank = form.querySelector(".js-item-template");
    list.querySelectorAll(".js-item-row").forEach(showKind);
    form.querySelector(".js-item-add").addEventListener("click", function () {
      list.appendChild(blank.content.cloneNode(true));
      var row = list.lastElementChild;
      showKind(row);
      renumber(list, total);
      row.querySelector("input[type=text]").focus();
    });
    list.addEventListener("change", function (event) {
      if (event.target.classList.contains("js-item-kind")) { showKind(event.target.closest(".js-item-row")); }
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var row = button.closest(".js-item-row");
      if (button.classList.contains("js-item-remove")) {
        var id = row.querySelector("input[name$='-id']");
        if (id && id.value) {
          row.querySelector("input[name$='-DELETE']").checked = true;
          row.hidden = true;
          list.appendChild(row);
        } else {
          row.remove();
        }
      } else if (button.classList.contains("js-item-up") && row.previousElementSibling) {
        list.insertBefore(row, row.previousElementSibling);
      } else if (button.classList.contains("js-item-down") && row.nextElementSibling) {
        list.insertBefore(row.nextElementSibling, row);
      }
      renumber(list, total);
    });
    form.addEventListener("submit", function () {
      list.querySelectorAll(".js-item-row:not([hidden])").forEach(clearHidden);
    });
  }

  function checkpoint(form) {
    var trigger = form.querySelector(".js-trigger");
    function show() {
      ["task_done", "milestone", "order_inspection"].forEach(function (name) {
        form.querySelector(".js-when-" + name).hidden = trigger.value !== name;
      });
    }
    trigger.addEventListener("change", show);
    show();
    form.addEventListener("submit", function () { clearHidden(form); });
  }

  document.querySelectorAll(".js-items").forEach(items);
  document.querySelectorAll(".js-checkpoint-form").forEach(checkpoint);
})();
