"""The generator of ``bpmn_models/``: the twenty processes, their forms and decisions, described in Python."""
