"""One word for one thing on every page (../shared/WORDING.md): a forbidden list over all UI text.

Walks every template and every Python module of the app (their Vietnamese strings reach the
screen as messages) and the newest criteria files, and fails on a word the review ruled out.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import criteria

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"

# pattern -> why it is wrong (the replacement people should read)
FORBIDDEN = {
    r"(?<!tự )người đánh giá": "the member is “người tự đánh giá”; the head is the one who evaluates",
    r"Nghị định 13/2023": "replaced by Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 from 1/1/2026",
    r"[Hh]àng chờ": "a calque of “queue”: write “Phiếu chờ xác nhận”",
    r"[Kk]hông (được )?công nhận": "the head confirms (“Không xác nhận đạt”); recognition is Hội Khuyến học's",
    r"được công nhận": "the unit confirms (“được đơn vị xác nhận đạt”); recognition is Hội Khuyến học's",
    r"[Gg]iấy chứng nhận": "the printable page is a “Giấy xác nhận”",
    r"Ngưỡng ĐV": "write “Ngưỡng Đơn vị học tập”",
    r"Tự đạt": "write “Tự đánh giá đạt”",
    r"phòng, sở giáo dục": "district phòng were abolished on 1/7/2025",
    r"\b[Xx]oá|\b[Kk]hoá|\b[Hh]uỷ|\b[Tt]ỉ lệ": "one spelling: xóa, khóa, hủy, tỷ lệ",
    r"Bỏ qua, tới nội dung": "write “Chuyển đến nội dung chính”",
    r"[Ll]iên hệ thủ trưởng|[Nn]hờ thủ trưởng|hỏi (giáo viên chủ nhiệm hoặc )?thủ trưởng|đề nghị thủ trưởng": (
        "members' contact is “người phụ trách ở đơn vị (giáo viên chủ nhiệm, cán bộ được giao)”"),
    r"[Ll]ớp/phòng(?! ban)": "one label for the field: “Lớp / Tổ, phòng” (file header aliases aside)",
    r'class="num">Danh sách<': "a count of people is headed “Số người”",
}


def _ui_files() -> list[Path]:
    files = sorted(WEBAPP.glob("templates/**/*.html")) + sorted(WEBAPP.glob("**/*.py"))
    return [path for path in files if "migrations" not in path.parts]


@pytest.mark.parametrize("pattern", sorted(FORBIDDEN))
def test_no_forbidden_word_in_the_app(pattern):
    found = []
    for path in _ui_files():
        # Text wraps in templates: a phrase split over two lines still counts.
        text = " ".join(path.read_text(encoding="utf-8").split())
        for match in re.finditer(pattern, text):
            found.append(f"{path.relative_to(WEBAPP.parent)}: …{text[max(0, match.start() - 40):match.end() + 40]}…")
    assert found == [], f"{FORBIDDEN[pattern]}:\n" + "\n".join(found)


def test_newest_criteria_reward_no_party_cell_meetings():
    newest = {}
    for criteria_set in criteria.load_shipped():
        if criteria_set.code not in newest or criteria_set.version_tuple > newest[criteria_set.code].version_tuple:
            newest[criteria_set.code] = criteria_set
    for criteria_set in newest.values():
        text = criteria_set.path.read_text(encoding="utf-8")
        assert "chi bộ" not in text.split("[rule]", 1)[1], criteria_set.key
