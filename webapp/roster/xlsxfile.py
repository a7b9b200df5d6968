"""Reading the first sheet of an Excel workbook (.xlsx) as roster text.

The workbook becomes the same CSV text a head would get from "Save as CSV UTF-8", so the
preview, the signed confirmation payload and the checks are those of a CSV file.
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from .csvfile import MAX_ROWS, TEMPLATE_EXAMPLE, TEMPLATE_HEADERS, ImportFileError, check_size, decode

MAX_UNPACKED = 20 * 1024 * 1024   # a roster of 3,000 rows is well under 2 MB of sheet XML
MAX_COLUMNS = 30

NOT_A_WORKBOOK = ("Không mở được tệp Excel này. Hãy mở lại bằng Excel, chọn Lưu thành → "
                  "“Sổ làm việc Excel (.xlsx)” rồi tải lại.")


def read_upload(data: bytes) -> str:
    """An uploaded roster as text: a workbook's first sheet, or a text file decoded."""
    check_size(data)
    if data.startswith(b"PK\x03\x04"):
        return xlsx_text(data)
    return decode(data)


def xlsx_text(data: bytes) -> str:
    """The first sheet as CSV text, one line per row up to the row limit (plus one, so the
    reader can say the file is too long)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileError(NOT_A_WORKBOOK) from None
    if unpacked > MAX_UNPACKED:
        raise ImportFileError("Tệp Excel quá lớn. Hãy chia danh sách thành nhiều tệp.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors)
        raise ImportFileError(NOT_A_WORKBOOK) from None
    try:
        sheet = workbook.worksheets[0]
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        rows = sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
        pending_blank = 0  # formatted but empty rows below the list are not "blank rows"
        for values in rows:
            cells = [_cell_text(value) for value in values]
            while cells and not cells[-1].strip():
                cells.pop()
            if not cells:
                pending_blank += 1
                continue
            writer.writerows([[]] * pending_blank)
            pending_blank = 0
            writer.writerow(cells)
    except Exception:
        raise ImportFileError(NOT_A_WORKBOOK) from None
    finally:
        workbook.close()
    return buffer.getvalue()


def _cell_text(value: Any) -> str:
    """A cell as the head sees it: 912345678.0 as "912345678", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def template_xlsx() -> bytes:
    """The downloadable template: headers, one example row, and a contact column stored as
    text so Excel keeps the leading 0 of the phone numbers typed into it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(TEMPLATE_EXAMPLE)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (34, 26, 8, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["B"].number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
