// Saves each answer as soon as it changes; without JavaScript the buttons save the page.
(function () {
  "use strict";
  var form = document.querySelector("[data-autosave-form]");
  if (!form || !window.fetch) return;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var saving = form.dataset.msgSaving, failed = form.dataset.msgFailed;

  function save(fieldset) {
    var status = fieldset.querySelector("[data-saved]");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    fieldset.querySelectorAll("input[type=radio]:checked, textarea, input[data-initial]").forEach(function (el) {
      data.append(el.name, el.value);
    });
    status.textContent = saving;
    status.className = "snut-saved small mb-0 mt-2 is-pending";
    var previous = fieldset._saving || Promise.resolve();
    fieldset._saving = previous.then(function () {
      return fetch(fieldset.dataset.autosaveUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (!result.ok) throw new Error(result.body.error || "");
        // What is saved becomes the page's reference: the buttons will not save it again.
        fieldset.querySelectorAll("input[data-initial]").forEach(function (hidden) {
          var name = hidden.name.replace(/^initial-/, "");
          var current = fieldset.querySelector("[name='" + name + "']:checked, textarea[name='" + name + "']");
          hidden.value = current ? current.value : hidden.value;
        });
        status.textContent = "✓ " + result.body.saved;
        status.className = "snut-saved small mb-0 mt-2 is-saved";
        var step = document.querySelector(".snut-step[data-axis='" + result.body.axis.code + "']");
        if (step) {
          step.querySelector("[data-axis-count]").textContent = result.body.axis.answered + "/" + result.body.axis.total;
          step.classList.toggle("is-complete", result.body.axis.answered === result.body.axis.total);
        }
        var bar = document.querySelector("[data-overall-bar]");
        if (bar) {
          bar.style.width = result.body.overall_percent + "%";
          bar.parentElement.setAttribute("aria-valuenow", result.body.overall_percent);
          document.querySelector("[data-overall-label]").textContent = result.body.overall_percent + " %";
        }
      }).catch(function (error) {
        status.textContent = failed + " " + error.message;
        status.className = "snut-saved small mb-0 mt-2 is-error";
      });
    });
  }

  form.querySelectorAll("fieldset[data-autosave-url]").forEach(function (fieldset) {
    var timer;
    fieldset.addEventListener("change", function () { clearTimeout(timer); save(fieldset); });
    fieldset.querySelectorAll("textarea").forEach(function (area) {
      area.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { save(fieldset); }, 1200);
      });
    });
  });
})();
