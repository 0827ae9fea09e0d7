// The invitations' progress page: reads the batch's progress every two seconds and
// updates the count; reloads once the batch has finished, to show the final message.
(function () {
  "use strict";
  var section = document.getElementById("envoi");
  var url = section && section.dataset.progressUrl;
  if (!url) return;
  var count = document.getElementById("envoi-compte");
  var bar = document.getElementById("envoi-barre");
  var meter = document.getElementById("envoi-progression");
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (count) count.textContent = data.label;
        if (bar) bar.style.width = data.percent + "%";
        if (meter) meter.setAttribute("aria-valuenow", data.percent);
        if (data.done) window.location.reload();
        else window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
