"""The sandboxed script engine: scripts, conditions and timer expressions are untrusted."""
