"""Document properties are blanked from the copy a blind reviewer downloads (files/properties.py),
and the blind scan's reader (tests/blind_scan.py) finds them where they are."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.blind_scan import file_texts, jpeg_naming, pdf_naming, png_naming, xlsx_naming
from venture.files.properties import without_properties
from venture.files.services import detect

WHO = "澧阳市星光(社工)服务中心"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAKERS = {
    "pdf": (pdf_naming, "pdf", "application/pdf"),
    "xlsx": (xlsx_naming, "excel", XLSX),
    "png": (png_naming, "image", "image/png"),
    "jpeg": (jpeg_naming, "image", "image/jpeg"),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_the_scan_sees_the_properties_and_the_served_copy_has_none(name, tmp_path):
    make, kind, content_type = MAKERS[name]
    data = make(WHO)
    assert any(WHO in text for text in file_texts(data)), "the scan must see the planted name"

    blanked = without_properties(data, kind, content_type)

    assert not any(WHO in text for text in file_texts(blanked))
    assert not any(WHO in text for text in file_texts(blanked) + [blanked.decode("latin-1")])
    path = tmp_path / "f"
    path.write_bytes(blanked)
    assert (
        detect(blanked[:8192], path, f"x.{name}").content_type == content_type
    )  # still the same type


def test_a_blanked_pdf_keeps_its_length_so_its_offsets_hold():
    data = pdf_naming(WHO)
    blanked = without_properties(data, "pdf", "application/pdf")
    assert len(blanked) == len(data)
    assert blanked.index(b"trailer") == data.index(b"trailer")


def test_a_blanked_workbook_still_opens_with_its_cells():
    from openpyxl import load_workbook

    blanked = without_properties(xlsx_naming(WHO), "excel", XLSX)
    book = load_workbook(io.BytesIO(blanked))
    assert book.active["A1"].value == "预算"
    assert WHO not in (
        book.properties.creator,
        book.properties.title,
        book.properties.lastModifiedBy,
    )
    assert zipfile.ZipFile(io.BytesIO(blanked)).testzip() is None
