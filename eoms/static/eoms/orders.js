/*
 * Order form glue (loaded only by orders/form.html; no inline scripts).
 *
 * - "添加一行" copies the empty line row from <template id="order-line-template"> and
 *   raises the formset's TOTAL_FORMS. Without JavaScript the form has empty rows already.
 * - Picking a material shows its unit as the placeholder of the unit field (an empty unit
 *   is saved as the material's unit).
 * - Choosing a customer hides the projects of other customers; choosing a project hides
 *   the sites of other projects (options carry data-parent).
 */
(function () {
  "use strict";

  var PREFIX = "lines";

  function materialUnit(code) {
    var list = document.getElementById("order-materials");
    if (!list || !code) {
      return "";
    }
    var wanted = code.trim().split(/\s+/)[0].toUpperCase();
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value.toUpperCase() === wanted) {
        return list.options[i].getAttribute("data-unit") || "";
      }
    }
    return "";
  }

  function showUnit(input) {
    var row = input.closest("[data-order-line]");
    var unit = row && row.querySelector("[data-order-unit]");
    if (unit) {
      unit.placeholder = materialUnit(input.value);
    }
  }

  function addLine(container) {
    var template = document.getElementById("order-line-template");
    var total = document.getElementById("id_" + PREFIX + "-TOTAL_FORMS");
    if (!template || !total) {
      return;
    }
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    container.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input");
    if (first) {
      first.focus();
    }
  }

  function filterOptions(parentSelect, childSelect) {
    if (!parentSelect || !childSelect) {
      return;
    }
    var wanted = parentSelect.value;
    Array.prototype.forEach.call(childSelect.options, function (option) {
      var owner = option.getAttribute("data-parent");
      var hide = Boolean(wanted && owner && owner !== wanted);
      option.hidden = hide;
      option.disabled = hide;
      if (hide && option.selected) {
        childSelect.value = "";
      }
    });
  }

  function wireCascade(parentId, childId) {
    var parent = document.getElementById(parentId);
    var child = document.getElementById(childId);
    if (!parent || !child) {
      return;
    }
    filterOptions(parent, child);
    parent.addEventListener("change", function () {
      filterOptions(parent, child);
      child.dispatchEvent(new Event("change"));
    });
  }

  function init() {
    var container = document.querySelector("[data-order-lines]");
    var button = document.querySelector("[data-order-add-line]");
    if (container && button) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        addLine(container);
      });
    }
    document.addEventListener("change", function (evt) {
      if (evt.target.matches && evt.target.matches("[data-order-material]")) {
        showUnit(evt.target);
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-order-material]"), showUnit);
    wireCascade("id_customer", "id_project");
    wireCascade("id_project", "id_site");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
