"""The domain's error hierarchy. Services raise these; views turn them into 4xx."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A rule of the domain refused the request. The message is for the user."""

    status = 400
    default_message = _l("The request could not be carried out.")

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        super().__init__(str(self.message))


class ValidationError(DomainError):
    status = 422
    default_message = _l("Some of the data is not valid.")


class Forbidden(DomainError):
    status = 403
    default_message = _l("You do not have permission to do this.")


class NotFound(DomainError):
    status = 404
    default_message = _l("The page or item was not found.")


class Conflict(DomainError):
    """The state changed under the user (a stale edit, a duplicate, a closed window)."""

    status = 409
    default_message = _l("Someone else changed this in the meantime. Reload and try again.")


class Locked(DomainError):
    """Final results lock a competition: nothing that feeds them may change."""

    status = 423
    default_message = _l("The results of this competition are final; this can no longer change.")


class DeadlinePassed(DomainError):
    status = 409
    default_message = _l("The deadline has passed.")
