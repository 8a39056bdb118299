"""Persistence: SQLAlchemy 2.0 models, unit of work, read-only queries, migrations.

Imports nothing of ours.
"""
