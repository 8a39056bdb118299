/* The modeler's words, rendered into the page from the Babel catalogue (#modeler-texts):
   FaoTexts.tr(key, vars) for the page's own words, and FaoTexts.translateModule, which replaces
   bpmn-js's translate module so its menus, palette and context pad speak the reader's language. */
window.FaoTexts = (function () {
  "use strict";
  var texts = JSON.parse(document.getElementById("modeler-texts").textContent);
  var own = texts.ui || {};
  var bpmn = texts.bpmn || {};

  function fill(template, vars) {
    return template.replace(/{([^{}]+)}/g, function (whole, name) {
      return vars && Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : whole;
    });
  }

  return {
    tr: function (key, vars) { return fill(own[key] || key, vars); },
    translateModule: {translate: ["value", function (template, replacements) {
      return fill(bpmn[template] || template, replacements);
    }]}
  };
})();
