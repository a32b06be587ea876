"""Venture: the Flask application factory."""

from __future__ import annotations

import logging
import os
from importlib import import_module

from flask import Flask

# Numeric work here is small (a 200 × 200 solve at most): on one thread it is instant,
# while BLAS thread pools in web and worker processes only add wake-up latency (100 ms
# on a busy machine). Set before numpy is first imported; an explicit setting wins.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

from venture import config as config_module  # noqa: E402

# Blueprints, registered in this order. Each entry is "package.module:attribute".
BLUEPRINTS = [
    "venture.main.views:bp",
    "venture.accounts.views:bp",
    "venture.accounts.admin_views:bp",
    "venture.notices.views:bp",
    "venture.audit.views:bp",
    "venture.orgs.views:bp",
    "venture.competitions.views:bp",
    "venture.competitions.views:setup_bp",
    "venture.applications.views:bp",
    "venture.applications.screening_views:bp",
    "venture.judging.views:bp",
    "venture.rankings.views:bp",
    "venture.results.views:bp",
    "venture.results.api:bp",
    "venture.followup.views:bp",
    "venture.reports.views:bp",
]

# Console commands of the domains, added to `venture` ("package.module:attribute").
COMMANDS: list[str] = [
    "venture.scoring.cli:rank_command",
    "venture.followup.cli:followup_group",
    "venture.rankings.cli:scores_group",
]

# Model modules, imported so that every table is known to SQLAlchemy and Alembic.
MODEL_MODULES = [
    "venture.accounts.models",
    "venture.audit.models",
    "venture.notices.models",
    "venture.jobs.models",
    "venture.files.models",
    "venture.orgs.models",
    "venture.competitions.models",
    "venture.applications.models",
    "venture.judging.models",
    "venture.rankings.models",
    "venture.results.models",
    "venture.followup.models",
]


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(config_module.TEMPLATE_DIR),
        static_folder="static",
        instance_path=config_module.instance_path().as_posix(),
    )
    from venture.web import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    app.config.update(config_module.STATIC_DEFAULTS)
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)
    _configure_logging(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]  # the client's address for rate limits and the audit log
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    for module in MODEL_MODULES:
        import_module(module)
    _init_extensions(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from venture.errorpages import init_error_handlers
    from venture.security import init_request_guards, init_security_headers

    init_error_handlers(app)
    init_request_guards(app)
    init_security_headers(app)

    from venture.assets import init_assets

    init_assets(app)  # wraps app.wsgi_app: static files, one Date header

    from workers.celery_app import init_celery

    init_celery(app)

    from venture.cli import register_commands

    register_commands(app)
    return app


def domain_commands() -> list:
    commands = []
    for spec in COMMANDS:
        module_name, _, attribute = spec.partition(":")
        commands.append(getattr(import_module(module_name), attribute))
    return commands


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    for noisy in ("alembic.runtime.plugins", "alembic.ddl", "alembic.autogenerate"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _init_extensions(app: Flask) -> None:
    from sqlalchemy import event

    from venture.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from venture.i18n import PoDomain, select_locale

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(
        app,
        db,
        directory=str(config_module.PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    if not isinstance(babel.__dict__.get("domain_instance"), PoDomain):
        babel.domain_instance = PoDomain()  # per-part .po catalogs, compiled in memory
    bootstrap.init_app(app)

    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(identity: str):
        from venture.accounts.sessions import load_user

        return load_user(identity)

    @app.before_request
    def _resolve_locale_early():
        # The locale reads the signed-in user; after a service commits, that row is
        # expired and the first translated flash message would load it again.
        from flask import request
        from flask_babel import get_locale
        from flask_login import current_user
        from sqlalchemy.exc import SQLAlchemyError

        if request.endpoint != "static":
            try:
                if current_user.is_authenticated:
                    get_locale()
            except SQLAlchemyError:
                db.session.rollback()  # the database is down: the view's error page says so

    @app.teardown_request
    def _release_tasks(exc):
        # Tasks of transactions committed outside a unit of work (rare) are sent here.
        from venture.tasks import run_ready

        if exc is None:
            run_ready()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    for spec in BLUEPRINTS:
        module_name, _, attribute = spec.partition(":")
        app.register_blueprint(getattr(import_module(module_name), attribute))


def _register_template_helpers(app: Flask) -> None:
    from venture import templating

    templating.init_app(app)
