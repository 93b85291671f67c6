"""Serving an application with gunicorn for a benchmark, and logging in to it.

Shared by the benchmarks that measure requests (bench/load.py, bench/http.py): the server
listens on 127.0.0.1 only and runs in its own process group, stopped as a whole.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def start_server(
    app: str,
    port: int,
    workers: int,
    *,
    env: dict[str, str],
    threads: int = 1,
    ready_path: str = "/login",
) -> subprocess.Popen:
    """gunicorn serving `app` ("module:variable", imported from the repository root) with
    `workers` workers (sync, or gthread with `threads` threads each), once `ready_path`
    answers 200."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            # Threads let a worker serve another request while one waits on the
            # database (its commit's flush to disk): see bench/README.md.
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--threads",
            str(threads),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    # Generous: on a busy machine importing the app alone takes a while.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}{ready_path}", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn serving {app} did not answer within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def csrf_of(response: httpx.Response) -> str:
    match = CSRF_RE.search(response.text)
    if match is None:
        raise RuntimeError(f"no CSRF token on {response.request.url} ({response.status_code})")
    return match.group(1)


def log_in(client: httpx.Client, username: str, password: str) -> None:
    """Log `client` in through the login form; RuntimeError when refused."""
    token = csrf_of(client.get("/login"))
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} answered {response.status_code}")
