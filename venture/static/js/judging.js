// Judging: deadline countdowns, score-sheet autosave (no lost work when the tab closes or
// the connection drops), and the live roadshow pages. Pages work without this file,
// except the live updates.
(function () {
  "use strict";

  // --- deadlines: the server renders the time left; keep it current ------------------
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  document.querySelectorAll("[data-deadline]").forEach(function (box) {
    var deadline = Date.parse(box.getAttribute("data-deadline"));
    var out = box.querySelector("[data-remaining]");
    if (!out || isNaN(deadline)) { return; }
    function tick() {
      var left = Math.floor((deadline - Date.now()) / 1000);
      if (left <= 0) { out.textContent = box.getAttribute("data-closed-label"); return; }
      if (left < 86400) {
        out.textContent = box.getAttribute("data-left-label") + " " + pad(Math.floor(left / 3600)) + ":" +
          pad(Math.floor(left % 3600 / 60)) + ":" + pad(left % 60);
        window.setTimeout(tick, 1000);
      } else {
        window.setTimeout(tick, 60000);
      }
    }
    tick();
  });

  // --- score sheet autosave ----------------------------------------------------------
  var form = document.getElementById("sheet-form");
  var sheet = form && form.getAttribute("data-autosave-url") ? setupAutosave(form) : null;

  function setupAutosave(form) {
    var url = form.getAttribute("data-autosave-url");
    var storageKey = form.getAttribute("data-storage-key");
    var status = form.querySelector("[data-autosave-status]");
    var versionInput = form.querySelector("input[name=version]");
    var csrf = form.querySelector("input[name=csrf_token]").value;
    var timer = null, inFlight = null, dirty = false, stopped = false;

    function say(text) { if (status) { status.textContent = text; } }

    function collect() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.disabled || el.name === "csrf_token" || el.type === "submit") { return; }
        if (el.type === "checkbox") { if (el.checked) { data[el.name] = "1"; } return; }
        if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } return; }
        data[el.name] = el.value;
      });
      data.version = versionInput.value;
      return data;
    }

    function keepLocally() {
      try { window.localStorage.setItem(storageKey, JSON.stringify(collect())); } catch (e) { /* private mode */ }
    }
    function forgetLocally() {
      try { window.localStorage.removeItem(storageKey); } catch (e) { /* private mode */ }
    }

    function showErrors(errors) {
      form.querySelectorAll("[data-error-for]").forEach(function (box) {
        var key = box.getAttribute("data-error-for");
        box.textContent = (errors && errors[key]) || "";
        var input = form.querySelector("[name='" + key + "']");
        if (input) { input.classList.toggle("is-invalid", !!(errors && errors[key])); }
      });
    }

    function save(keepalive) {
      if (stopped || !dirty) { return Promise.resolve(true); }
      if (inFlight) { return inFlight.then(function () { return save(keepalive); }); }
      var body = collect();
      dirty = false;
      say(form.getAttribute("data-msg-saving"));
      inFlight = fetch(url, {
        method: "POST", credentials: "same-origin", keepalive: !!keepalive,
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body)
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
      }).then(function (res) {
        inFlight = null;
        if (res.status === 200) {
          // Every valid answer is stored; the server names the ones it could not keep.
          var invalid = res.data.errors && Object.keys(res.data.errors).length;
          versionInput.value = res.data.version;
          showErrors(res.data.errors || {});
          if (invalid || dirty) { keepLocally(); } else { forgetLocally(); }
          say(form.getAttribute("data-msg-saved") + " " + res.data.saved_at +
            (invalid ? " · " + form.getAttribute("data-msg-invalid") : ""));
          return true;
        }
        if (res.status === 422) {
          showErrors(res.data.errors);
          say(form.getAttribute("data-msg-invalid"));
          return false;
        }
        stopped = true;
        say(res.status === 409 && res.data.version !== undefined ? form.getAttribute("data-msg-stale")
          : (res.data.error && res.data.error.message) || "");
        return false;
      }).catch(function () {
        inFlight = null;
        dirty = true;
        say(form.getAttribute("data-msg-offline"));
        window.setTimeout(function () { save(false); }, 5000);
        return false;
      });
      return inFlight;
    }

    function changed() {
      dirty = true;
      keepLocally();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(false); }, 1200);
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);

    // Leaving the page (tab closed, phone locked, app switched): send what is pending.
    function flushOnLeave() {
      if (!dirty || stopped) { return; }
      window.clearTimeout(timer);
      if (window.fetch && "keepalive" in new Request("")) {
        save(true);
      } else if (navigator.sendBeacon) {
        var data = new FormData();
        data.append("csrf_token", csrf);
        data.append("payload", JSON.stringify(collect()));
        navigator.sendBeacon(url, data);
      }
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { flushOnLeave(); }
    });
    window.addEventListener("pagehide", flushOnLeave);
    window.addEventListener("online", function () { save(false); });

    // Answers kept on this device but never acknowledged (the connection dropped): restore.
    try {
      var kept = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      if (kept && String(kept.version) === String(versionInput.value)) {
        Object.keys(kept).forEach(function (name) {
          if (name === "version") { return; }
          form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
            if (el.type === "checkbox") { el.checked = true; } else if (el.type === "radio") {
              el.checked = el.value === kept[name];
            } else { el.value = kept[name]; }
          });
        });
        dirty = true;
        save(false);
      } else if (kept) {
        forgetLocally();
      }
    } catch (e) { /* nothing kept */ }

    // Submitting: send the pending draft first so the version is current, then submit.
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (form.getAttribute("data-submitting")) { return; }
      event.preventDefault();
      if (button && button.getAttribute("data-confirm-submit") &&
          !window.confirm(button.getAttribute("data-confirm-submit"))) { return; }
      window.clearTimeout(timer);
      save(false).then(function () {
        form.setAttribute("data-submitting", "1");
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = "action";
        action.value = button ? button.value : "save";
        form.appendChild(action);
        forgetLocally();
        form.submit();
      });
    });

    return { save: save, isDirty: function () { return dirty || !!inFlight; } };
  }

  // --- roadshow: the judge's phone page follows the pointer ---------------------------
  var live = document.querySelector("[data-roadshow-live]");
  if (live) {
    var stateUrl = live.getAttribute("data-state-url");
    var banner = live.querySelector("[data-connection-status]");
    var shown = {
      slot: live.getAttribute("data-slot-id"), slotStatus: live.getAttribute("data-slot-status"),
      session: live.getAttribute("data-session-status")
    };
    var poll = function () {
      fetch(stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          banner.classList.add("d-none");
          var slot = state.slot ? String(state.slot.id) : "";
          var slotStatus = state.slot ? state.slot.status : "";
          if (slot !== shown.slot || slotStatus !== shown.slotStatus || state.status !== shown.session) {
            var pending = sheet ? sheet.save(false) : Promise.resolve(true);
            pending.then(function () { window.location.reload(); });
            return;
          }
          window.setTimeout(poll, 2500);
        })
        .catch(function () {
          banner.textContent = live.getAttribute("data-msg-offline");
          banner.classList.remove("d-none");
          window.setTimeout(poll, 4000);
        });
    };
    window.setTimeout(poll, 2500);
  }

  // --- roadshow: the organizer sees who has submitted ---------------------------------
  var control = document.querySelector("[data-roadshow-control]");
  if (control) {
    var list = control.querySelector("[data-judge-list]");
    var refresh = function () {
      fetch(control.getAttribute("data-state-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          var slot = state.slot ? String(state.slot.id) : "";
          if (slot !== control.getAttribute("data-slot-id")) { window.location.reload(); return; }
          // A judge recused meanwhile: the page shows who, and who scores the project now.
          if (list && state.recused && String(state.recused.length) !== list.getAttribute("data-recused-count")) {
            window.location.reload(); return;
          }
          if (list && state.judges) {
            state.judges.forEach(function (judge) {
              var item = list.querySelector("[data-judge='" + judge.id + "']");
              if (!item) { return; }
              item.className = judge.submitted ? "text-success" : "text-body-secondary";
              item.textContent = (judge.submitted ? "✓ " : "… ") + judge.name;
            });
          }
          window.setTimeout(refresh, 2500);
        })
        .catch(function () { window.setTimeout(refresh, 4000); });
    };
    window.setTimeout(refresh, 2500);
  }
})();
