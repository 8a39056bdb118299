// The process diagram of a case, current steps highlighted (bpmn-js NavigatedViewer).
(function () {
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
  var el = document.getElementById('diagram');
  if (!el || typeof BpmnJS === 'undefined') { return; }
  var viewer = new BpmnJS({ container: el });
  fetch(el.getAttribute('data-bpmn-url'), { credentials: 'same-origin' })
    .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      canvas.zoom('fit-viewport');
      function mark(ids, cls) {
        ids.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, cls); } });
      }
      mark(JSON.parse(el.getAttribute('data-done') || '[]'), 'fao-done');
      var active = JSON.parse(el.getAttribute('data-active') || '[]');
      mark(active, 'fao-active');
      if (focus(canvas, registry, active)) { el.setAttribute('data-focused', 'true'); }
      el.setAttribute('data-rendered', 'true');
    })
    .catch(function (err) { el.setAttribute('data-error', String(err)); el.textContent = String(err); });
})();
