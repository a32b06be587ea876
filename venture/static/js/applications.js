// Applications: autosave with optimistic locking, table rows, social-worker prefill,
// the live money check, countdowns, print, diff filter, bulk selection.
// Every page works without this file; it only adds live behaviour.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // --- countdowns ---------------------------------------------------------------------
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = (new Date(el.getAttribute("data-deadline")) - new Date()) / 1000;
      if (left <= 0) { el.textContent = el.getAttribute("data-expired"); return; }
      var d = Math.floor(left / 86400), h = Math.floor((left % 86400) / 3600), m = Math.floor((left % 3600) / 60);
      var text = d >= 1 ? el.getAttribute("data-days") : el.getAttribute("data-hours");
      el.textContent = text.replace("{d}", d).replace("{h}", h).replace("{m}", m);
    });
  }
  if (document.querySelector("[data-deadline]")) { tick(); window.setInterval(tick, 30000); }

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  var onlyChanged = document.querySelector("[data-only-changed]");
  if (onlyChanged) {
    var apply = function () {
      document.querySelectorAll(".diff-unchanged").forEach(function (el) { el.hidden = onlyChanged.checked; });
    };
    onlyChanged.addEventListener("change", apply);
    apply();
  }

  var checkAll = document.querySelector("[data-check-all]");
  if (checkAll) {
    checkAll.addEventListener("change", function () {
      document.querySelectorAll("input[name=application_id][data-clean]").forEach(function (box) {
        box.checked = checkAll.checked;
      });
    });
  }

  var form = document.querySelector("form.section-form");
  if (!form) { return; }
  if (window.VentureRows) { window.VentureRows(form); }

  // --- social workers fill a team row ----------------------------------------------------
  var team = form.querySelector("[data-workers]");
  if (team) {
    var workers = JSON.parse(team.getAttribute("data-workers") || "{}");
    form.addEventListener("change", function (event) {
      if (!event.target.matches("[data-worker-select]")) { return; }
      var worker = workers[event.target.value];
      if (!worker) { return; }
      var row = event.target.closest("[data-row]");
      row.querySelector("[data-worker-name]").value = worker.name;
      row.querySelector("[data-worker-education]").value = worker.education || "";
      row.querySelector("[data-worker-qualification]").value = worker.qualification;
    });
  }

  // --- live money check (mirrors venture/applications/money.py) ---------------------------
  var budget = form.querySelector("[data-money]");
  if (budget) {
    var cfg = JSON.parse(budget.getAttribute("data-money"));
    var list = form.querySelector("[data-money-messages]");
    var totalOut = form.querySelector("[data-total]");
    var fen = function (text) {
      var cleaned = String(text || "").replace(/[,，¥￥\s]/g, "");
      if (cleaned === "") { return 0; }
      var n = Number(cleaned);
      return isNaN(n) ? 0 : Math.round(n * 100);
    };
    var yuan = function (f) {
      return "¥" + (f / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    };
    // Shares over a cap are rounded up, under a minimum rounded down (as on the server).
    var pct = function (x, dir) {
      if (Math.abs(x - Math.round(x)) < 1e-9) { return String(Math.round(x)); }
      var f = dir === "up" ? Math.ceil : dir === "down" ? Math.floor : Math.round;
      return (f(x * 100 - 1e-9 * (dir === "up" ? 1 : -1)) / 100).toFixed(2);
    };
    var fill = function (template, values) {
      return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
    };
    var check = function () {
      var byRule = {}, byGroup = {}, total = 0;
      budget.querySelectorAll("tbody [data-row]").forEach(function (row) {
        var rule = row.querySelector("[data-rule]").value;
        var amount = fen(row.querySelector("[data-amount]").value);
        total += amount;
        if (cfg.rules[rule]) {
          byRule[rule] = (byRule[rule] || 0) + amount;
          var g = cfg.rules[rule].group;
          byGroup[g] = (byGroup[g] || 0) + amount;
        }
      });
      var requested = fen(form.querySelector("[name=requested]").value);
      var cofunding = fen(form.querySelector("[name=cofunding]").value);
      var m = cfg.messages, out = [];
      totalOut.textContent = yuan(total);
      if (total <= 0) {
        out.push(m.empty);
      } else {
        var share = function (a) { return a * 100 / total; };
        if (requested + cofunding !== total) {
          out.push(fill(m.sum, { requested: yuan(requested), cofunding: yuan(cofunding), total: yuan(total) }));
        }
        if (requested > cfg.max_amount_fen) {
          out.push(fill(m.max_amount, { requested: yuan(requested), maximum: yuan(cfg.max_amount_fen) }));
        }
        if (requested * 100 > Number(cfg.max_share_pct) * total) {
          out.push(fill(m.max_share, { share: pct(share(requested), "up"), cap: pct(Number(cfg.max_share_pct)) }));
        }
        if (cofunding * 100 < Number(cfg.min_cofunding_pct) * total) {
          out.push(fill(m.min_cofunding, { share: pct(share(cofunding), "down"), minimum: pct(Number(cfg.min_cofunding_pct)) }));
        }
        Object.keys(byRule).forEach(function (id) {
          var rule = cfg.rules[id];
          if (rule.cap !== null && byRule[id] * 100 > Number(rule.cap) * total) {
            out.push(fill(m.line_cap, { line: rule.name, amount: yuan(byRule[id]), share: pct(share(byRule[id]), "up"),
                                        cap: pct(Number(rule.cap)) }));
          }
        });
        Object.keys(cfg.group_caps).forEach(function (g) {
          var amount = byGroup[g] || 0;
          if (amount * 100 > Number(cfg.group_caps[g]) * total) {
            var names = Object.keys(cfg.rules).filter(function (id) {
              return cfg.rules[id].group === g && byRule[id];
            }).map(function (id) { return cfg.rules[id].name; }).join("、");
            out.push(fill(m.group_cap, { group: cfg.group_labels[g] || g, lines: names, amount: yuan(amount),
                                         share: pct(share(amount), "up"), cap: pct(Number(cfg.group_caps[g])) }));
          }
        });
      }
      list.innerHTML = "";
      if (!out.length) {
        var ok = document.createElement("li");
        ok.className = "text-success";
        ok.textContent = "✓ " + m.ok;
        list.appendChild(ok);
      }
      out.forEach(function (text) {
        var li = document.createElement("li");
        li.className = "text-danger";
        li.textContent = "⚠ " + text;
        list.appendChild(li);
      });
    };
    form.addEventListener("input", check);
    form.addEventListener("change", check);
    form.addEventListener("rows-changed", check);
    check();
  }

  // --- autosave -------------------------------------------------------------------------------
  var url = form.getAttribute("data-autosave");
  var status = form.querySelector("[data-autosave-status]");
  var versionInput = form.querySelector("input[name=version]");
  var csrf = form.querySelector("input[name=csrf_token]");
  var dirty = false, saving = null, timer = null, blocked = false;

  function say(text, tone) {
    status.className = "autosave-status small " + (tone === "bad" ? "text-danger" : "text-body-secondary");
    status.textContent = text;
  }

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "go" || value instanceof File) { return; }
      if (Object.prototype.hasOwnProperty.call(data, name)) {
        if (!Array.isArray(data[name])) { data[name] = [data[name]]; }
        data[name].push(value);
      } else { data[name] = value; }
    });
    if (form.querySelector("[name=communities]") && !("communities" in data)) { data.communities = []; }
    return data;
  }

  function conflict(message, version) {
    blocked = true;
    say(message, "bad");
    var reload = document.createElement("button");
    reload.type = "button";
    reload.className = "btn btn-sm btn-outline-secondary ms-2";
    reload.textContent = status.getAttribute("data-reload");
    reload.addEventListener("click", function () { dirty = false; window.location.reload(); });
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "btn btn-sm btn-outline-danger ms-2";
    keep.textContent = status.getAttribute("data-keep");
    keep.addEventListener("click", function () {
      versionInput.value = version; blocked = false; dirty = true; save();
    });
    status.appendChild(reload);
    status.appendChild(keep);
  }

  function save(keepalive) {
    if (!url || blocked || !dirty) { return Promise.resolve(); }
    if (saving) { return saving.then(function () { return save(keepalive); }); }
    dirty = false;
    say(status.getAttribute("data-saving"));
    saving = fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({ fields: fields() })
    }).then(function (response) {
      var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.redirected || !isJson) {  // the session has ended: keep the text, say so
        dirty = true;
        backup();
        say(status.getAttribute("data-expired"), "bad");
        return null;
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          forget();
          versionInput.value = body.version;
          var time = new Date(body.saved_at).toLocaleTimeString();
          say(status.getAttribute("data-saved").replace("{time}", time));
        } else if (response.status === 409 && body.version) {
          conflict(body.error.message, body.version);
        } else {
          dirty = true;
          var message = (body.error && body.error.message) || response.statusText;
          say(status.getAttribute("data-failed").replace("{message}", message), "bad");
        }
      });
    }).catch(function () {
      dirty = true;
      backup();
      say(status.getAttribute("data-offline"), "bad");
    }).then(function () { saving = null; });
    return saving;
  }

  // A copy in this browser, for when the server cannot be reached or the session ended:
  // nothing typed is lost, even if the tab is closed before it could be saved.
  var backupKey = url ? "venture-draft:" + url : null;
  function backup() {
    try { window.localStorage.setItem(backupKey, JSON.stringify({ at: Date.now(), fields: fields() })); }
    catch (e) { /* storage full or disabled: the page still holds the text */ }
  }
  function forget() {
    try { window.localStorage.removeItem(backupKey); } catch (e) { /* ignore */ }
  }
  function offerRestore() {
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(backupKey) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.fields) { return; }
    var strip = function (data) {
      var copy = {};
      Object.keys(data).sort().forEach(function (k) { if (k !== "version" && k !== "csrf_token") { copy[k] = data[k]; } });
      return JSON.stringify(copy);
    };
    if (strip(saved.fields) === strip(fields())) { forget(); return; }  // the server has it already
    var box = document.createElement("div");
    box.className = "alert alert-warning d-flex flex-wrap align-items-center gap-2";
    box.setAttribute("role", "status");
    box.textContent = status.getAttribute("data-restore-text");
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-sm btn-warning";
    restore.textContent = status.getAttribute("data-restore");
    restore.addEventListener("click", function () {
      Object.keys(saved.fields).forEach(function (name) {
        if (name === "version" || name === "csrf_token") { return; }
        var value = saved.fields[name];
        form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
          if (el.type === "checkbox") {
            el.checked = Array.isArray(value) ? value.indexOf(el.value) >= 0 : value === el.value;
          } else { el.value = value; }
        });
      });
      box.remove();
      changed();
    });
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-outline-secondary";
    discard.textContent = status.getAttribute("data-discard");
    discard.addEventListener("click", function () { forget(); box.remove(); });
    box.appendChild(restore);
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
  }

  function changed() {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  }

  if (url) {
    offerRestore();
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("rows-changed", changed);
    window.addEventListener("online", function () { if (dirty) { save(); } });
    // Leaving the section saves first (a section change is a save).
    document.querySelectorAll("[data-section-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!dirty || blocked) { return; }
        event.preventDefault();
        window.clearTimeout(timer);
        save().then(function () { if (!blocked) { window.location.href = link.href; } });
      });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty) { backup(); window.clearTimeout(timer); save(true); }
    });
    // A plain post carries the version in the form: when an autosave is still on its way,
    // wait for its answer (the version it returns) before posting, or the server would
    // take the post for someone else's stale edit.
    var posting = false;
    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      if (saving && !posting) {
        event.preventDefault();
        var submitter = event.submitter;
        saving.then(function () {
          posting = true;
          if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
        });
        return;
      }
      dirty = false; forget();
    });
  }
})();
