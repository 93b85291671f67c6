"""Users, roles, offices, passwords, login and logout."""
