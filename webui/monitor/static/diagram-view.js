/* Case and analytics diagrams: bpmn-js NavigatedViewer with state markers, run badges and heat. */
(function () {
  "use strict";

  // A wide process fitted into the panel is too small to read: show the current steps at a
  // readable scale instead (the viewer still pans and zooms to the rest).
  function focus(canvas, registry, ids) {
    var shapes = ids.map(function (id) { return registry.get(id); })
      .filter(function (e) { return e && !e.waypoints && e.width; });
    var inner = shapes.filter(function (e) { return e.type !== "bpmn:SubProcess" && e.type !== "bpmn:Participant"; });
    shapes = inner.length ? inner : shapes;
    var fitted = canvas.zoom();
    if (!shapes.length || fitted >= 0.6) { return false; }
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    shapes.forEach(function (s) {
      minX = Math.min(minX, s.x); minY = Math.min(minY, s.y);
      maxX = Math.max(maxX, s.x + s.width); maxY = Math.max(maxY, s.y + s.height);
    });
    var outer = canvas.viewbox().outer;
    var scale = Math.min(0.9, outer.width / (maxX - minX + 240), outer.height / (maxY - minY + 160));
    scale = Math.max(scale, fitted);
    var w = outer.width / scale, h = outer.height / scale;
    canvas.viewbox({x: (minX + maxX) / 2 - w / 2, y: (minY + maxY) / 2 - h / 2, width: w, height: h});
    return true;
  }

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
