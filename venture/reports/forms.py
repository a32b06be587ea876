"""The reports' forms: the spreadsheet upload of an import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("Excel file (.xlsx)"), validators=[FileRequired(message=_l("Choose a file."))]
    )
