"""No identity by assertion: a roster line and an account are linked only when both sides agree.

A phone number or email typed at sign-up proves nothing (anyone can type anyone's phone), and
a roster line the head entered carries a real person's name. So:

- an account whose login matches a listed line (sign-up, login, a class drive) only *claims*
  it: the claimant sees the unit, never the listed name, until a head of the unit taps
  "Xác nhận đúng người" (or "Không phải người này");
- a head who lists a phone/email that already has an account only *invites* it: its owner
  accepts or declines on the start page;
- a refused claim or a declined invitation is remembered on the line (`declined_user_id`) so
  the same account is never proposed for it again.

Actions take the session and the actor, audit, flush; the request commits. Who may act is
`webapp.access` (`can_manage_unit` for claims, `is_invited` for invitations).
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from .. import audit
from ..errors import DomainError
from ..models import AssessmentYear, Membership, PendingLink, User


def waiting_message(lines: list[Membership]) -> str:
    """What the claimant reads: the units, never the names listed there."""
    places = "; ".join(f"{line.unit.name} ({line.year.label})" for line in lines)
    return (f"Số điện thoại hoặc email của bạn có trong danh sách của {places}. Người phụ trách ở "
            "đơn vị sẽ xác nhận đúng là bạn; sau đó phiếu tự đánh giá sẽ hiện ở trang chính.")


GONE = "Yêu cầu này không còn chờ xác nhận (có thể đã được xử lý). Vui lòng tải lại trang."


def claim_listed_lines(session: Session, user: User) -> list[Membership]:
    """Claim the unlinked lines that list this account's phone or email (sign-up and login).

    Returns the lines newly claimed. A unit-year where the account already has a line, or a
    proposal waiting, is skipped; so is a line that refused this account before.
    """
    logins = [login for login in (user.phone, user.email) if login]
    if not logins:
        return []
    taken = _unit_years_of(session, user)
    claimed = []
    for line in session.scalars(
        select(Membership).where(Membership.contact.in_(logins), Membership.user_id.is_(None),
                                 Membership.pending_user_id.is_(None))
        .order_by(Membership.id)
    ):
        if line.declined_user_id == user.id or (line.unit_id, line.year_id) in taken:
            continue
        _propose(session, user, line, PendingLink.CLAIM, user)
        taken.add((line.unit_id, line.year_id))
        claimed.append(line)
    session.flush()
    return claimed


def claim(session: Session, user: User, line: Membership) -> None:
    """The account asks for this one line (joining through the class's drive poster)."""
    if line.user_id == user.id or line.pending_user_id == user.id:
        return
    if line.user_id is not None or line.pending_user_id is not None or line.declined_user_id == user.id:
        raise DomainError(
            "Số điện thoại hoặc email của bạn có trong danh sách đơn vị nhưng chưa thể gắn với tài khoản "
            "này. Vui lòng liên hệ người phụ trách ở đơn vị (giáo viên chủ nhiệm, cán bộ được giao)."
        )
    _propose(session, user, line, PendingLink.CLAIM, user)
    session.flush()


def invite(session: Session, head: User, line: Membership, account: User) -> bool:
    """The head listed a phone/email that has an account: ask its owner. False when skipped
    (the account already has a line or a proposal in this unit and year)."""
    if (line.unit_id, line.year_id) in _unit_years_of(session, account):
        return False
    _propose(session, head, line, PendingLink.INVITE, account)
    return True


def confirm_claim(session: Session, head: User, line: Membership) -> Membership:
    """"Xác nhận đúng người": the claimant gets the line and may start its assessment."""
    claimant = _pending(line, PendingLink.CLAIM)
    _link(session, head, line, claimant, "roster_claim_confirmed")
    return line


def refuse_claim(session: Session, head: User, line: Membership) -> Membership:
    """"Không phải người này": the line stays free, and this account never claims it again."""
    claimant = _pending(line, PendingLink.CLAIM)
    _decline(session, head, line, claimant, "roster_claim_refused")
    return line


def accept_invitation(session: Session, user: User, line: Membership) -> Membership:
    _pending(line, PendingLink.INVITE, user)
    _link(session, user, line, user, "roster_invite_accepted")
    return line


def decline_invitation(session: Session, user: User, line: Membership) -> Membership:
    _pending(line, PendingLink.INVITE, user)
    _decline(session, user, line, user, "roster_invite_declined")
    return line


def withdraw_for(session: Session, actor: User, user: User, reason: str, stale_only: bool = False) -> None:
    """End what waits on this account: it was locked (everything), or an administrator corrected
    its login (`stale_only`: the claims on lines that no longer list one of its logins).

    A claim rests on the login matching the line; once it does not, the head must not be asked
    to confirm it, and the line must be free for whoever now registers with the listed phone.
    """
    logins = {login for login in (user.phone, user.email) if login}
    for line in session.scalars(select(Membership).where(Membership.pending_user_id == user.id)
                                .order_by(Membership.id)):
        kind = line.pending_kind
        if stale_only and (kind is not PendingLink.CLAIM or line.contact in logins):
            continue
        line.pending_user, line.pending_kind = None, None
        audit.record(session, actor, line, f"roster_{kind.value if kind else 'claim'}_withdrawn",
                     reason=f"user {user.id}: {reason}")
    session.flush()


def proposals_for(session: Session, user: User) -> list[Membership]:
    """Lines waiting on or for this account (for its start page: unit and year only)."""
    return list(session.scalars(
        select(Membership).where(Membership.pending_user_id == user.id)
        .options(joinedload(Membership.unit), joinedload(Membership.year))
        .order_by(Membership.id)
    ))


# Helpers ----------------------------------------------------------------------------------

def _unit_years_of(session: Session, user: User) -> set[tuple[int, int]]:
    rows = session.execute(
        select(Membership.unit_id, Membership.year_id)
        .where(or_(Membership.user_id == user.id, Membership.pending_user_id == user.id))
    )
    return {(unit_id, year_id) for unit_id, year_id in rows}


def _propose(session: Session, actor: User, line: Membership, kind: PendingLink, account: User) -> None:
    line.pending_user, line.pending_kind = account, kind
    audit.record(session, actor, line, f"roster_{kind.value}", reason=f"user {account.id}")


def _pending(line: Membership, kind: PendingLink, user: User | None = None) -> User:
    account = line.pending_user
    if account is None or line.pending_kind is not kind or (user is not None and account.id != user.id):
        raise DomainError(GONE, status=409)
    return account


def _link(session: Session, actor: User, line: Membership, account: User, action: str) -> None:
    _require_open(line.year)
    if session.scalar(select(Membership.id).where(
            Membership.unit_id == line.unit_id, Membership.year_id == line.year_id,
            Membership.user_id == account.id)) is not None:
        raise DomainError(f"Tài khoản này đã có một dòng khác trong danh sách năm {line.year.label} "
                          "của đơn vị; không thể gắn thêm.", status=409)
    line.user, line.pending_user, line.pending_kind = account, None, None
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise DomainError(GONE, status=409) from None
    audit.record(session, actor, line, action, reason=f"user {account.id}")
    session.flush()


def _decline(session: Session, actor: User, line: Membership, account: User, action: str) -> None:
    line.declined_user_id, line.pending_user, line.pending_kind = account.id, None, None
    audit.record(session, actor, line, action, reason=f"user {account.id}")
    session.flush()


def _require_open(year: AssessmentYear) -> None:
    if not year.is_open:
        raise DomainError(f"Năm đánh giá {year.label} đã khóa; không thể thay đổi danh sách.")

