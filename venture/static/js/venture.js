// Venture: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";

  // Forms with data-confirm ask before submitting (destructive actions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  // Auto-submit selects in filter bars (data-autosubmit), keeping the button for no-JS use.
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });

  // Poll a job's progress (data-job-url) and reload when it has finished.
  document.querySelectorAll("[data-job-url]").forEach(function (box) {
    var bar = box.querySelector(".progress-bar");
    var label = box.querySelector("[data-job-message]");
    function poll() {
      fetch(box.getAttribute("data-job-url"), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (bar) {
            bar.style.width = job.progress + "%";
            bar.setAttribute("aria-valuenow", job.progress);
            bar.textContent = job.progress + "%";
          }
          if (label && job.message) { label.textContent = job.message; }
          if (job.status === "done" || job.status === "failed") {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  });
})();
