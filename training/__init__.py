"""Practice scenarios run in sandbox workspaces for new staff."""
