"""gunicorn settings for one app server: `gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001 wsgi:app`.

Logs: gunicorn's own loggers write the same JSON lines as the app (portal.observability.logs),
and its access log stays off: it would write each raw URL, tokens and ids included, where the
app's own request event names the route template instead.

Metrics: each worker writes prometheus_client's multiprocess files to PROMETHEUS_MULTIPROC_DIR,
this app server's own folder (one per app server, under PORTAL_METRICS_DIR, where the exporter
adds them all up). The folder is emptied when the server starts, as prometheus_client requires;
another app server's folder is never touched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from portal.observability.logs import GUNICORN_LOGCONFIG

logconfig_dict = GUNICORN_LOGCONFIG
accesslog = None
errorlog = "-"
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "sync"
# A worker silent this long is restarted; long enough for ffmpeg to re-mux a long recording
# (portal.services.media gives it PROCESSING_SECONDS), which a sync worker does in the request.
timeout = 120
graceful_timeout = 20
# Behind nginx: the only client is the proxy, which sets X-Forwarded-For and X-Forwarded-Proto.
forwarded_allow_ips = "127.0.0.1"
control_socket_disable = True


def on_starting(_server: Any) -> None:
    """Empty this app server's metrics folder before any worker writes to it."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    path = Path(folder)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, mode=0o750)


def child_exit(_server: Any, worker: Any) -> None:
    """A worker that has gone leaves its counts (they are totals), but not its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
