/* The pickers' keyboard: an ARIA 1.2 combobox whose listbox htmx fills from /pick/...
 *
 * The input keeps the focus throughout; the highlighted option is named by
 * aria-activedescendant. Down and Up move (and open the list), Enter takes the
 * highlighted option, Escape closes the list, Tab leaves it. How many suggestions arrived
 * is said through the field's polite status region. Without this script the input is a
 * plain text field and the server resolves what was typed.
 */
(function () {
  "use strict";

  var SHORTEST = 2; // characters before the server is asked

  function isPicker(element) {
    return element instanceof HTMLInputElement && element.hasAttribute("data-picker");
  }

  function listboxOf(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function optionsOf(listbox) {
    return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]'));
  }

  function activeOf(input) {
    var id = input.getAttribute("aria-activedescendant");
    return id ? document.getElementById(id) : null;
  }

  function highlight(input, option) {
    optionsOf(listboxOf(input)).forEach(function (each) {
      var on = each === option;
      each.setAttribute("aria-selected", on ? "true" : "false");
      each.classList.toggle("active", on);
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open(input) {
    var listbox = listboxOf(input);
    if (!optionsOf(listbox).length) {
      close(input);
      return false;
    }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    return true;
  }

  function close(input) {
    highlight(input, null);
    listboxOf(input).hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function choose(input, option) {
    input.value = option.getAttribute("data-value");
    close(input);
    input.focus();
  }

  function announce(input, count) {
    var status = document.getElementById(input.id + "_status");
    if (!status) return;
    var text = count === 0 ? status.getAttribute("data-none")
      : count === 1 ? status.getAttribute("data-one")
      : status.getAttribute("data-many").replace("%(count)s", String(count));
    // Emptied first, so the same count typed twice is said twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function move(input, step) {
    var options = optionsOf(listboxOf(input));
    if (!options.length) return;
    var wasOpen = input.getAttribute("aria-expanded") === "true";
    open(input);
    var index = options.indexOf(activeOf(input));
    if (index === -1 || !wasOpen) {
      index = step > 0 ? 0 : options.length - 1;
    } else {
      index = (index + step + options.length) % options.length;
    }
    highlight(input, options[index]);
  }

  // htmx sends the text as q (the input's own name is the form's field name); too short
  // a text asks nothing and closes the list.
  document.addEventListener("htmx:configRequest", function (event) {
    var input = event.detail.elt;
    if (!isPicker(input)) return;
    var text = input.value.trim();
    if (text.length < SHORTEST) {
      event.preventDefault();
      listboxOf(input).textContent = "";
      close(input);
      return;
    }
    delete event.detail.parameters[input.name];
    event.detail.parameters.q = text;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var listbox = event.detail.target;
    if (!listbox || listbox.getAttribute("role") !== "listbox") return;
    var input = document.querySelector('[aria-controls="' + listbox.id + '"]');
    if (!isPicker(input)) return;
    var options = optionsOf(listbox);
    options.forEach(function (option, index) {
      option.id = listbox.id + "-" + index;
    });
    highlight(input, null);
    if (document.activeElement === input) {
      open(input);
      announce(input, options.length);
    }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isPicker(input)) return;
    var expanded = input.getAttribute("aria-expanded") === "true";
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (event.altKey) {
          open(input);
        } else {
          move(input, 1);
        }
        break;
      case "ArrowUp":
        event.preventDefault();
        move(input, -1);
        break;
      case "Enter":
        if (expanded && activeOf(input)) {
          event.preventDefault(); // taking a suggestion does not send the form
          choose(input, activeOf(input));
        }
        break;
      case "Escape":
        if (expanded) {
          event.preventDefault();
          close(input);
        }
        break;
      case "Tab":
        close(input);
        break;
      default:
        break;
    }
  });

  document.addEventListener("input", function (event) {
    if (isPicker(event.target)) highlight(event.target, null);
  });

  document.addEventListener("focusout", function (event) {
    if (isPicker(event.target)) close(event.target);
  });

  // The pointer: a press on an option must not take the focus from the input.
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest('.picker-options [role="option"]');
    if (option) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest('.picker-options [role="option"]');
    if (!option) return;
    var input = document.querySelector('[aria-controls="' + option.parentElement.id + '"]');
    if (isPicker(input)) choose(input, option);
  });
})();
