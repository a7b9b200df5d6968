"""Which passwords are refused: too short, one character repeated, only spaces, or common."""
from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 200
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str) -> str | None:
    """Why this password is refused, in Vietnamese; None when it may be used."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự."
    if len(password) > MAX_LENGTH:
        return f"Mật khẩu dài tối đa {MAX_LENGTH} ký tự."
    if password.isspace() or len(set(password)) == 1:
        return "Mật khẩu không được chỉ gồm khoảng trắng hay một ký tự lặp lại."
    if password.strip().lower() in common_passwords():
        return "Mật khẩu này quá phổ biến, người khác dễ đoán ra. Hãy chọn mật khẩu khác."
    return None
