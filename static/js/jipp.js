// The portal's own behaviour on top of htmx. A file, never inline: the CSP forbids inline
// scripts. Listeners sit on the document because htmx's history restore replaces the body.
(function () {
  "use strict";

  function here() {
    return window.location.pathname + window.location.search;
  }

  // The language switch comes back to the page as it is now: htmx may have changed the
  // address (the catalogue's search and filters) since the switch's "next" was rendered.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("lang-switch")) {
      return;
    }
    var next = form.querySelector('input[name="next"]');
    if (next) {
      next.value = here();
    }
  });

  // Back and Forward restore htmx's snapshot of the page, taken with the fields as they
  // were first rendered: put the fields of a form that drives the address (the
  // catalogue's search box and filters) back in line with the restored address.
  function showAddressIn(form) {
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || ["hidden", "submit", "button", "file"].indexOf(field.type) !== -1) {
        return;
      }
      var values = params.getAll(field.name);
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field instanceof HTMLSelectElement && field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
      } else if (field instanceof HTMLSelectElement) {
        field.value = values.length ? values[0] : "";
        if (field.selectedIndex === -1) {
          field.selectedIndex = 0;
        }
      } else {
        field.value = values.length ? values[0] : "";
      }
    });
  }

  document.addEventListener("htmx:historyRestore", function () {
    var forms = document.querySelectorAll('form[data-hx-get][data-hx-push-url="true"]');
    Array.prototype.forEach.call(forms, function (form) {
      if (new URL(form.action, window.location.href).pathname === window.location.pathname) {
        showAddressIn(form);
      }
    });
  });
})();
