"""Qayd's base layer: the app factory (`commission.app`), extensions, database, accounts
and roles, workspaces, the audit log, the file store and the CLI wiring. It imports no
domain package at module level; `create_app` is the composition root that does.
"""
