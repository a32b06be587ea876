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

  // A table wider than the screen scrolls sideways: keyboard users must be able to reach
  // and scroll it too, so the scrolling box takes the focus and is named after its table.
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.hasAttribute("tabindex") || box.scrollWidth <= box.clientWidth) { return; }
    box.setAttribute("tabindex", "0");
    var caption = box.querySelector("caption");
    var section = box.closest("section[aria-labelledby], section[aria-label]");
    if (caption) {
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption.textContent.trim());
    } else if (section) {
      box.setAttribute("role", "region");
      if (section.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
      } else {
        box.setAttribute("aria-label", section.getAttribute("aria-label"));
      }
    }
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
          if (job.status === "done" || job.status === "failed" || job.status === "lost") {
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
