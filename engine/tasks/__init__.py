"""Human tasks: their lifecycle (statuses and the transitions between them)."""
