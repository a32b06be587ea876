"""Uploaded files, kept outside the web root under random names."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from venture.db import UTCDateTime, utcnow
from venture.extensions import db


class StoredFile(db.Model):
    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    original_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True, nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)  # pdf, image, word, excel
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (sa.CheckConstraint("size >= 0", name="size_non_negative"),)
