"""Flask extensions, created unbound; `create_app` binds them with `init_app`."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from portal.storage.db import Database


def client_address() -> str:
    return request.remote_addr or "unknown"


babel = Babel()
database = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_address, default_limits=[])


@limiter.request_filter
def _reading_is_not_counted() -> bool:
    """Every limit is on a form post (signing in, a reset, a request for contact), so a page read
    skips the limiter's lookup on every request; and when Redis is down, the in-process fallback
    ceiling stops a sprayer's posts without stopping people behind one address reading pages."""
    return request.method in ("GET", "HEAD", "OPTIONS")
