"""The yardstick for `make bench-web`: a bare Flask app rendering a cached template of 20 items.

Whatever the portal does on top (the session check, the case, the audit event, the sealed
words, the security headers) is measured as a share of what this does on the same machine,
under the same gunicorn settings, in the same run.
"""

from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
<ul>{% for item in items %}
<li><a href="/items/{{ item.id }}">{{ item.label }}</a> {{ item.state }}</li>
{% endfor %}</ul>
</main></body></html>"""

ITEMS = [{"id": number, "label": f"Letter {number}", "state": "released"} for number in range(20)]

app = Flask(__name__)
app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once, then cached by Jinja


@app.get("/")
def page() -> str:
    return render_template("page.html", title="Items", items=ITEMS)
