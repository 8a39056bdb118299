"""Growth: the cost of a completion beside many other cases, and a case's state in a revise loop."""
from __future__ import annotations

KEY = "bench_revise"
MODEL = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="bench">
<bpmn:process id="{KEY}" name="Revise" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l" name="fao_clerk"><bpmn:flowNodeRef>revise</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="begin"/>
<bpmn:exclusiveGateway id="merge"/>
<bpmn:userTask id="revise" name="Revise"/>
<bpmn:exclusiveGateway id="again" default="done"/>
<bpmn:endEvent id="finish"/>
<bpmn:sequenceFlow id="f1" sourceRef="begin" targetRef="merge"/>
<bpmn:sequenceFlow id="f2" sourceRef="merge" targetRef="revise"/>
<bpmn:sequenceFlow id="f3" sourceRef="revise" targetRef="again"/>
<bpmn:sequenceFlow id="back" sourceRef="again" targetRef="merge">
<bpmn:conditionExpression>decision == "revise"</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="done" sourceRef="again" targetRef="finish"/>
</bpmn:process></bpmn:definitions>""".encode()


def revise_loop_bytes(engine, actor, passes=(1, 5, 10)) -> dict[int, int]:
    """Bytes of one case's saved state after each of ``passes`` trips around a revise loop."""
    engine.deploy([(f"{KEY}.bpmn", MODEL)], actor)
    inst = engine.start(KEY, actor, {"title": "revise"})
    out: dict[int, int] = {}
    for n in range(1, max(passes) + 1):
        with engine.uow() as uow:
            task_id = uow.reads.tasks.open_of(inst.id)[0].id
        engine.complete(task_id, actor, {"decision": "revise", "comment": f"please revise, pass {n}"})
        if n in passes:
            with engine.uow() as uow:
                out[n] = len(uow.instances.get(inst.id).state.encode())
    return out
