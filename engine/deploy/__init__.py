"""Deploying models: validation, lint, versioning, dry runs, trials and version compares."""
