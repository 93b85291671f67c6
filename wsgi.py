"""Entry point for gunicorn (`gunicorn wsgi:app`) and the `flask --app wsgi` CLI."""

from commission.app import create_app
from config import load_config

app = create_app(load_config())
