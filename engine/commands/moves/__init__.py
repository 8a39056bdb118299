"""Token move (instance modification): take a case's token off one step and start it somewhere else.

Semantics follow Camunda's process instance modification: the token at the source step is cancelled
(with the boundary events that wait on it, and the subprocess it runs, for a call activity), and a
new token starts in the same process or subprocess, in one of three places:

* **before** an element (a task, an activity, a gateway): the element runs as if the flow had just
  reached it;
* **after** an activity or event: the token leaves on the element's outgoing flows as if it had
  completed, without running it (a timer is skipped, a parallel split after it fires all branches);
* **on a sequence flow**: the token arrives at the flow's target by that flow (a parallel or
  inclusive gateway counts the flows its tokens arrive on, so a token may join or split there).

Nothing between the two places runs; the case keeps all its data; the history stays as it was
(completed steps stay completed, the cancelled step shows as cancelled). A step inside one iteration
of a loop or multi-instance subprocess moves within that iteration. A move after which a parallel
join could never fire (no token left to come on one of its flows) is refused.

How, in SpiffWorkflow 3.2 terms (one mechanism for backward, forward and sideways moves):

1. ``Task.cancel()`` on the source token (for a task with boundary events, on every unfinished child
   of its ``BoundaryEventSplit``): the library's own cancellation, which drops the predicted tasks
   below it and cancels a call activity's subprocess (``SubWorkflowTask._on_cancel``).
2. ``parent._add_child(entry, FUTURE)`` under the source token's parent, marked ``triggered``, then
   ``Task.reset_branch(data)`` on the new task, which predicts its branch and updates it (READY, or a
   join's threshold check). That is how SpiffWorkflow itself starts a token at an arbitrary spec
   (``BpmnStartTask.trigger_wf`` and the multi-instance ``create_child`` do the same ``_add_child`` +
   update), and ``triggered`` keeps the branch from being pruned as an unexpected child. ``entry`` is
   the target's ``BoundaryEventSplit`` when the target has boundary events (so its timers are armed).
   To start *after* an element or *on a flow*, the new task goes under a task of the flow's source
   spec added first and set COMPLETED without running (internal data ``fao_moved_past``): joins see
   the token arrive on that flow (they look at their task's parent), and the case's activities do not
   count the passed element as run.
3. The command's engine steps run what is READY (a script, service or gateway target runs at once).

``BpmnWorkflow.reset_from_task_id`` was not used for backward moves: it deletes the completed steps
after the target from the tree (the case forgets it ran them), re-uses the target's old task id
(its completed inbox row would be re-opened with the old assignee) and points ``last_task`` at the
older data, so the case would show rolled-back data.
"""
from __future__ import annotations

from engine.commands.moves.applying import move_preview, move_token, sequence_flows, start_token
from engine.commands.moves.elements import POSITIONS, Element, MovePreview, MoveRequest, Refusal
from engine.commands.moves.planning import plan_move
from engine.state.activities import PASSED

__all__ = ["PASSED", "POSITIONS", "Element", "MovePreview", "MoveRequest", "Refusal", "move_preview", "move_token",
           "plan_move", "sequence_flows", "start_token"]
