"""Route-level permission decorators.

Every view carries exactly one of these; a test walks the URL map and fails on a view
without one. Object-level rules (may this judge open this application?) live in each
domain's ``policies.py`` and are asked inside the view with :func:`require`.
"""

from __future__ import annotations

import functools

from flask import redirect, request, url_for
from flask_login import current_user

from venture.errors import Forbidden

POLICY_ATTR = "_venture_policy"


def _mark(view, policy: str):
    setattr(view, POLICY_ATTR, policy)
    return view


def public(view):
    """Anyone, signed in or not."""
    return _mark(view, "public")


def _login_redirect():
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def signed_in(view):
    """Any signed-in user; object rules are checked inside."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _login_redirect()
        return view(*args, **kwargs)

    return _mark(wrapper, "signed_in")


def roles(*allowed):
    """Signed-in users with one of these roles."""
    names = {str(r) for r in allowed}

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _login_redirect()
            if str(current_user.role) not in names:
                raise Forbidden()
            return view(*args, **kwargs)

        return _mark(wrapper, "roles:" + ",".join(sorted(names)))

    return decorator


def organizer_only(view):
    return roles("organizer")(view)


def require(allowed: bool, message=None) -> None:
    """Raise 403 unless the domain policy allowed the action."""
    if not allowed:
        raise Forbidden(message)


def policy_of(view) -> str | None:
    return getattr(view, POLICY_ATTR, None)
