/* The modeler's texts in both UI languages (zh_CN first). */
window.FaoTexts = function (lang) {
  "use strict";
  var zh = {
    loading: "正在打开模型…", loaded: "模型已打开。", loadFailed: "模型无法打开：",
    validating: "正在校验…", valid: "校验通过：可以发布。", invalid: "发现 {n} 个问题，已在图上标出。",
    deploying: "正在发布…", deployed: "已发布：", unchanged: "内容没有变化，未产生新版本：",
    noteRequired: "请先填写变更说明。", forbidden: "没有发布权限。", failed: "请求失败：",
    warnings: "提示（不影响发布）：", noElement: "（无法对应到图上的元素）", openVersion: "打开新版本",
    unsaved: "模型有未发布的修改，确定离开？",
    general: "常规", id: "ID", name: "名称", type: "类型", processId: "流程代码（ID）",
    processIdHint: "流程 ID 即流程代码；修改后发布会成为一个新流程。",
    lane: "岗位组（泳道名称）", laneHint: "泳道名称必须是岗位组代码，组内人员办理泳道中的任务。",
    inLane: "所在泳道", noLane: "（不在泳道中）",
    form: "表单", formSchema: "表单 JSON Schema 文件", formUi: "表单 UI Schema 文件",
    formHint: "只写文件名；文件须已发布或与模型一同发布。",
    instructions: "办理说明（instructionsForEndUser，可用 {{ 变量 }}）",
    timer: "定时器", timerKind: "类型", timeDate: "时间点（timeDate）", timeDuration: "时长（timeDuration）",
    timeCycle: "周期（timeCycle）", expression: "表达式",
    pythonHint: "表达式是 Python：字面量必须加引号，例如 \"P3D\"；可用 due_in_working_days(5) 等函数。",
    unquoted: "看起来是没有加引号的字面量：请写成 \"{v}\"。",
    condition: "条件表达式", conditionHint: "条件是 Python 表达式，例如 decision == \"approve\"（字符串要加引号）。",
    service: "服务任务", operator: "服务（serviceTaskOperator）", resultVariable: "结果变量",
    parameters: "参数（值为 Python 表达式）", paramId: "参数名", paramType: "类型", paramValue: "值",
    addParam: "添加参数", remove: "删除",
    script: "脚本（Python）", preScript: "前置脚本（preScript）", postScript: "后置脚本（postScript）",
    decision: "决策表 ID（calledDecisionId）", scripts: "脚本", nothing: "选择一个元素以编辑其属性。"
  };
  var en = {
    loading: "Opening the model…", loaded: "The model is open.", loadFailed: "The model cannot be opened: ",
    validating: "Validating…", valid: "Valid: it can be deployed.", invalid: "{n} problem(s) found, marked on the diagram.",
    deploying: "Deploying…", deployed: "Deployed: ", unchanged: "Nothing changed, no new version: ",
    noteRequired: "Please write a change note first.", forbidden: "You may not deploy.", failed: "The request failed: ",
    warnings: "Warnings (deploying is still possible):", noElement: "(not tied to a diagram element)",
    openVersion: "open the new version", unsaved: "The model has changes that are not deployed. Leave?",
    general: "General", id: "ID", name: "Name", type: "Type", processId: "Process key (ID)",
    processIdHint: "The process id is its key; deploying with another id makes a new process.",
    lane: "Group (lane name)", laneHint: "A lane's name must be a group key; its members work the lane's tasks.",
    inLane: "Lane", noLane: "(in no lane)",
    form: "Form", formSchema: "Form JSON Schema file", formUi: "Form UI Schema file",
    formHint: "File name only; it must be deployed already or deployed with the model.",
    instructions: "Instructions (instructionsForEndUser, {{ variables }} allowed)",
    timer: "Timer", timerKind: "Kind", timeDate: "Date (timeDate)", timeDuration: "Duration (timeDuration)",
    timeCycle: "Cycle (timeCycle)", expression: "Expression",
    pythonHint: "Expressions are Python: literals must be quoted, like \"P3D\"; helpers such as due_in_working_days(5) exist.",
    unquoted: "This looks like an unquoted literal: write \"{v}\".",
    condition: "Condition", conditionHint: "A Python expression, e.g. decision == \"approve\" (quote strings).",
    service: "Service task", operator: "Service (serviceTaskOperator)", resultVariable: "Result variable",
    parameters: "Parameters (values are Python expressions)", paramId: "Name", paramType: "Type", paramValue: "Value",
    addParam: "Add parameter", remove: "Remove",
    script: "Script (Python)", preScript: "Pre-script", postScript: "Post-script",
    decision: "Decision id (calledDecisionId)", scripts: "Scripts", nothing: "Select an element to edit its properties."
  };
  var texts = lang === "en" ? en : zh;
  return function (key, vars) {
    var text = texts[key] || en[key] || key;
    Object.keys(vars || {}).forEach(function (k) { text = text.replace("{" + k + "}", vars[k]); });
    return text;
  };
};
