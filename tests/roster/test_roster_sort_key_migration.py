"""Migration c3f5a7b9d1e2 gives the lines that existed before it their sort key and search name."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from webapp import migrate
from webapp.names import search_text, sort_key


def test_existing_lines_get_their_keys(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'before.sqlite3'}")
    migrate.upgrade(engine, "8c4e2f7a1d30")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO area (id, code, name, level, path) "
                                "VALUES (1, 'A', 'Tỉnh', 'Tỉnh', '/1/')"))
        connection.execute(text("INSERT INTO unit (id, code, name, kind, area_id) "
                                "VALUES (1, 'U', 'Trường', 'high_school', 1)"))
        connection.execute(text("INSERT INTO assessment_year (id, label, kind, starts_on, ends_on, is_open) "
                                "VALUES (1, '2026', 'staff', '2026-01-01', '2026-12-31', 1)"))
        for number, name in enumerate(["Nguyễn Văn Đặng", "Hồ Thị Dương"], start=1):
            connection.execute(text(
                "INSERT INTO membership (id, unit_id, year_id, full_name, contact, appendix, created_at) "
                "VALUES (:id, 1, 1, :name, :contact, 'V', '2026-01-01 00:00:00')"),
                {"id": number, "name": name, "contact": f"090100000{number}"})
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT full_name, sort_key, search_name FROM membership ORDER BY sort_key")).all()
    engine.dispose()
    assert [row.full_name for row in rows] == ["Hồ Thị Dương", "Nguyễn Văn Đặng"]
    assert all(row.sort_key == sort_key(row.full_name) and row.search_name == search_text(row.full_name)
               for row in rows)
