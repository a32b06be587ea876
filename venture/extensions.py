"""Extensions, created unbound; create_app binds them."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


# One naming convention so that Alembic names every constraint the same way on
# SQLite and PostgreSQL.
def _enum_column_suffix(constraint, _table) -> str:
    """An enum's CHECK constraint is named after its type *and* column, so two columns
    with the same enum in one table get distinct names."""
    columns = list(constraint.columns)
    return f"_{columns[0].name}" if getattr(constraint, "_type_bound", False) and columns else ""


NAMING_CONVENTION = {
    "enum_column": _enum_column_suffix,
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s%(enum_column)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
