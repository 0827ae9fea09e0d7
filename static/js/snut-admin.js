/* Names for the widgets Django's admin builds in the browser without one (WCAG 4.1.2, axe):
 * - the autocomplete (select2) box: its combobox is labelled by its current value only, which
 *   is empty until something is chosen; it takes the name of the <select> it stands for (its
 *   <label>, or the aria-label the project's tabular inlines give each cell's field);
 * - the magnifier icon of « filter_horizontal » carries an aria-label on a bare <span>, which
 *   no role allows: it becomes an image;
 * - an inline table wider than a phone scrolls inside its group: a read-only one (a frozen
 *   questionnaire's levels, a question's choices) has nothing to focus, so the group itself
 *   takes the focus for keyboard scrolling (WCAG 2.1.1), named after its title.
 * The admin adds these widgets after load and for each new inline row, so they are named as
 * they appear. */
(function () {
  "use strict";

  // The box and its value (a role=textbox span) are both named by the field's <label> and the
  // value: « Utilisateur jdupont », « Utilisateur » while empty.
  function nameAutocomplete(box, select) {
    const rendered = box.querySelector(".select2-selection__rendered");
    const label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (label) {
      label.id = label.id || select.id + "_label";
      const ids = rendered && rendered.id ? label.id + " " + rendered.id : label.id;
      [box, rendered].forEach(function (element) {
        if (element && element.getAttribute("aria-labelledby") !== ids) {
          element.setAttribute("aria-labelledby", ids);
        }
      });
    } else if (select.hasAttribute("aria-label")) {
      [box, rendered].forEach(function (element) {
        if (element && !element.hasAttribute("aria-label")) {
          element.removeAttribute("aria-labelledby");
          element.setAttribute("aria-label", select.getAttribute("aria-label"));
        }
      });
    }
  }

  function nameWidgets() {
    document.querySelectorAll(".select2-container .select2-selection[role=combobox]").forEach(function (box) {
      const select = box.closest(".select2-container").previousElementSibling;
      if (select && select.tagName === "SELECT") {
        nameAutocomplete(box, select);
      }
    });
    document.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function focusScrollingGroups() {
    document.querySelectorAll(".inline-group").forEach(function (group) {
      const scrolls = group.scrollWidth > group.clientWidth;
      if (scrolls && !group.hasAttribute("tabindex")) {
        const title = group.querySelector("h2");
        group.setAttribute("tabindex", "0");
        group.setAttribute("role", "region");
        if (title) {
          group.setAttribute("aria-label", title.textContent.trim());
        }
      } else if (!scrolls && group.getAttribute("tabindex") === "0") {
        group.removeAttribute("tabindex");
        group.removeAttribute("role");
        group.removeAttribute("aria-label");
      }
    });
  }

  let pending = false;
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        nameWidgets();
      });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", nameWidgets);
  window.addEventListener("load", focusScrollingGroups);
  window.addEventListener("resize", focusScrollingGroups);
  // The project's fonts, once loaded, may widen a group past its box with no resize.
  if (document.fonts) {
    document.fonts.ready.then(focusScrollingGroups);
  }
})();
