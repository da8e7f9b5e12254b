"""Users, sessions, API tokens, roles and scopes, and the audit log."""
