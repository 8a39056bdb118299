/* The modeler page: bpmn-js Modeler with the spiffworkflow moddle extension (which, with
   roundtrip.js, keeps everything an unchanged model says), the properties panel, validate
   (dry-run deploy) with problems marked on their elements, deploy, download. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("modeler-data").textContent);
  var tr = window.FaoTexts.tr;
  var statusLine = document.getElementById("status");
  var problemsCard = document.getElementById("problems-card");
  var problemsList = document.getElementById("problems");
  var modeler = new BpmnJS({container: "#canvas", moddleExtensions: {spiffworkflow: data.moddle},
    additionalModules: [window.FaoTexts.translateModule]});
  window.FaoRoundTrip.install(modeler);  // what the file says at a default value, the save says too
  var dirty = false;
  var marked = [];

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "status-line " + (kind || "");
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json"},
      body: JSON.stringify(body)}).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (json) { return {status: res.status, json: json}; });
    });
  }

  function currentXml() {
    return modeler.saveXML({format: true}).then(function (r) { return r.xml; });
  }

  function clearProblems() {
    var canvas = modeler.get("canvas");
    marked.forEach(function (id) { canvas.removeMarker(id, "fao-problem"); });
    marked = [];
    modeler.get("overlays").remove({type: "fao-problem"});
    problemsList.replaceChildren();
    problemsCard.hidden = true;
  }

  function problemBadge(messages) {
    var badge = document.createElement("div");
    badge.className = "fao-problem-badge";
    badge.title = messages.join("\n");
    var mark = document.createElement("span");
    mark.textContent = "!";
    var tip = document.createElement("div");
    tip.className = "fao-problem-tip";
    tip.textContent = messages.join("\n");
    badge.appendChild(mark);
    badge.appendChild(tip);
    return badge;
  }

  function showProblems(problems, warnings) {
    clearProblems();
    var registry = modeler.get("elementRegistry");
    var canvas = modeler.get("canvas");
    var byElement = {};
    (problems || []).forEach(function (p) {
      var element = p.element_id && registry.get(p.element_id);
      var where = p.where || p.file;
      var item = document.createElement("li");
      item.className = "problem";
      item.textContent = where + " — " + p.message + (element ? "" : " " + tr("noElement"));
      if (element) {
        item.dataset.elementId = p.element_id;
        item.classList.add("linked");
        item.addEventListener("click", function () {
          modeler.get("selection").select(element);
          canvas.scrollToElement(element);
        });
        (byElement[p.element_id] = byElement[p.element_id] || []).push(p.message);
      }
      problemsList.appendChild(item);
    });
    Object.keys(byElement).forEach(function (id) {
      canvas.addMarker(id, "fao-problem");
      marked.push(id);
      modeler.get("overlays").add(id, "fao-problem", {position: {top: -14, left: -14}, html: problemBadge(byElement[id])});
    });
    (warnings || []).forEach(function (w, i) {
      var item = document.createElement("li");
      item.className = "warning";
      item.textContent = (i === 0 ? tr("warnings") + " " : "") + w;
      problemsList.appendChild(item);
    });
    problemsCard.hidden = !problemsList.children.length;
  }

  function validate() {
    say(tr("validating"));
    return currentXml().then(function (xml) { return post(data.urls.validate, {xml: xml}); }).then(function (r) {
      if (r.status !== 200 || !r.json) { throw new Error(r.json && r.json.error ? r.json.error.message : "HTTP " + r.status); }
      showProblems(r.json.problems, r.json.warnings);
      say(r.json.ok ? tr("valid") : tr("invalid", {n: r.json.problems.length}), r.json.ok ? "ok" : "bad");
      document.body.dataset.validated = r.json.ok ? "ok" : "problems";
    }).catch(function (err) { say(tr("failed") + err.message, "bad"); });
  }

  function deploy() {
    var noteField = document.getElementById("deploy-note");
    var note = noteField.value.trim();
    if (!note) { say(tr("noteRequired"), "bad"); noteField.focus(); return Promise.resolve(); }
    say(tr("deploying"));
    return currentXml().then(function (xml) { return post(data.urls.deploy, {xml: xml, note: note}); }).then(function (r) {
      var body = r.json || {};
      if (r.status === 201 || r.status === 200) {
        clearProblems();
        dirty = false;
        var results = body.results || [];
        say((r.status === 201 ? tr("deployed") : tr("unchanged")) + results.map(function (x) { return x.key + " v" + x.version; }).join(", "), "ok");
        var fresh = results.filter(function (x) { return x.status === "new"; })[0];
        if (fresh) {
          var link = document.createElement("a");
          link.href = fresh.url;
          link.textContent = " " + tr("openVersion");
          statusLine.appendChild(link);
        }
        showProblems([], results.reduce(function (all, x) { return all.concat(x.warnings || []); }, []));
      } else if (r.status === 403) {
        say(tr("forbidden"), "bad");
      } else if (body.error) {
        showProblems(body.error.details, []);
        say(body.error.message, "bad");
      } else {
        say(tr("failed") + "HTTP " + r.status, "bad");
      }
    }).catch(function (err) { say(tr("failed") + err.message, "bad"); });
  }

  function download() {
    currentXml().then(function (xml) {
      var root = modeler.get("canvas").getRootElement().businessObject;
      var name = (data.key || (root.$type === "bpmn:Process" ? root.id : "process")) + ".bpmn";
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([xml], {type: "application/xml"}));
      link.download = name;
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
    });
  }

  /* What bpmn-js could not read (an element the descriptors do not know, a reference to an id the
     file does not hold) it would not write either: say so where it stays in view, so an
     unchanged-looking deploy cannot drop it unseen. An unknown attribute is kept, and the text
     is already decoded: those warnings lose nothing. */
  var HARMLESS = /^(unknown attribute|unsupported document encoding)/;

  function showImportLoss(warnings) {
    var card = document.getElementById("import-loss");
    if (!warnings.length) { card.hidden = true; return; }
    document.getElementById("import-loss-text").textContent = tr("unreadParts", {n: warnings.length});
    document.getElementById("import-loss-list").replaceChildren.apply(document.getElementById("import-loss-list"),
      warnings.map(function (w) {
        var item = document.createElement("li");
        item.textContent = String(w.message || w).split("\n")[0];
        return item;
      }));
    card.hidden = false;
  }

  say(tr("loading"));
  modeler.importXML(data.xml).then(function (result) {
    modeler.get("canvas").zoom("fit-viewport", "auto");
    new window.FaoProperties(modeler, document.getElementById("properties"),
      {tr: tr, key: data.key, groups: data.groups, forms: data.forms, operators: data.operators});
    modeler.on("commandStack.changed", function () { dirty = true; });
    say(tr("loaded") + (result.warnings.length ? " " + tr("importWarnings", {n: result.warnings.length}) : ""));
    var losses = result.warnings.filter(function (w) { return !HARMLESS.test(String(w.message || w)); });
    showImportLoss(losses);
    document.body.dataset.importLosses = String(losses.length);
    document.body.dataset.modelerReady = "1";
  }).catch(function (err) {
    say(tr("loadFailed") + err.message, "bad");
    document.body.dataset.modelerReady = "error";
  });

  document.getElementById("btn-validate").addEventListener("click", validate);
  document.getElementById("btn-download").addEventListener("click", download);
  var deployButton = document.getElementById("btn-deploy");
  if (deployButton) { deployButton.addEventListener("click", deploy); }
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = tr("unsaved"); }
  });
  window.faoModeler = modeler;  // for the browser tests and the curious analyst's console
})();
