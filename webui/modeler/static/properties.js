/* A small properties panel for what the engine reads, edited through bpmn-js's moddle API
   (modeling.updateProperties / updateModdleProperties, so undo and redo work). */
window.FaoProperties = (function () {
  "use strict";
  var SPIFF = "spiffworkflow:";
  /* the moddle type of a spiffworkflow: element: types are capitalised, elements are not
     (spiffworkflow-moddle.json has tagAlias lowerCase, as bpmn-moddle does) */
  function spiff(element) { return SPIFF + element.charAt(0).toUpperCase() + element.slice(1); }
  var FORM_SCHEMA = "formJsonSchemaFilename";
  var FORM_UI = "formUiSchemaFilename";
  var TIMER_KINDS = ["timeDuration", "timeDate", "timeCycle"];
  var UNQUOTED = /^\s*(R\d*\/)?P(\d+[YMWD])*(T(\d+[HMS])+)?\s*$|^\s*\d{4}-\d{2}-\d{2}(T[\d:]+.*)?\s*$/;

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (k.slice(0, 2) === "on") { node.addEventListener(k.slice(2), attrs[k]); } else if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) { node.setAttribute(k, attrs[k] === true ? "" : attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return node;
  }

  function Panel(modeler, container, options) {
    this.modeler = modeler;
    this.container = container;
    this.options = options;
    this.tr = options.tr;
    this.modeling = modeler.get("modeling");
    this.moddle = modeler.get("moddle");
    this.registry = modeler.get("elementRegistry");
    this.current = null;
    var self = this;
    modeler.on("selection.changed", function (e) { self.show(e.newSelection.length === 1 ? e.newSelection[0] : null); });
    modeler.on("elements.changed", function (e) {
      var current = self.current;
      if (self.quietly) { return; }  // our own edit: the fields show it already, keep the focus
      if (current && e.elements.some(function (x) { return x.id === current.id; })) { self.show(self.registry.get(current.id) || null); }
    });
    this.show(null);
  }

  /* --- moddle helpers ---------------------------------------------------------------------- */
  Panel.prototype.ext = function (bo, type) {
    var ee = bo.get("extensionElements");
    return ee ? (ee.get("values") || []).filter(function (v) { return v.$type === type; })[0] : undefined;
  };

  Panel.prototype.setExt = function (element, bo, type, value) {
    var ee = bo.get("extensionElements");
    if (!ee) {
      if (!value) { return; }
      ee = this.moddle.create("bpmn:ExtensionElements", {values: []});
      ee.$parent = bo;
      this.modeling.updateModdleProperties(element, bo, {extensionElements: ee});
    }
    var values = (ee.get("values") || []).filter(function (v) { return v.$type !== type; });
    if (value) { value.$parent = ee; values.push(value); }
    this.modeling.updateModdleProperties(element, ee, {values: values});
  };

  Panel.prototype.bodyExt = function (bo, name) {
    var found = this.ext(bo, spiff(name));
    return found ? (found.get("value") || "") : "";
  };

  Panel.prototype.setBodyExt = function (element, name, text) {
    var value = text.trim() ? this.moddle.create(spiff(name), {value: text}) : null;
    this.setExt(element, element.businessObject, spiff(name), value);
  };

  Panel.prototype.property = function (bo, name) {
    var props = this.ext(bo, spiff("properties"));
    var hit = props ? (props.get("properties") || []).filter(function (p) { return p.name === name; })[0] : null;
    return hit ? hit.value || "" : "";
  };

  Panel.prototype.setProperty = function (element, name, value) {
    var bo = element.businessObject;
    var props = this.ext(bo, spiff("properties"));
    var moddle = this.moddle;
    var list = (props ? props.get("properties") || [] : []).filter(function (p) { return p.name !== name; })
      .map(function (p) { return moddle.create(spiff("property"), {name: p.name, value: p.value}); });
    if (value.trim()) { list.push(moddle.create(spiff("property"), {name: name, value: value.trim()})); }
    var fresh = null;
    if (list.length) {
      fresh = moddle.create(spiff("properties"), {properties: list});
      list.forEach(function (p) { p.$parent = fresh; });
    }
    this.setExt(element, bo, spiff("properties"), fresh);
  };

  Panel.prototype.expression = function (body, parent) {
    var fe = this.moddle.create("bpmn:FormalExpression", {body: body});
    fe.$parent = parent;
    return fe;
  };

  /* --- fields -------------------------------------------------------------------------------- */
  Panel.prototype.field = function (label, control, hint, extra) {
    return h("div", {"class": "prop"}, [h("label", {}, [h("span", {text: label}), control]),
      hint ? h("p", {"class": "hint", text: hint}) : null, extra || null]);
  };

  Panel.prototype.quiet = function (fn) {
    this.quietly = true;
    try { fn(); } finally { this.quietly = false; }
  };

  Panel.prototype.input = function (value, onchange, attrs) {
    var self = this;
    var node = h("input", Object.assign({type: "text", value: value || ""}, attrs || {}));
    node.addEventListener("change", function () { self.quiet(function () { onchange(node.value); }); });
    return node;
  };

  Panel.prototype.area = function (value, onchange, attrs) {
    var self = this;
    var node = h("textarea", Object.assign({rows: 3, spellcheck: "false"}, attrs || {}), [value || ""]);
    node.addEventListener("change", function () { self.quiet(function () { onchange(node.value); }); });
    return node;
  };

  Panel.prototype.datalist = function (id, values) {
    return h("datalist", {id: id}, values.map(function (v) {
      return Array.isArray(v) ? h("option", {value: v[0]}, [v[1]]) : h("option", {value: v});
    }));
  };

  Panel.prototype.pythonWarning = function (area) {
    /* a live reminder under a Python expression field: a bare ISO literal must be quoted */
    var tr = this.tr;
    var note = h("p", {"class": "warn-text python-warning", role: "status"});
    var check = function () {
      var text = area.value.trim();
      var bad = Boolean(text) && UNQUOTED.test(text);
      note.hidden = !bad;
      note.textContent = bad ? tr("unquoted", {v: text}) : "";
    };
    area.addEventListener("input", check);
    check();
    return note;
  };

  /* --- sections ------------------------------------------------------------------------------ */
  Panel.prototype.show = function (element) {
    var canvas = this.modeler.get("canvas");
    this.current = element || canvas.getRootElement();
    var el = this.current;
    var bo = el.businessObject;
    var tr = this.tr;
    var self = this;
    var typeName = bo.$type.replace("bpmn:", "");
    var typeText = tr("type." + typeName);
    if (typeText === "type." + typeName) { typeText = typeName; }  // a type the catalogue does not name
    var out = [h("h2", {text: tr("general")}), h("p", {"class": "meta", text: typeText + " · " + (bo.id || "")})];
    if (!element) {
      out.push(h("p", {"class": "hint", text: tr("nothing")}));
      if (bo.$type === "bpmn:Process") {
        out.push(this.field(tr("processId"), this.input(bo.id, function (v) { if (v.trim()) { self.modeling.updateProperties(el, {id: v.trim()}); } },
          {name: "process-id", readonly: this.options.key ? true : null}), tr("processIdHint")));
      }
    }
    if (bo.$type !== "bpmn:Lane" && el.type !== "label") {
      out.push(this.field(tr("name"), this.input(bo.name, function (v) { self.modeling.updateProperties(el, {name: v}); }, {name: "name"})));
    }
    if (bo.$type === "bpmn:Lane") { out.push(this.laneSection(el)); }
    if (bo.$instanceOf && bo.$instanceOf("bpmn:FlowNode")) { out.push(this.laneInfo(el)); }
    var isStart = bo.$type === "bpmn:StartEvent" && !(bo.eventDefinitions || []).length;
    if (bo.$type === "bpmn:UserTask" || bo.$type === "bpmn:ManualTask" || isStart) { out.push(this.formSection(el, !isStart)); }
    var timer = (bo.eventDefinitions || []).filter(function (d) { return d.$type === "bpmn:TimerEventDefinition"; })[0];
    if (timer) { out.push(this.timerSection(el, timer)); }
    if (bo.$type === "bpmn:SequenceFlow" && bo.sourceRef && /Gateway$/.test(bo.sourceRef.$type)) { out.push(this.conditionSection(el)); }
    if (bo.$type === "bpmn:ServiceTask") { out.push(this.serviceSection(el)); }
    if (bo.$type === "bpmn:BusinessRuleTask") {
      out.push(this.field(tr("decision"), this.input(this.bodyExt(bo, "calledDecisionId"), function (v) { self.setBodyExt(el, "calledDecisionId", v); }, {name: "calledDecisionId"})));
    }
    if (bo.$instanceOf && bo.$instanceOf("bpmn:Activity")) { out.push(this.scriptSection(el)); }
    this.container.replaceChildren.apply(this.container, out.filter(Boolean));
  };

  Panel.prototype.laneSection = function (el) {
    var self = this;
    var control = this.input(el.businessObject.name, function (v) { self.modeling.updateProperties(el, {name: v.trim()}); },
      {name: "lane", list: "fao-groups"});
    return this.field(this.tr("lane"), control, this.tr("laneHint"), this.datalist("fao-groups", this.options.groups));
  };

  Panel.prototype.laneInfo = function (el) {
    var bo = el.businessObject;
    var found = [];
    var walk = function (laneSets) {
      (laneSets || []).forEach(function (set) {
        (set.lanes || []).forEach(function (lane) {
          if ((lane.flowNodeRef || []).indexOf(bo) >= 0) { found.push(lane.name || lane.id); }
          walk(lane.childLaneSet ? [lane.childLaneSet] : []);
        });
      });
    };
    var container = bo.$parent;
    while (container && !container.laneSets && container.$parent && container.$type !== "bpmn:Process") { container = container.$parent; }
    walk(container ? container.laneSets : []);
    var groups = {};
    this.options.groups.forEach(function (g) { groups[g[0]] = g[1]; });
    var text = found.length ? found.map(function (n) { return groups[n] ? n + "（" + groups[n] + "）" : n; }).join(", ") : this.tr("noLane");
    return h("p", {"class": "lane-info"}, [h("strong", {text: this.tr("inLane") + "："}), text]);
  };

  Panel.prototype.formSection = function (el, withInstructions) {
    var self = this;
    var bo = el.businessObject;
    var box = h("fieldset", {"class": "group"}, [h("legend", {text: this.tr("form")})]);
    box.appendChild(this.field(this.tr("formSchema"), this.input(this.property(bo, FORM_SCHEMA), function (v) { self.setProperty(el, FORM_SCHEMA, v); },
      {name: FORM_SCHEMA, list: "fao-forms"}), this.tr("formHint"), this.datalist("fao-forms", this.options.forms)));
    box.appendChild(this.field(this.tr("formUi"), this.input(this.property(bo, FORM_UI), function (v) { self.setProperty(el, FORM_UI, v); },
      {name: FORM_UI, list: "fao-forms"})));
    if (withInstructions) {
      box.appendChild(this.field(this.tr("instructions"), this.area(this.bodyExt(bo, "instructionsForEndUser"), function (v) { self.setBodyExt(el, "instructionsForEndUser", v); },
        {name: "instructionsForEndUser", rows: 4})));
    }
    return box;
  };

  Panel.prototype.timerSection = function (el, ted) {
    var self = this;
    var kind = TIMER_KINDS.filter(function (k) { return ted.get(k); })[0] || "timeDuration";
    var current = ted.get(kind) ? ted.get(kind).body || "" : "";
    var box = h("fieldset", {"class": "group"}, [h("legend", {text: this.tr("timer")})]);
    var select = h("select", {name: "timer-kind"}, TIMER_KINDS.map(function (k) { return h("option", {value: k, selected: k === kind}, [self.tr(k)]); }));
    var write = function (newKind, body) {
      var props = {timeDate: undefined, timeDuration: undefined, timeCycle: undefined};
      if (body.trim()) { props[newKind] = self.expression(body.trim(), ted); }
      self.modeling.updateModdleProperties(el, ted, props);
    };
    select.addEventListener("change", function () { self.quiet(function () { write(select.value, current); }); });
    box.appendChild(this.field(this.tr("timerKind"), select));
    var area = this.area(current, function (v) { current = v; write(select.value, v); }, {name: "timer-expression", rows: 2});
    box.appendChild(this.field(this.tr("expression"), area, this.tr("pythonHint"), this.pythonWarning(area)));
    return box;
  };

  Panel.prototype.conditionSection = function (el) {
    var self = this;
    var bo = el.businessObject;
    var current = bo.conditionExpression ? bo.conditionExpression.body || "" : "";
    var area = this.area(current, function (v) {
      self.modeling.updateProperties(el, {conditionExpression: v.trim() ? self.expression(v.trim(), bo) : undefined});
    }, {name: "condition", rows: 2});
    return this.field(this.tr("condition"), area, this.tr("conditionHint"), this.pythonWarning(area));
  };

  Panel.prototype.serviceSection = function (el) {
    var self = this;
    var bo = el.businessObject;
    var op = this.ext(bo, spiff("serviceTaskOperator"));
    var params = op && op.get("parameterList") ? (op.get("parameterList").get("parameters") || []) : [];
    var state = {id: op ? op.get("id") || "" : "", result: op ? op.get("resultVariable") || "" : "", retry: op ? op.get("retry") : undefined,
      params: params.map(function (p) { return {id: p.get("id") || p.get("name") || "", type: p.get("type") || "str", value: p.get("value") || ""}; })};
    var save = function () {
      if (!state.id.trim()) { self.setExt(el, bo, spiff("serviceTaskOperator"), null); return; }
      var m = self.moddle;
      var list = state.params.filter(function (p) { return p.id.trim(); }).map(function (p) {
        return m.create(spiff("parameter"), {id: p.id.trim(), type: p.type || "str", value: p.value});
      });
      var holder = m.create(spiff("parameters"), {parameters: list});
      list.forEach(function (p) { p.$parent = holder; });
      var attrs = {id: state.id.trim(), parameterList: holder};
      if (state.result.trim()) { attrs.resultVariable = state.result.trim(); }
      if (state.retry) {  /* kept as it was: the panel does not edit it */
        attrs.retry = m.create(spiff("retry"), {retries: state.retry.get("retries"), backoff_base: state.retry.get("backoff_base")});
      }
      var fresh = m.create(spiff("serviceTaskOperator"), attrs);
      holder.$parent = fresh;
      if (attrs.retry) { attrs.retry.$parent = fresh; }
      self.setExt(el, bo, spiff("serviceTaskOperator"), fresh);
    };
    var box = h("fieldset", {"class": "group"}, [h("legend", {text: this.tr("service")})]);
    box.appendChild(this.field(this.tr("operator"), this.input(state.id, function (v) { state.id = v; save(); }, {name: "operator", list: "fao-operators"}),
      null, this.datalist("fao-operators", this.options.operators)));
    box.appendChild(this.field(this.tr("resultVariable"), this.input(state.result, function (v) { state.result = v; save(); }, {name: "resultVariable"})));
    var table = h("div", {"class": "params"}, [h("p", {"class": "hint", text: this.tr("parameters")})]);
    state.params.forEach(function (p, i) {
      table.appendChild(h("div", {"class": "param"}, [
        self.input(p.id, function (v) { p.id = v; save(); }, {placeholder: self.tr("paramId"), "class": "param-id"}),
        self.input(p.type, function (v) { p.type = v; save(); }, {placeholder: self.tr("paramType"), "class": "param-type"}),
        self.input(p.value, function (v) { p.value = v; save(); }, {placeholder: self.tr("paramValue"), "class": "param-value"}),
        h("button", {type: "button", "class": "link-button", text: self.tr("remove"), onclick: function () { state.params.splice(i, 1); save(); }})
      ]));
    });
    table.appendChild(h("button", {type: "button", text: this.tr("addParam"), onclick: function () { state.params.push({id: "param" + (state.params.length + 1), type: "str", value: "\"\""}); save(); }}));
    box.appendChild(table);
    return box;
  };

  Panel.prototype.scriptSection = function (el) {
    var self = this;
    var bo = el.businessObject;
    var box = h("fieldset", {"class": "group"}, [h("legend", {text: this.tr("scripts")})]);
    if (bo.$type === "bpmn:ScriptTask") {
      box.appendChild(this.field(this.tr("script"), this.area(bo.script, function (v) { self.modeling.updateProperties(el, {script: v}); }, {name: "script", rows: 6})));
    }
    box.appendChild(this.field(this.tr("preScript"), this.area(this.bodyExt(bo, "preScript"), function (v) { self.setBodyExt(el, "preScript", v); }, {name: "preScript"})));
    box.appendChild(this.field(this.tr("postScript"), this.area(this.bodyExt(bo, "postScript"), function (v) { self.setBodyExt(el, "postScript", v); }, {name: "postScript"})));
    box.appendChild(h("p", {"class": "hint", text: this.tr("pythonHint")}));
    return box;
  };

  return Panel;
})();
