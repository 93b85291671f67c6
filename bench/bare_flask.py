"""A bare Flask "hello" page: the yardstick the benchmarks serve beside the application,
with the same gunicorn settings (`gunicorn bench.bare_flask:app`)."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "hello"
