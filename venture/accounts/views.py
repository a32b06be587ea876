from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from venture.accounts import forms, queries, services, sessions, twofactor
from venture.errors import DomainError, Forbidden
from venture.extensions import limiter
from venture.i18n import current_locale_code, normalize_locale
from venture.notices import kinds
from venture.notices import services as notices
from venture.policy import public, signed_in
from venture.web import attempt, render_form, safe_next

bp = Blueprint("accounts", __name__)


def _login_rate_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_rate_limit():
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _submitted_account() -> str:
    return "login:" + services.normalize_email(request.form.get("email", ""))


def _login_failed(response) -> bool:
    return response.status_code != 302  # a successful login redirects


def _start_session(user, remember: bool = False) -> None:
    """A fresh session on login: nothing from before survives (no session fixation), and
    a server-side session row that logout revokes (accounts.sessions)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    sessions.open_session(user)
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@public
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = forms.SignUpForm()
    if form.validate_on_submit():
        signed_up = attempt(
            form,
            services.sign_up,
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            locale=session.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"],
        )
        if signed_up:
            return render_template(
                "accounts/check_email.html", email=services.normalize_email(form.email.data)
            )
    return render_form("accounts/signup.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(
    _account_rate_limit, key_func=_submitted_account, methods=["POST"], deduct_when=_login_failed
)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = forms.LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        logged_in = attempt(None, services.log_in, form.email.data, form.password.data)
        if not logged_in:  # flashed above the form: it does not say which field was wrong
            return render_form("accounts/login.html", form, status=logged_in.status)
        user = logged_in.value
        if user.totp_enabled:
            _await_second_factor(user, remember=form.remember.data, next_url=form.next.data)
            return redirect(url_for("accounts.login_second_factor"))
        _start_session(user, remember=form.remember.data)
        return redirect(safe_next(form.next.data, url_for("main.index")))
    return render_form("accounts/login.html", form)


SECOND_FACTOR_SECONDS = 300


def _await_second_factor(user, *, remember: bool, next_url: str) -> None:
    """Password accepted; the session holds only who is half-way, for five minutes."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session["second_factor"] = {
        "user_id": user.id,
        "version": user.session_version,
        "remember": bool(remember),
        "next": next_url or "",
        "at": time.time(),
    }


def _pending_second_factor():
    pending = session.get("second_factor")
    if not pending or time.time() - pending.get("at", 0) > SECOND_FACTOR_SECONDS:
        return None, None
    user = queries.user_by_id(pending["user_id"])
    if user is None or user.session_version != pending["version"] or not user.totp_enabled:
        return None, None
    return user, pending


def _pending_account() -> str:
    """The account half-way through its login: codes are counted per account too, so
    guesses spread over many addresses meet the same limit."""
    pending = session.get("second_factor") or {}
    return f"2fa:{pending.get('user_id', '')}"


def _code_refused(response) -> bool:
    return response.status_code != 302  # an accepted code (or a lapsed login) redirects


