// A session's page: reads its registrations again every 20 seconds, so the office sees
// sign-ups arrive without reloading. Without JavaScript, reloading the page does the same.
(function () {
  "use strict";
  var box = document.getElementById("inscriptions");
  var url = box && box.dataset.liveUrl;
  if (!url) return;
  function poll() {
    if (document.hidden) { window.setTimeout(poll, 20000); return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null) box.innerHTML = html;
        window.setTimeout(poll, 20000);
      })
      .catch(function () { window.setTimeout(poll, 60000); });
  }
  window.setTimeout(poll, 20000);
})();
