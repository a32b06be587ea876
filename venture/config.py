"""Settings from the environment, with the embedded defaults.

With no environment at all Venture runs embedded: SQLite in ``instance/``, Celery tasks
run in-process, mail written to a log. Each of ``DATABASE_URL``, ``REDIS_URL`` and
``MAIL_SERVER`` switches its part to the real service.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = PROJECT_ROOT / "templates"


def instance_path() -> Path:
    """Where the embedded database, secret key and uploads live."""
    return Path(os.environ.get("VENTURE_INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the platform hands us."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _persistent_secret_key(folder: Path, name: str = "secret_key") -> str:
    """A key generated once and kept in the instance folder (a file, never the database)."""
    key_file = folder / name
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL so that two processes starting together agree on one key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


AUDIT_KEY_FILE = "audit_key"


def _audit_key(folder: Path) -> dict:
    """VENTURE_AUDIT_KEY, or a key generated once into instance/audit_key; says which."""
    if os.environ.get("VENTURE_AUDIT_KEY"):
        return {
            "AUDIT_KEY": os.environ["VENTURE_AUDIT_KEY"],
            "AUDIT_KEY_SOURCE": "VENTURE_AUDIT_KEY",
        }
    key_file = folder / AUDIT_KEY_FILE
    created = not key_file.exists()
    key = _persistent_secret_key(folder, AUDIT_KEY_FILE)
    source = f"{key_file} (generated now)" if created else str(key_file)
    return {"AUDIT_KEY": key, "AUDIT_KEY_SOURCE": source}


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment() -> dict:
    """The effective configuration, read once by create_app."""
    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'venture.db'}"
    redis_url = os.environ.get("REDIS_URL") or ""
    mail_server = os.environ.get("MAIL_SERVER") or ""
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _persistent_secret_key(folder),
        # Keys the audit chain's links (HMAC-SHA256). It must live outside the database, or
        # whoever can write the database could rewrite the chain and re-link it.
        **_audit_key(folder),
        "INSTANCE_PATH": str(folder),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or str(folder / "uploads"),
        "EXPORT_FOLDER": os.environ.get("EXPORT_FOLDER") or str(folder / "exports"),
        "STATIC_BUILD_FOLDER": os.environ.get("STATIC_BUILD_FOLDER")
        or str(folder / "static-build"),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(database_url),
        "REDIS_URL": redis_url,
        # Mail: MAIL_SERVER unset means "write mail to the log".
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or "",
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or "",
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER")
        or "Venture <noreply@venture.local>",
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT") or 10),
        "BASE_URL": (os.environ.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("VENTURE_DEFAULT_LOCALE") or "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", default=False),
        # "Keep me logged in" lasts longer than the session: it is sent only over HTTPS too.
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", default=False),
        "REQUIRE_ORGANIZER_2FA": _flag("VENTURE_REQUIRE_ORGANIZER_2FA"),
        # First retry delay of a failed email; doubles on each attempt, at most an hour.
        "NOTICE_RETRY_BASE_SECONDS": int(os.environ.get("VENTURE_NOTICE_RETRY_BASE_SECONDS") or 30),
        "LOGIN_RATE_LIMIT": os.environ.get("VENTURE_LOGIN_RATE_LIMIT")
        or "10 per minute;60 per hour",
        # Failed logins per account, whatever the address they come from.
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get("VENTURE_LOGIN_ACCOUNT_RATE_LIMIT")
        or "10 per 15 minutes",
        # Reverse proxies in front of gunicorn whose X-Forwarded-* headers are trusted (0: none).
        "PROXY_COUNT": int(os.environ.get("VENTURE_PROXY_COUNT") or 0),
        # Seconds before the broker hands an unacknowledged task (its worker died) to another.
        "BROKER_VISIBILITY_TIMEOUT": int(
            os.environ.get("VENTURE_BROKER_VISIBILITY_TIMEOUT") or 900
        ),
        # A running job beats every JOB_HEARTBEAT_SECONDS; one silent for JOB_LOST_SECONDS is lost
        # (its worker died) and may be retried. A queued job is sent to the broker again by the
        # sweep when it was handed over more than JOB_SWEEP_AGE_SECONDS ago.
        "JOB_HEARTBEAT_SECONDS": float(os.environ.get("VENTURE_JOB_HEARTBEAT_SECONDS") or 5),
        "JOB_LOST_SECONDS": int(os.environ.get("VENTURE_JOB_LOST_SECONDS") or 60),
        "JOB_SWEEP_AGE_SECONDS": int(os.environ.get("VENTURE_JOB_SWEEP_AGE_SECONDS") or 60),
        # Days an export file is kept before the daily purge deletes it (exports hold personal data).
        "EXPORT_KEEP_DAYS": int(os.environ.get("VENTURE_EXPORT_KEEP_DAYS") or 14),
        "MAX_CONTENT_LENGTH": int(os.environ.get("VENTURE_MAX_REQUEST_MB") or 60) * 1024 * 1024,
    }


# Values that do not come from the environment.
STATIC_DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
    "WTF_CSRF_TIME_LIMIT": None,  # the session lifetime bounds the token already
    "BOOTSTRAP_SERVE_LOCAL": True,
    "LANGUAGES": ["zh_CN", "en"],
    "TOKEN_MAX_AGE": {"verify": 60 * 60 * 72, "reset": 60 * 60 * 2, "invite": 60 * 60 * 24 * 14},
    "NOTICE_MAX_ATTEMPTS": 8,
    "NOTICE_SWEEP_AGE_SECONDS": 60,
    "NOTICE_CLAIM_TIMEOUT_SECONDS": 600,
}


def describe(config: dict) -> dict:
    """What `venture check` prints: the effective settings, never a secret."""
    from sqlalchemy.engine import make_url

    db = make_url(config["SQLALCHEMY_DATABASE_URI"])
    redis = config.get("REDIS_URL") or ""
    if redis:
        from kombu.utils.url import maybe_sanitize_url

        broker = maybe_sanitize_url(redis)
    else:
        broker = "none: tasks run in-process (eager)"
    mail = (
        f"SMTP {config['MAIL_SERVER']}:{config['MAIL_PORT']}"
        + (" (TLS)" if config["MAIL_USE_TLS"] else "")
        + (" (SSL)" if config["MAIL_USE_SSL"] else "")
        + (f" as {config['MAIL_USERNAME']}" if config["MAIL_USERNAME"] else "")
        if config["MAIL_SERVER"]
        else "log only (MAIL_SERVER not set)"
    )
    return {
        "database": db.render_as_string(hide_password=True),
        "broker": broker,
        "mail": mail,
        "mail sender": config["MAIL_DEFAULT_SENDER"],
        "locale": config["BABEL_DEFAULT_LOCALE"],
        "timezone": config["BABEL_DEFAULT_TIMEZONE"],
        "instance": config["INSTANCE_PATH"],
        "uploads": config["UPLOAD_FOLDER"],
        "base url": config["BASE_URL"],
        "audit key": config.get("AUDIT_KEY_SOURCE") or "set by the configuration",
    }
