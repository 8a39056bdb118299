// Shared by the case diagrams (task and case pages, monitor): open a wide process on its current steps.
(function () {
  "use strict";

  // A wide process fitted into the panel is too small to read: show the current steps at a
  // readable scale instead (the viewer still pans and zooms to the rest).
  window.faoFocusDiagram = function (canvas, registry, ids) {
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
  };

  // Lanes are named by group key (fao_clerk); readers see the group's title (外办经办人). Only the
  // picture changes: the viewer never saves the model.
  window.faoLaneTitles = function (viewer, titles) {
    var registry = viewer.get("elementRegistry");
    var graphics = viewer.get("graphicsFactory");
    registry.filter(function (e) { return e.type === "bpmn:Lane"; }).forEach(function (lane) {
      var title = titles[lane.businessObject.name];
      if (!title) { return; }
      lane.businessObject.name = title;
      graphics.update("shape", lane, registry.getGraphics(lane));
    });
  };
}());
