"""Delivery channels. The in-app inbox is the notice row itself; email goes by SMTP,
or to a log file when no MAIL_SERVER is configured (the embedded default)."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

log = logging.getLogger("venture.mail")


def build_message(
    config: dict, *, to: str, subject: str, body: str, message_key: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    # A stable Message-ID per notice lets a receiving server drop a duplicate in the
    # one window we cannot close (sent, then the worker died before recording it).
    msg["Message-ID"] = make_msgid(idstring=message_key, domain="venture.local")
    msg.set_content(body, charset="utf-8")
    return msg


def send_email(config: dict, msg: EmailMessage) -> None:
    """Send one message; raises on any failure so the caller can retry."""
    if not config.get("MAIL_SERVER"):
        _write_to_log(config, msg)
        return
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(msg)


def _write_to_log(config: dict, msg: EmailMessage) -> None:
    path = Path(config["INSTANCE_PATH"]) / "mail.log"
    text = (
        f"=== {msg['Date']} ===\nTo: {msg['To']}\nSubject: {msg['Subject']}\n"
        f"Message-ID: {msg['Message-ID']}\n\n{msg.get_content()}\n"
    )
    with path.open("a", encoding="utf-8") as f:
        f.write(text)
    log.info("mail to %s: %s (written to %s)", msg["To"], msg["Subject"], path)