@bp.route("/login/2fa", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(
    _account_rate_limit, key_func=_pending_account, methods=["POST"], deduct_when=_code_refused
)
@public
def login_second_factor():
    user, pending = _pending_second_factor()
    if user is None:
        flash(_("Please log in again."), "info")
        return redirect(url_for("accounts.login"))
    form = forms.TwoFactorForm()
    if form.validate_on_submit() and attempt(form, twofactor.verify_login, user, form.code.data):
        session.pop("second_factor", None)
        _start_session(user, remember=pending["remember"])
        return redirect(safe_next(pending["next"], url_for("main.index")))
    return render_form("accounts/login_2fa.html", form)


@bp.route("/account/2fa", methods=["GET", "POST"])
@signed_in
def two_factor_setup():
    if not current_user.may_use_2fa:
        raise Forbidden(_("Two-factor login is available for organizers and judges."))
    form = forms.TwoFactorForm()
    disable_form = forms.TwoFactorForm(prefix="off")
    secret = None
    if not current_user.totp_enabled:
        secret = session.get("totp_setup_secret") or twofactor.new_secret()
        session["totp_setup_secret"] = secret
        if form.validate_on_submit() and attempt(
            form, twofactor.enable, current_user, secret, form.code.data
        ):
            session.pop("totp_setup_secret", None)
            flash(
                _("Two-factor login is on. You will be asked for a code at every login."),
                "success",
            )
            return redirect(url_for("accounts.two_factor_setup"))
    uri = twofactor.provisioning_uri(current_user, secret) if secret else None
    return render_form(
        "accounts/two_factor.html",
        form,
        disable_form=disable_form,
        secret=secret,
        qr=twofactor.qr_svg_data_uri(uri) if uri else None,
    )


@bp.route("/account/2fa/disable", methods=["POST"])
@signed_in
def two_factor_disable():
    form = forms.TwoFactorForm(prefix="off")
    if current_app.config.get("REQUIRE_ORGANIZER_2FA") and current_user.is_organizer:
        raise Forbidden(_("Two-factor login is required for organizers on this platform."))
    if form.validate_on_submit():
        if not attempt(None, twofactor.disable, current_user, form.code.data):
            return redirect(url_for("accounts.two_factor_setup")), 303
        flash(_("Two-factor login is off."), "success")
    return redirect(url_for("accounts.two_factor_setup"))


# Pages an organizer may open before setting up a required second factor.
SECOND_FACTOR_EXEMPT = {
    "accounts.two_factor_setup",
    "accounts.logout",
    "accounts.set_language",
    "static",
    "bootstrap.static",
    "main.healthz",
}


@bp.before_app_request
def _require_organizer_second_factor():
    if (
        current_app.config.get("REQUIRE_ORGANIZER_2FA")
        and current_user.is_authenticated
        and current_user.is_organizer
        and not current_user.totp_enabled
        and request.endpoint not in SECOND_FACTOR_EXEMPT
    ):
        flash(_("Organizers must set up two-factor login before continuing."), "warning")
        return redirect(url_for("accounts.two_factor_setup"))
    return None


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        sessions.end_session(current_user._get_current_object())
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


def _token_step(step, *args, page: dict):
    """Run a step that needs a valid link (look at it, or use it up): its result, or the
    page a refused link gets (400, with a way to ask for a new link).

    Kept by hand rather than attempt(): the refusal is a page of its own, not a message
    flashed above a form."""
    try:
        return step(*args), None
    except DomainError as error:
        problem = render_template("accounts/token_problem.html", message=error.message, **page)
        return None, (problem, 400)


@bp.route("/verify/<token>")
@public
def verify_email(token: str):
    _user, refused = _token_step(services.verify_email, token, page={"resend": True})
    if refused:
        return refused
    flash(_("Your email address is verified. You can log in now."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/verify/resend", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@public
def resend_verification():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data)
        return render_template(
            "accounts/check_email.html", email=services.normalize_email(form.email.data)
        )
    return render_form("accounts/resend_verification.html", form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@public
def forgot_password():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, locale=current_locale_code())
        return render_template(
            "accounts/check_email.html",
            email=services.normalize_email(form.email.data),
            reset=True,
            valid_for=services.token_max_age(services.TokenPurpose.RESET),
        )
    return render_form("accounts/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    _row, refused = _token_step(
        services.peek_token, token, services.TokenPurpose.RESET, page={"reset": True}
    )
    if refused:
        return refused
    form = forms.NewPasswordForm()
    if form.validate_on_submit() and attempt(
        form, services.reset_password, token, form.password.data
    ):
        flash(_("Your password has been changed. Log in with the new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_password.html", form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    row, refused = _token_step(services.peek_token, token, services.TokenPurpose.INVITE, page={})
    if refused:
        return refused
    form = forms.AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = row.user.name
    if form.validate_on_submit():
        accepted = attempt(
            form,
            services.accept_invitation,
            token,
            name=form.name.data,
            password=form.password.data,
        )
        if accepted:
            _start_session(accepted.value)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("main.index"))
    return render_form("accounts/accept_invitation.html", form, invited=row.user)


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    form = forms.ProfileForm(obj=current_user)
    password_form = forms.ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        services.update_profile(
            current_user, name=form.name.data, phone=form.phone.data or "", locale=form.locale.data
        )
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.account"))
    return render_form("accounts/account.html", form, password_form=password_form)


@bp.route("/account/password", methods=["POST"])
@signed_in
def change_password():
    form = forms.ProfileForm(obj=current_user)
    password_form = forms.ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit() and attempt(
        password_form,
        services.change_password,
        current_user,
        password_form.current_password.data,
        password_form.password.data,
    ):
        _start_session(current_user._get_current_object())
        flash(_("Your password has been changed. Other devices have been logged out."), "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form, password_form=password_form), 422


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@signed_in
def sign_out_everywhere():
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        sessions.sign_out_everywhere(user)
        _start_session(user)  # this browser stays signed in, with a new session
        flash(_("You have been signed out on every other device and browser."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/notices", methods=["GET", "POST"])
@signed_in
def notice_preferences():
    form = forms.ConfirmForm()
    optional = [k for k in kinds.KINDS.values() if not k.security]
    if form.validate_on_submit():
        chosen = {name for name in request.form.getlist("email") if name in kinds.KINDS}
        notices.set_preferences(current_user, chosen)
        flash(_("Your email preferences have been saved."), "success")
        return redirect(url_for("accounts.notice_preferences"))
    return render_template(
        "accounts/notice_preferences.html",
        form=form,
        kinds=optional,
        prefs=notices.email_preferences(current_user),
        security_kinds=[k for k in kinds.KINDS.values() if k.security],
    )


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = forms.LanguageForm()
    locale = normalize_locale(form.locale.data) if form.validate_on_submit() else None
    if locale:
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_locale(current_user, locale)
    return redirect(safe_next(form.next.data, url_for("main.index")))
