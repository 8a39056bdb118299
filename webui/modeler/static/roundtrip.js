/* What the modeler opens, it saves: the part bpmn-moddle's descriptors cannot say.

   bpmn-moddle leaves out of the XML every attribute whose value is its default, also when the
   file wrote it: `testBefore="false"` on a standard loop, `isSequential="false"` on a multi-instance.
   The engine reads them the same either way, but the version compare would report a change nobody
   made. So while the XML is written, each attribute that the element holds as its own value (read
   from the file, or set by an edit) and that equals the default is written as a plain attribute;
   afterwards the element is as before. (The spiffworkflow: elements, loopDataInputRef and
   messagePath are kept by spiffworkflow-moddle.json.) */
window.FaoRoundTrip = (function () {
  "use strict";
  var own = Object.prototype.hasOwnProperty;

  /* every model element under `root` (containment only, not references), each once */
  function eachElement(root, visit) {
    var seen = new Set();
    var stack = [root];
    while (stack.length) {
      var el = stack.pop();
      if (!el || typeof el !== "object" || !el.$descriptor || seen.has(el)) { continue; }
      seen.add(el);
      visit(el);
      (el.$descriptor.properties || []).forEach(function (p) {  // a generic element has none
        if (p.isReference || p.isVirtual || p.isAttr) { return; }
        var value = el[p.name];
        if (Array.isArray(value)) { value.forEach(function (v) { stack.push(v); }); } else { stack.push(value); }
      });
      (el.$children || []).forEach(function (c) { stack.push(c); });  // generic (unknown-namespace) elements
    }
  }

  /* attributes an element holds at their default value: [[element, attribute name, text], ...] */
  function explicitDefaults(definitions) {
    var found = [];
    eachElement(definitions, function (el) {
      (el.$descriptor.properties || []).forEach(function (p) {
        if (!p.isAttr || p.isReference || p.default === undefined || !own.call(el, p.name)) { return; }
        if (el[p.name] !== p.default) { return; }
        // named as moddle-xml names it: an attribute of the type (or its supertypes) or of the element's own
        // namespace without a prefix, an extension's attribute (spiffworkflow:...) with its prefix
        var name = p.inherited || p.ns.prefix === el.$descriptor.ns.prefix ? p.ns.localName : p.ns.name;
        if (el.$attrs[name] === undefined) { found.push([el, name, String(p.default)]); }
      });
    });
    return found;
  }

  function install(modeler) {
    var added = [];
    modeler.on("saveXML.start", function (event) {
      added = explicitDefaults(event.definitions);
      added.forEach(function (a) { a[0].$attrs[a[1]] = a[2]; });
    });
    modeler.on("saveXML.done", function () {
      added.forEach(function (a) { delete a[0].$attrs[a[1]]; });
      added = [];
    });
  }

  return {install: install, explicitDefaults: explicitDefaults};
})();
