/* The form editor: the preview is rendered on the server (the task page's macros) as the analyst
   types (debounced); save deploys the form with a change note and lists the versions it made. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("form-editor-data").textContent);
  var tr = window.FaoTexts.tr;
  var schemaBox = document.getElementById("schema-text");
  var uiBox = document.getElementById("ui-text");
  var preview = document.getElementById("form-preview");
  var statusLine = document.getElementById("status");
  var resultsCard = document.getElementById("save-results");
  var resultsList = document.getElementById("results");
  var timer = null;
  var sequence = 0;
  var dirty = false;

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "status-line " + (kind || "");
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, body, accept) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": accept},
      body: JSON.stringify(body)});
  }

  function texts() {
    return {schema: schemaBox ? schemaBox.value : null, uischema: uiBox ? uiBox.value : "",
      schema_name: data.schema_name, ui_name: data.ui_name};
  }

  function markInvalid(ok) {
    // a parse error names its file: mark the box it is in
    var bad = ok ? [] : Array.prototype.map.call(preview.querySelectorAll(".form-problems li[data-file]"),
      function (li) { return li.dataset.file; });
    if (schemaBox) { schemaBox.classList.toggle("invalid", bad.indexOf(data.schema_name) >= 0); }
    if (uiBox) { uiBox.classList.toggle("invalid", bad.indexOf(data.ui_name) >= 0); }
  }

  function refresh() {
    var mine = ++sequence;
    document.body.dataset.preview = "pending";
    return post(data.urls.preview, texts(), "text/html").then(function (res) {
      return res.text().then(function (html) { return {status: res.status, ok: res.headers.get("X-Form-Ok"), html: html}; });
    }).then(function (r) {
      if (mine !== sequence) { return; }  // a newer preview is on its way
      if (r.status !== 200) { throw new Error("HTTP " + r.status); }
      preview.innerHTML = r.html;
      markInvalid(r.ok === "1");
      document.body.dataset.preview = r.ok === "1" ? "ok" : "problems";
      if (statusLine.dataset.kind === "preview") { say(""); }
    }).catch(function (err) {
      if (mine !== sequence) { return; }
      say(tr("failed") + err.message, "bad");
      statusLine.dataset.kind = "preview";
      document.body.dataset.preview = "error";
    });
  }

  function schedule() {
    dirty = true;
    document.body.dataset.preview = "pending";
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  function showResults(results) {
    resultsList.replaceChildren();
    results.forEach(function (x) {
      var item = document.createElement("li");
      item.className = "result " + x.status;
      item.dataset.key = x.key;
      var link = document.createElement("a");
      link.href = x.url;
      link.textContent = x.key + " v" + x.version;
      item.appendChild(link);
      var label = x.status === "new" ? tr("isNew") : tr("isUnchanged");  // "review v2 new（新版本）"
      item.appendChild(document.createTextNode(" " + x.status + (label !== x.status ? "（" + label + "）" : "")));
      item.dataset.status = x.status;
      resultsList.appendChild(item);
    });
    resultsCard.hidden = !results.length;
  }

  function showProblems(problems) {
    resultsList.replaceChildren();
    (problems || []).forEach(function (p) {
      var item = document.createElement("li");
      item.className = "problem";
      item.textContent = (p.file ? p.file + (p.line ? ":" + p.line : "") + " — " : "") + p.message;
      resultsList.appendChild(item);
    });
    resultsCard.hidden = !resultsList.children.length;
  }

  function save() {
    var noteField = document.getElementById("form-note");
    var note = noteField.value.trim();
    if (!note) { say(tr("noteRequired"), "bad"); noteField.focus(); return Promise.resolve(); }
    say(tr("saving"));
    statusLine.dataset.kind = "save";
    var body = texts();
    body.note = note;
    return post(data.urls.save, body, "application/json").then(function (res) {
      return res.json().catch(function () { return null; }).then(function (json) { return {status: res.status, json: json}; });
    }).then(function (r) {
      var json = r.json || {};
      if (r.status === 201 || r.status === 200) {
        dirty = false;
        var results = json.results || [];
        showResults(results);
        say(results.length ? (r.status === 201 ? tr("saved") : tr("unchanged")) : tr("noProcess"), "ok");
        document.body.dataset.saved = r.status === 201 ? "new" : "unchanged";
      } else if (r.status === 403) {
        say(tr("forbidden"), "bad");
        document.body.dataset.saved = "refused";
      } else if (json.error) {
        showProblems(json.error.details);
        say(json.error.message, "bad");
        document.body.dataset.saved = "refused";
      } else {
        say(tr("failed") + "HTTP " + r.status, "bad");
        document.body.dataset.saved = "refused";
      }
    }).catch(function (err) { say(tr("failed") + err.message, "bad"); });
  }

  [schemaBox, uiBox].forEach(function (box) { if (box) { box.addEventListener("input", schedule); } });
  var saveButton = document.getElementById("btn-save-form");
  if (saveButton) { saveButton.addEventListener("click", save); }
  window.addEventListener("beforeunload", function (e) {
    if (dirty && saveButton) { e.preventDefault(); e.returnValue = tr("unsaved"); }
  });
  refresh();
})();
