"""BPMN model files: safe XML intake, namespaces, facts about parsed specs."""
