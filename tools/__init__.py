"""Developer tools, not installed with the project (pyproject packages.find leaves them out)."""
