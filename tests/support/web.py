"""Logging a test client in: the shared password, user references, CSRF tokens."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery staple"


class UserRef:
    def __init__(self, id: int, username: str, password: str):
        self.id, self.username, self.password = id, username, password


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, user: UserRef, password: str | None = None):
    token = csrf_token(client)
    return client.post(
        "/login",
        data={
            "username": user.username,
            "password": password or user.password,
            "csrf_token": token,
        },
    )
