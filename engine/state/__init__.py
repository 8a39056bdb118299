"""A case's live workflow: serializer, cache, stepping, projections and read-only views."""
