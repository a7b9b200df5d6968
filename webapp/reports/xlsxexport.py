"""Excel workbooks of the two aggregator reports, for people rather than machines.

The rows are those of `csvexport` (same scope, same order), shown with Vietnamese headers and
labels, times in Vietnam time, numbers as numbers and percentages formatted as percent.
openpyxl's write-only mode keeps one row in memory at a time; the finished file goes to a
temporary file and is streamed from there, so a million rows never sit in memory.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..groups import group_label
from ..models import AssessmentStatus, UnitKind, shown_status
from ..templating import VIETNAM
from .csvexport import NOT_STARTED, neutralise

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024

UNIT_HEADERS = [
    "Năm đánh giá", "Mã địa bàn", "Đường dẫn địa bàn", "Mã đơn vị", "Tên đơn vị", "Loại đơn vị",
    "Nhóm đối tượng", "Số người trong danh sách", "Đã gửi phiếu", "Tự đánh giá đạt",
    "Được xác nhận đạt", "Tỷ lệ đạt", "Chỉ tiêu", "Ngưỡng công nhận đơn vị học tập",
]
RESULT_HEADERS = [
    "Năm đánh giá", "Mã địa bàn", "Đường dẫn địa bàn", "Mã đơn vị", "Tên đơn vị",
    "Nhóm đối tượng", "Lớp / Tổ, phòng", "Họ và tên", "Trạng thái", "Tổng điểm tự đánh giá",
    "Tự đánh giá đạt", "Tổng điểm thủ trưởng chấm", "Được xác nhận đạt", "Thời điểm gửi",
    "Thời điểm thủ trưởng quyết định",
]
UNIT_PERCENT_COLUMNS = (11, 12, 13)
RESULT_TIME_COLUMNS = (13, 14)
RESULT_YES_NO_COLUMNS = (10, 12)
WIDTHS = {"Tên đơn vị": 32, "Họ và tên": 26, "Đường dẫn địa bàn": 18, "Trạng thái": 22,
          "Nhóm đối tượng": 24, "Loại đơn vị": 20}

Converter = Callable[[list[Any]], list[Any]]


def _group(code: str | None) -> str:
    return group_label(code, appendix=True) if code else ""


def _local(iso: str | None) -> datetime | None:
    """ISO 8601 UTC text → Vietnam wall-clock time (Excel has no time zones)."""
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(VIETNAM).replace(tzinfo=None)


def _fraction(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / 100


def _yes_no(flag: int | None) -> str:
    return "" if flag is None else ("Có" if flag else "Không")


def unit_row(row: list[Any]) -> list[Any]:
    row = list(row)
    row[5] = UnitKind(row[5]).label
    row[6] = _group(row[6])
    for column in UNIT_PERCENT_COLUMNS:
        row[column] = _fraction(row[column])
    return row


def result_row(row: list[Any]) -> list[Any]:
    row = list(row)
    row[5] = _group(row[5])
    # "Xác nhận đạt" / "Xác nhận chưa đạt" from the status and `confirmed_achieved` (column 12).
    row[8] = "Chưa làm" if row[8] == NOT_STARTED else shown_status(AssessmentStatus(row[8]), bool(row[12])).label
    for column in RESULT_YES_NO_COLUMNS:
        row[column] = _yes_no(row[column])
    for column in RESULT_TIME_COLUMNS:
        row[column] = _local(row[column])
    return row


def _cells(sheet: WriteOnlyWorksheet, values: list[Any], formats: dict[int, str]) -> list[Any]:
    cells = []
    for position, value in enumerate(values):
        cell = WriteOnlyCell(sheet, value=value if isinstance(value, datetime) else neutralise(value))
        if position in formats and value is not None:
            cell.number_format = formats[position]
        cells.append(cell)
    return cells


def write_workbook(target: IO[bytes], title: str, headers: list[str], rows: Iterable[list[Any]],
                   convert: Converter, formats: dict[int, str]) -> int:
    """Write the rows (a header row of codes first, skipped) into `target`; returns the count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for position, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = WIDTHS.get(header, 14)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    iterator = iter(rows)
    next(iterator, None)  # the machine codes of the CSV header
    for row in iterator:
        sheet.append(_cells(sheet, convert(row), formats))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    workbook.save(target)
    return count


def unit_workbook(target: IO[bytes], rows: Iterable[list[Any]]) -> int:
    formats = dict.fromkeys(UNIT_PERCENT_COLUMNS, "0.0%")
    return write_workbook(target, "Số liệu đơn vị", UNIT_HEADERS, rows, unit_row, formats)


def result_workbook(target: IO[bytes], rows: Iterable[list[Any]]) -> int:
    formats = dict.fromkeys(RESULT_TIME_COLUMNS, "dd/mm/yyyy hh:mm")
    return write_workbook(target, "Kết quả từng người", RESULT_HEADERS, rows, result_row, formats)


def file_chunks(write: Callable[[IO[bytes]], Any]) -> Iterator[bytes]:
    """Write the workbook to a temporary file, then yield it in chunks; the file is removed
    when the generator ends or is closed (a client that disconnects)."""
    with tempfile.TemporaryFile() as spool:
        write(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk
