"""The one auto-layout draws models without a diagram: loops, sub-processes, lanes, odd boundary events."""
from __future__ import annotations

from lxml import etree

from engine.bpmn.diagram import ensure_layout
from engine.bpmn.namespaces import BPMNDI, DC, bpmn

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:collaboration id="c"><bpmn:participant id="pool" processRef="p"/></bpmn:collaboration>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="clerks" name="fao_clerk"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>draft</bpmn:flowNodeRef><bpmn:flowNodeRef>sub</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="chiefs" name="section_chief"><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>ok</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="draft"/>
    <bpmn:userTask id="review"/>
    <bpmn:exclusiveGateway id="ok"/>
    <bpmn:subProcess id="sub"><bpmn:startEvent id="s1"/><bpmn:task id="t1"/>
      <bpmn:sequenceFlow id="i1" sourceRef="s1" targetRef="t1"/></bpmn:subProcess>
    <bpmn:boundaryEvent id="late" attachedToRef="review"/>
    <bpmn:boundaryEvent id="lost" attachedToRef="nowhere"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="draft"/>
    <bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="review"/>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="ok"/>
    <bpmn:sequenceFlow id="back" sourceRef="ok" targetRef="draft"/>
    <bpmn:sequenceFlow id="f4" sourceRef="ok" targetRef="sub"/>
    <bpmn:sequenceFlow id="f5" sourceRef="sub" targetRef="end"/>
    <bpmn:sequenceFlow id="f6" sourceRef="late" targetRef="end"/>
    <bpmn:sequenceFlow id="f7" sourceRef="lost" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _bounds(root, element_id: str) -> tuple[float, float, float, float]:
    shape = root.find(f".//{{{BPMNDI}}}BPMNShape[@bpmnElement='{element_id}']")
    b = shape.find(f"{{{DC}}}Bounds")
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def test_a_model_with_a_loop_lanes_and_a_sub_process_is_drawn_once_each():
    root = etree.fromstring(ensure_layout(MODEL).encode())
    shapes = [s.get("bpmnElement") for s in root.iter(f"{{{BPMNDI}}}BPMNShape")]
    assert sorted(shapes) == sorted(["pool", "clerks", "chiefs", "start", "draft", "review", "ok", "sub", "s1", "t1",
                                     "late", "end"])  # the boundary event without a host is left out
    edges = sorted(e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNEdge"))
    assert edges == ["back", "f1", "f2", "f3", "f4", "f5", "f6", "i1"]
    assert _bounds(root, "draft")[0] < _bounds(root, "review")[0] < _bounds(root, "end")[0]  # the loop goes back
    x, y, w, h = _bounds(root, "sub")
    tx, ty, tw, th = _bounds(root, "t1")
    assert x < tx and tx + tw < x + w and y < ty and ty + th < y + h  # drawn expanded, around its inside
    lane_y, lane_h = _bounds(root, "chiefs")[1], _bounds(root, "chiefs")[3]
    assert lane_y <= _bounds(root, "review")[1] < lane_y + lane_h
    assert root.find(bpmn("process")) is not None
