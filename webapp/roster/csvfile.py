"""Reading a roster CSV as heads make it in Excel: UTF-8 (with or without BOM), Windows-1258
("CSV (Comma delimited)" on Vietnamese Windows) or UTF-16 ("Unicode Text"); ',', ';' or tab.

Pure text handling, no database: `read_roster_csv` turns the file into numbered rows of
raw cells keyed by field ("full_name", "contact", "phone", "email", "appendix", "section").
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from ..errors import DomainError
from ..text import clean_text

MAX_BYTES = 256 * 1024     # the confirmation form carries the file back (form limit 500 KB)
MAX_ROWS = 3000

TEMPLATE_HEADERS = ("Họ và tên", "Số điện thoại hoặc email", "Nhóm", "Lớp hoặc phòng ban")
# A made-up person showing each column's form; a row with this name is skipped on import,
# so a head who forgets to delete it adds nobody.
TEMPLATE_EXAMPLE = ("Nguyễn Văn An (dòng ví dụ)", "0900000001", "IV", "Tổ Toán")

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


def plain(text: str) -> str:
    """Lower case without diacritics ("Số ĐT" → "so dt"), so headers typed either way match."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_HEADER_INDEX = {plain(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}


NOT_TEXT = "Tệp này không phải tệp văn bản. Hãy tải lên tệp .xlsx, .csv hoặc .txt."


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
    example_rows: int = 0


def check_size(data: bytes) -> None:
    if not data or not data.strip():
        raise ImportFileError("Tệp trống, không có dòng nào để nhập.")
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"Tệp quá lớn (tối đa {MAX_BYTES // 1024} KB). Hãy chia danh sách thành nhiều tệp."
        )


def decode(data: bytes) -> str:
    """The file's text in NFC; refuses old Excel workbooks and binary files clearly."""
    check_size(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Đây là tệp Excel kiểu cũ (.xls), chưa đọc được. Trong Excel, chọn Tệp → Lưu thành → "
            "“Sổ làm việc Excel (.xlsx)” hoặc “CSV UTF-8 (phân cách bằng dấu phẩy)” rồi tải lên."
        )
    text = _decoded(data)
    if any(char < " " and char not in "\t\r\n" for char in text[:65536]):
        raise ImportFileError(NOT_TEXT)
    return unicodedata.normalize("NFC", text)


def _decoded(data: bytes) -> str:
    """BOM first, then strict UTF-8, then UTF-16 told by its NUL bytes, then Windows-1258.

    Windows-1258 is what Excel on Vietnamese Windows writes for "CSV (Comma delimited)"; it
    spells many letters as a base letter plus a combining tone mark, hence the NFC above.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[len(bom):], codec)
    if b"\x00" not in data:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1258", errors="replace")
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) * 4 < len(sample) // 2:
        raise ImportFileError(NOT_TEXT)
    return _strict(data, "utf-16-le" if odd > even else "utf-16-be")


def _strict(data: bytes, codec: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise ImportFileError(
            "Tệp có ký tự không đọc được. Trong Excel, chọn Lưu thành → “CSV UTF-8 (phân cách "
            "bằng dấu phẩy)” rồi tải lại."
        ) from None
    if "\x00" in text:
        raise ImportFileError(NOT_TEXT)
    return text


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _without_notes(text: str) -> str:
    """The text without "(...)" and "[...]" notes, in one pass (a regex scanning for a closing
    bracket from every opening one is quadratic on a hostile header)."""
    kept: list[str] = []
    note: list[str] = []
    closing = ""
    for char in text:
        if closing:
            note.append(char)
            if char == closing:
                note, closing = [], ""
        elif char in "([":
            note, closing = [char], ")" if char == "(" else "]"
        else:
            kept.append(char)
    return "".join(kept + note)


def _header_field(header: str) -> str | None:
    text = plain(_without_notes(clean_text(header))).strip(" *:")
    return _HEADER_INDEX.get(" ".join(text.split()))


def read_roster_csv(text: str, group_given: bool = False) -> RosterCsv:
    """Rows with their Excel row numbers; raises ImportFileError when headers are unusable.

    `group_given`: the head picked a group for rows without one, so the column may be absent.
    """
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
    if missing:
        raise ImportFileError(
            "Dòng đầu tiên của tệp phải là tiêu đề cột. Không tìm thấy cột "
            + ", ".join(missing)
            + ". Hãy dùng tệp mẫu: Họ và tên, Số điện thoại hoặc email, Nhóm, Lớp hoặc phòng ban."
        )
    if "appendix" not in columns and not group_given:
        raise ImportFileError(
            "Tệp không có cột “Nhóm”. Hãy thêm cột này (III, IV hoặc V), hoặc chọn ở ô "
            "“Nhóm cho các dòng không ghi nhóm” nhóm chung cho cả tệp rồi tải lại."
        )
    rows, blank, examples = [], 0, 0
    for number, record in enumerate(body, start=2):
        if not any(cell.strip() for cell in record):
            blank += 1
            continue
        cells = {key: clean_text(record[pos]) if pos < len(record) else ""
                 for key, pos in columns.items()}
        if cells.get("full_name") == TEMPLATE_EXAMPLE[0]:
            examples += 1
            continue
        rows.append(CsvRow(number, cells))
    if not rows:
        also = " và dòng ví dụ" if examples else ""
        raise ImportFileError(f"Tệp chỉ có dòng tiêu đề{also}, chưa có người nào trong danh sách.")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"Tệp có {len(rows)} dòng, nhiều hơn mức {MAX_ROWS} dòng mỗi lần. Hãy chia nhỏ tệp."
        )
    return RosterCsv(delimiter, sorted(columns, key=columns.__getitem__), rows, blank, ignored,
                     examples)


def template_csv() -> str:
    """The downloadable template: UTF-8 with BOM so Excel shows Vietnamese correctly."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([TEMPLATE_HEADERS, TEMPLATE_EXAMPLE])
    return "\ufeff" + buffer.getvalue()
