// The process diagram of a case, current steps highlighted (bpmn-js NavigatedViewer).
(function () {
  var focus = window.faoFocusDiagram;
  var el = document.getElementById('diagram');
  if (!el || typeof BpmnJS === 'undefined') { return; }
  var viewer = new BpmnJS({ container: el });
  fetch(el.getAttribute('data-bpmn-url'), { credentials: 'same-origin' })
    .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      window.faoLaneTitles(viewer, JSON.parse(el.getAttribute('data-lane-titles') || '{}'));
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
