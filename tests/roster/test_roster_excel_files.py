"""Roster files as Excel writes them: .xlsx, Windows-1258 CSV, UTF-16 "Unicode Text", headers
without diacritics, phone numbers that lost their leading 0, files without a group column."""
from __future__ import annotations

import io
import time
import unicodedata

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from webapp.models import Membership
from webapp.roster import operations
from webapp.roster.csvfile import read_roster_csv

ROWS = [("Họ và tên", "Số điện thoại", "Nhóm", "Lớp"),
        ("Nguyễn Thị Ộc", "0901000001", "IV", "Tổ Toán"),
        ("Đặng Văn Bình", "0901000002", "III", "Tổ Văn")]
TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """What Excel on Vietnamese Windows writes: precomposed vowels, separate tone marks."""
    out = b""
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return out


def _text(delimiter: str = ",") -> str:
    return "\r\n".join(delimiter.join(row) for row in ROWS) + "\r\n"


def _xlsx(rows) -> bytes:  # type: ignore[no-untyped-def]
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _names(page: str) -> bool:
    return all(name in page for name in ("Nguyễn Thị Ộc", "Đặng Văn Bình")) and "Từ chối" not in page


def test_excel_encodings_are_read(world, login, upload):  # type: ignore[no-untyped-def]
    client = login(world.head)
    files = {
        "cp1258.csv": _cp1258(_text()),
        "bom.csv": b"\xef\xbb\xbf" + _text().encode(),
        "unicode.txt": _text("\t").encode("utf-16"),           # Excel "Unicode Text": BOM + LE
        "unicode-nobom.txt": _text("\t").encode("utf-16-le"),
        "book.xlsx": _xlsx(ROWS),
    }
    assert _cp1258(_text()).decode("cp1258") != _text()  # really decomposed, so NFC matters
    for filename, data in files.items():
        response = upload(client, world.unit, world.year, data, filename=filename)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, (filename, page[-2000:])
        assert _names(page), filename
        assert "không phải" not in page and "Unicode" not in page, filename


def test_xlsx_import_confirms_and_writes_nfc(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    page = upload(client, world.unit, world.year, _cp1258(_text())).get_data(as_text=True)
    import re
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    assert client.post(f"/units/{world.unit.id}/roster/import/confirm",
                       data={"payload": payload}).status_code == 200
    line = db_session.scalar(select(Membership).where(Membership.contact == "0901000001"))
    assert line.full_name == "Nguyễn Thị Ộc" == unicodedata.normalize("NFC", line.full_name)


def test_headers_without_diacritics(world, db_session):  # type: ignore[no-untyped-def]
    text = "Ho va ten,SDT,Nhom,Lop\nAn,0901000001,V,10A1\n"
    preview = operations.preview_import(db_session, world.unit, world.year, text)
    row = preview.rows[0]
    assert (row.full_name, row.contact, row.appendix, row.section) == ("An", "0901000001", "V", "10A1")
    parsed = read_roster_csv("HO VA TEN;So dien thoai;Phu luc;Phong ban\nAn;0901000001;V;P1\n")
    assert parsed.fields == ["full_name", "phone", "appendix", "section"]


def test_leading_zero_restored_and_said(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    rows = [("Ho va ten", "SDT", "Nhom"), ("An", 912345678, "IV"), ("Bình", 84912345679, "IV"),
            ("Chi", 12345678, "IV")]
    page = upload(client, world.unit, world.year, _xlsx(rows), filename="ds.xlsx").get_data(as_text=True)
    assert "0912345678" in page and "0912345679" in page
    assert "số điện thoại 912345678 được hiểu là 0912345678" in page
    assert "Dòng 4: số điện thoại “12345678” không hợp lệ." in page


def test_default_group_for_a_file_without_one(world, login, upload, db_session):  # type: ignore[no-untyped-def]
    client = login(world.head)
    content = "Họ và tên,SĐT,Lớp\nAn,0901000001,10A1\nBình,0901000002,10A2\n"
    refused = upload(client, world.unit, world.year, content)
    assert refused.status_code == 422
    assert "Tệp không có cột “Nhóm”" in refused.get_data(as_text=True)
    page = upload(client, world.unit, world.year, content, group="V").get_data(as_text=True)
    assert "Từ chối" not in page and page.count("Phụ lục V") >= 2
    import re
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    client.post(f"/units/{world.unit.id}/roster/import/confirm", data={"payload": payload})
    line = db_session.scalar(select(Membership).where(Membership.contact == "0901000002"))
    assert (line.appendix, line.section) == ("V", "10A2")


def test_upload_form_offers_excel_files_and_group(world, login):  # type: ignore[no-untyped-def]
    page = login(world.head).get(f"/units/{world.unit.id}/roster/import").get_data(as_text=True)
    assert 'accept=".xlsx,.csv,.txt' in page
    assert 'name="default_group"' in page
    assert "template.xlsx" in page and "template.csv" in page


def test_templates_have_an_example_row_that_is_never_imported(world, login, upload):  # type: ignore[no-untyped-def]
    client = login(world.head)
    xlsx = client.get(f"/units/{world.unit.id}/roster/template.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]][:3] == ["Họ và tên", "Số điện thoại hoặc email", "Nhóm"]
    assert sheet["B2"].value == "0900000001" and sheet["C2"].value == "IV"
    assert sheet.column_dimensions["B"].number_format == "@"  # keeps typed leading zeros
    csv_text = client.get(f"/units/{world.unit.id}/roster/template.csv").data.decode("utf-8-sig")
    assert "0900000001" in csv_text.splitlines()[1]
    for data, name in ((xlsx.data, "mau.xlsx"), (csv_text.encode(), "mau.csv")):
        only_example = upload(client, world.unit, world.year, data, filename=name)
        assert only_example.status_code == 422
        assert "dòng ví dụ" in only_example.get_data(as_text=True)


def test_header_notes_are_stripped_in_linear_time():  # type: ignore[no-untyped-def]
    parsed = read_roster_csv("Họ và tên (bắt buộc),SĐT [di động],Nhóm (III/IV/V)\nAn,0901000001,V\n")
    assert parsed.fields == ["full_name", "phone", "appendix"]
    hostile = "(" * 100_000 + "," + "[(" * 50_000 + ",Họ và tên,SĐT,Nhóm\nAn,0901000001,V\n"
    started = time.process_time()
    assert read_roster_csv(hostile).fields == ["full_name", "phone", "appendix"]
    # Not a speed test: the old pattern took minutes here; this bounds quadratic behaviour.
    assert time.process_time() - started < 5
