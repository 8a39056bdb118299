"""Service-task handlers: the registry and the context a handler runs in."""
