"""Reading a roster CSV as heads make it in Excel: any of UTF-8 (with or without BOM), ',' or ';'.

Pure text handling, no database: `read_roster_csv` turns the file into numbered rows of
raw cells keyed by field ("full_name", "contact", "phone", "email", "appendix", "section").
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from ..errors import DomainError
from ..text import clean_text

MAX_BYTES = 256 * 1024     # the confirmation form carries the file back (form limit 500 KB)
MAX_ROWS = 3000

TEMPLATE_HEADERS = ("Họ và tên", "Số điện thoại hoặc email", "Nhóm", "Lớp hoặc phòng ban")

# Header text (lower case, without notes in brackets) → field.
HEADER_ALIASES = {
    "full_name": ("họ và tên", "họ tên", "tên", "name", "full name", "full_name", "fullname",
                  "họ và tên thành viên"),
    "contact": ("số điện thoại hoặc email", "sđt hoặc email", "điện thoại hoặc email",
                "số điện thoại/email", "sđt/email", "liên hệ", "contact", "phone or email",
                "phone/email", "login"),
    "phone": ("số điện thoại", "sđt", "điện thoại", "số đt", "phone", "phone number", "mobile"),
    "email": ("email", "e-mail", "thư điện tử", "địa chỉ email"),
    "appendix": ("nhóm", "phụ lục", "nhóm đối tượng", "đối tượng", "appendix", "group"),
    "section": ("lớp hoặc phòng ban", "lớp/phòng ban", "lớp", "phòng ban", "phòng", "tổ",
                "lớp hoặc phòng", "bộ phận", "section", "class", "department"),
}
_HEADER_INDEX = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")  # linear: no nested search


class ImportFileError(DomainError):
    """The file as a whole cannot be read; `message` is Vietnamese, for the head."""


@dataclass
class CsvRow:
    line: int                  # the row number Excel shows (the header is row 1)
    cells: dict[str, str]


@dataclass
class RosterCsv:
    delimiter: str
    fields: list[str]
    rows: list[CsvRow]
    blank_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """The file's text; refuses Excel workbooks, binary files and other encodings clearly."""
    if not data or not data.strip():
        raise ImportFileError("Tệp trống, không có dòng nào để nhập.")
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"Tệp quá lớn (tối đa {MAX_BYTES // 1024} KB). Hãy chia danh sách thành nhiều tệp."
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Đây là tệp Excel, không phải tệp CSV. Trong Excel, chọn Tệp → Lưu thành → "
            "“CSV UTF-8 (phân cách bằng dấu phẩy)” rồi tải tệp đó lên."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "Tệp không dùng bảng mã UTF-8 nên chữ tiếng Việt sẽ bị lỗi. Trong Excel, chọn "
            "Lưu thành → “CSV UTF-8 (phân cách bằng dấu phẩy)” rồi tải lại."
        ) from None
    if "\x00" in text:
        raise ImportFileError("Tệp này không phải tệp CSV (văn bản). Hãy tải lên tệp .csv.")
    return text


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_field(header: str) -> str | None:
    text = _BRACKETS.sub("", clean_text(header).lower()).strip(" *:")
    return _HEADER_INDEX.get(" ".join(text.split()))


def read_roster_csv(text: str) -> RosterCsv:
    """Rows with their Excel row numbers; raises ImportFileError when headers are unusable."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFileError("Tệp trống, không có dòng nào để nhập.")
    delimiter = _delimiter(text.splitlines()[0])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ImportFileError("Không đọc được tệp CSV. Hãy lưu lại từ Excel dạng “CSV UTF-8”.") from None
    header, *body = records
    columns: dict[str, int] = {}
    ignored = []
    for position, title in enumerate(header):
        key = _header_field(title)
        if key is None:
            if title.strip():
                ignored.append(clean_text(title))
        else:
            columns.setdefault(key, position)
    missing = []
    if "full_name" not in columns:
        missing.append("“Họ và tên”")
    if not {"contact", "phone", "email"} & columns.keys():
        missing.append("“Số điện thoại hoặc email”")
    if "appendix" not in columns:
        missing.append("“Nhóm”")
    if missing:
        raise ImportFileError(
            "Dòng đầu tiên của tệp phải là tiêu đề cột. Không tìm thấy cột "
            + ", ".join(missing)
            + ". Hãy dùng tệp mẫu: Họ và tên, Số điện thoại hoặc email, Nhóm, Lớp hoặc phòng ban."
        )
    rows, blank = [], 0
    for number, record in enumerate(body, start=2):
        if not any(cell.strip() for cell in record):
            blank += 1
            continue
        cells = {key: clean_text(record[pos]) if pos < len(record) else ""
                 for key, pos in columns.items()}
        rows.append(CsvRow(number, cells))
    if not rows:
        raise ImportFileError("Tệp chỉ có dòng tiêu đề, chưa có người nào trong danh sách.")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"Tệp có {len(rows)} dòng, nhiều hơn mức {MAX_ROWS} dòng mỗi lần. Hãy chia nhỏ tệp."
        )
    return RosterCsv(delimiter, sorted(columns, key=columns.__getitem__), rows, blank, ignored)


def template_csv() -> str:
    """The downloadable template: UTF-8 with BOM so Excel shows Vietnamese correctly."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(TEMPLATE_HEADERS)
    return "\ufeff" + buffer.getvalue()
