"""Users, groups, roles, tokens, and who may see and do what."""
