"""The ``approval_authority`` decision table (DMN 1.3, hit policy UNIQUE).

Who approves an official trip abroad besides the office director. Cells are Python expressions
evaluated by SpiffWorkflow (``?`` stands for the input value). Each rule's annotation (the
``description`` of the rule, the annotation column of DMN editors) states it in words.
Inputs: delegation_size (persons), trip_days (days abroad incl. travel), destination_type
("hk_macao" | "asia" | "other"), highest_rank ("division" | "bureau" | "municipal").
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from engine.bpmn.namespaces import DMN as DMN_NS

ML, OD = '"municipal_leader"', '"office_director"'
NOT_MUNICIPAL = '? != "municipal"'

INPUTS = (
    ("delegation_size", "团组人数 Delegation size", "number"),
    ("trip_days", "在外天数 Days abroad", "number"),
    ("destination_type", "目的地类型 Destination type", "string"),
    ("highest_rank", "成员最高级别 Highest rank", "string"),
)

# (size, days, destination, rank) -> level, annotation
RULES = (
    (("-", "-", "-", '? == "municipal"'), ML,
     "有市级领导参加的团组，一律报市领导审批。Any delegation with a municipal leader: municipal leader."),
    (("? > 6", "-", "-", NOT_MUNICIPAL), ML,
     "团组超过6人，报市领导审批。More than 6 members: municipal leader."),
    (("? <= 6", "? > 7", '? == "hk_macao"', NOT_MUNICIPAL), ML,
     "赴港澳超过7天，报市领导审批。Hong Kong/Macao for more than 7 days: municipal leader."),
    (("? <= 6", "? > 10", '? in ("asia", "other")', NOT_MUNICIPAL), ML,
     "出国超过10天，报市领导审批。Abroad for more than 10 days: municipal leader."),
    (("? <= 6", "? <= 10", '? == "other"', '? == "bureau"'), ML,
     "局级干部赴亚洲以外国家，报市领导审批。Bureau-level member to a country outside Asia: municipal leader."),
    (("? <= 6", "? <= 10", '? == "asia"', '? == "bureau"'), OD,
     "局级干部赴亚洲国家、6人以内、10天以内，外办主任审批。Bureau level to Asia within limits: office director."),
    (("? <= 6", "? <= 7", '? == "hk_macao"', '? == "bureau"'), OD,
     "局级干部赴港澳、6人以内、7天以内，外办主任审批。Bureau level to Hong Kong/Macao within limits: office director."),
    (("? <= 6", "? <= 10", '? in ("asia", "other")', '? == "division"'), OD,
     "处级及以下人员出国、6人以内、10天以内，外办主任审批。Division level abroad within limits: office director."),
    (("? <= 6", "? <= 7", '? == "hk_macao"', '? == "division"'), OD,
     "处级及以下人员赴港澳、6人以内、7天以内，外办主任审批。Division level to Hong Kong/Macao within limits: office "
     "director."),
)

POLICY = ("审批权限：市级领导参团、团组超过6人、赴港澳超过7天、出国超过10天、局级干部赴亚洲以外国家的，"
          "由外办主任审核后报市领导审批；其余由外办主任审批。")


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{DMN_NS}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def approval_authority_xml() -> str:
    ET.register_namespace("", DMN_NS)
    root = ET.Element(f"{{{DMN_NS}}}definitions", {
        "id": "approval_authority_definitions", "name": "审批权限 Approval authority",
        "namespace": "https://hengyang.gov.cn/fao/dmn"})
    decision = _el(root, "decision", id="approval_authority", name="审批权限 Approval authority")
    _el(decision, "description", POLICY)
    table = _el(decision, "decisionTable", id="approval_authority_table", hitPolicy="UNIQUE")
    for i, (expr, label, type_ref) in enumerate(INPUTS):
        inp = _el(table, "input", id=f"input_{i + 1}", label=label)
        ie = _el(inp, "inputExpression", id=f"input_expression_{i + 1}", typeRef=type_ref)
        _el(ie, "text", expr)
    _el(table, "output", id="output_1", label="审批层级 Approval level", name="approval_level", typeRef="string")
    for r, (cells, level, note) in enumerate(RULES, start=1):
        rule = _el(table, "rule", id=f"rule_{r}")
        _el(rule, "description", note)
        for c, cell in enumerate(cells, start=1):
            entry = _el(rule, "inputEntry", id=f"rule_{r}_in_{c}")
            _el(entry, "text", cell)
        out = _el(rule, "outputEntry", id=f"rule_{r}_out")
        _el(out, "text", level)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
