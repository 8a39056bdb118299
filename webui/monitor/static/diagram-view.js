/* Case and analytics diagrams: bpmn-js NavigatedViewer with state markers, run badges and heat. */
(function () {
  "use strict";

  var focus = window.faoFocusDiagram;

  function shapeOf(registry, id) {
    var gfx = registry.getGraphics(id);
    return gfx ? gfx.querySelector(".djs-visual > rect, .djs-visual > circle, .djs-visual > polygon") : null;
  }

  function badge(text, cls, title) {
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    if (title) { span.title = title; }
    return span;
  }

  function decorate(viewer, container, payload) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var overlays = viewer.get("overlays");
    Object.keys(payload.states || {}).forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, "fao-" + payload.states[id]); }
    });
    Object.keys(payload.runs || {}).forEach(function (id) {
      var el = registry.get(id);
      if (el && !el.waypoints) {
        overlays.add(id, "fao-runs", {position: {top: -10, right: 8},
          html: badge(String(payload.runs[id]), "fao-runs", container.dataset.runsTitle)});
      }
    });
    Object.keys(payload.heat || {}).forEach(function (id) {
      var heat = payload.heat[id];
      var shape = registry.get(id) && shapeOf(registry, id);
      if (!shape) { return; }
      shape.style.fill = heat.colour;
      canvas.addMarker(id, "fao-heat");
      overlays.add(id, "fao-heat", {position: {bottom: -4, left: 0}, html: badge(heat.label, "fao-heat-label", heat.title)});
    });
  }

  function show(container) {
    var payload = JSON.parse(document.getElementById(container.dataset.diagram).textContent);
    if (!payload.xml) { container.textContent = container.dataset.emptyText; container.dataset.ready = "empty"; return; }
    var viewer = new BpmnJS({container: container});
    viewer.importXML(payload.xml).then(function () {
      var registry = viewer.get("elementRegistry");
      if (registry.getAll().length <= 1) {
        container.textContent = container.dataset.emptyText;
        container.dataset.ready = "empty";
        return;
      }
      window.faoLaneTitles(viewer, JSON.parse(container.dataset.laneTitles || "{}"));
      viewer.get("canvas").zoom("fit-viewport", "auto");
      decorate(viewer, container, payload);
      var current = Object.keys(payload.states || {}).filter(function (id) {
        return payload.states[id] === "running" || payload.states[id] === "error";
      });
      if (!payload.heat && focus(viewer.get("canvas"), registry, current)) { container.dataset.focused = "1"; }
      viewer.get("eventBus").on("element.click", function (event) {
        container.dispatchEvent(new CustomEvent("fao:element-click", {bubbles: true, detail: {id: event.element.id}}));
      });
      container.dataset.ready = "1";
    }).catch(function (err) {
      container.textContent = container.dataset.failText + (err && err.message ? err.message : err);
      container.dataset.ready = "error";
    });
  }

  document.querySelectorAll("[data-diagram]").forEach(show);
})();
