"""Accounts, passwords, sign-in counters (shared by every replica) and single sign-on by email."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    func,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from judging.core.passwords import PasswordError, PreparedPassword, verify_password
from judging.core.permissions import RESERVED_USERNAMES, ROLES, Actor, Role
from judging.core.signin_limits import ADDRESS, LIMITS, USER, Counter, after_failure, remaining_lock
from judging.errors import JudgingError, NotFound, PermissionDenied, Problem
from judging.store.audit_log import append_event, record_event
from judging.store.guard import guarded
from judging.store.models import (
    LoginThrottle,
    User,
    utcnow,
)
from judging.store.sessions import DISABLED, PASSWORD, revoke_user_sessions
from judging.store.write_path import chain_of_actor, open_chain


@guarded("people.manage")
def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: str = Role.JUDGE,
    password: PreparedPassword | None = None,
    actor: Actor,
    **fields: str,
) -> User:
    user = _insert_user(session, username=username, display_name=display_name, role=role, password=password,
                        **fields)
    record_event(session, actor=actor, action="user.create", subject=f"user:{user.id}",
                 payload={"username": username, "role": role})
    open_chain(session, chain_of_actor(user.id))
    return user


def _insert_user(session: Session, *, username: str, display_name: str, role: str,
                 password: PreparedPassword | None, **fields: str) -> User:
    """A new account row once its name and role are allowed (every path that makes an account)."""
    _check_new_username(username, role)
    user = User(username=username, display_name=display_name, role=role, **fields)
    if password is not None:
        user.password_hash, user.password_one_time = _prepared(password).hash, password.one_time
    session.add(user)
    session.flush()
    return user


def _prepared(password: object) -> PreparedPassword:
    """``password`` when it is a ``PreparedPassword``: the store stores no other (no rule was checked)."""
    if not isinstance(password, PreparedPassword):
        raise TypeError("the store takes a PreparedPassword (judging.core.passwords.prepare_password)")
    return password


def _check_new_username(username: str, role: str) -> None:
    if not username.strip():
        raise JudgingError(Problem("user.empty_name", {}))
    if username.strip().casefold() in RESERVED_USERNAMES:
        raise JudgingError(Problem("user.reserved_name", {"value": username}))
    if role not in ROLES:
        raise JudgingError(Problem("user.unknown_role", {"value": role, "allowed": "、".join(ROLES)}))


@guarded("people.read")
def get_user(session: Session, username: str, *, actor: Actor) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


@guarded("people.read")
def list_users(session: Session, *, actor: Actor) -> list[User]:
    """Every account, staff first (by role), then by user name."""
    order = {role: i for i, role in enumerate((Role.ORGANISER, Role.ANNOUNCER, Role.AUDITOR, Role.JUDGE))}
    return sorted(session.exec(select(User)), key=lambda u: (order.get(u.role, len(order)), u.username))


@guarded("people.read")
def list_judges(session: Session, *, actor: Actor) -> list[User]:
    return list(session.exec(select(User).where(User.role == Role.JUDGE).order_by(User.username)))


def _actor_of(user: User) -> Actor:
    return Actor(id=user.id, username=user.username, role=user.role, active=user.active)


def create_first_organiser(session: Session, *, username: str, display_name: str,
                           password: PreparedPassword) -> Actor:
    """The first account of an empty database, an organiser; refused once any account exists.

    Nobody is signed in yet: the shell lets this run only after the one-time setup code printed in
    the server's log was given (``judging.ui.sign_in``). The check and the insert are one transaction
    (SQLite's write lock, a PostgreSQL lock on the accounts table), so two first organisers cannot race.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("LOCK TABLE app_user IN SHARE ROW EXCLUSIVE MODE"))
    if session.exec(select(func.count()).select_from(User)).one():
        raise PermissionDenied(Problem("setup.not_empty", {}))
    user = _insert_user(session, username=username.strip(), display_name=display_name.strip() or username.strip(),
                        role=Role.ORGANISER, password=password)
    actor = _actor_of(user)
    record_event(session, actor=actor, action="user.create", subject=f"user:{user.id}",
                 payload={"username": user.username, "role": user.role, "first_run": True})
    return actor


def display_name_of(session: Session, *, actor: Actor) -> str:
    """The display name of the actor's own account ("" for a shell or an account that is gone)."""
    name = session.exec(select(User.display_name).where(User.id == actor.id)).first() if actor.id else None
    return name or ""


@guarded("people.read")
def taken_usernames(session: Session, *, actor: Actor) -> set[str]:
    """Every account's user name (to tell which names an import would take)."""
    return set(session.exec(select(User.username)))


def resolve_actor(session: Session, *, user_id: int) -> Actor | None:
    """The actor of the account ``user_id`` as stored now (inactive ones too, with ``active`` false);
    None when there is no such account. The shells call this once per request."""
    user = session.get(User, user_id)
    return None if user is None else _actor_of(user)


def actor_by_password(session: Session, *, username: str, password: str) -> Actor | None:
    """The actor of the active account ``username`` when ``password`` is its password, else None.

    The password hash never leaves the store.
    """
    user = session.exec(select(User).where(User.username == username)).first() if username else None
    if user is None or not user.active or not user.password_hash:
        return None
    return _actor_of(user) if verify_password(password_hash=user.password_hash, password=password) else None


def count_users(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


@guarded("people.manage")
def set_passwords(session: Session, *, passwords: Mapping[str, PreparedPassword], actor: Actor) -> None:
    """Store prepared passwords (``prepare_password``, or the handout's ``prepare_passwords``) for the
    accounts named; logged without them. Anything but a ``PreparedPassword`` is refused."""
    passwords = {name: _prepared(p) for name, p in passwords.items()}
    users = {u.username: u for u in session.exec(select(User).where(User.username.in_(list(passwords))))}
    missing = [name for name in passwords if name not in users]
    if missing:
        raise NotFound(Problem("store.not_found", {"what": "user", "id": ", ".join(missing)}))
    for name, prepared in passwords.items():
        users[name].password_hash, users[name].password_one_time = prepared.hash, prepared.one_time
        session.add(users[name])
        revoke_user_sessions(session, user_id=users[name].id, reason=PASSWORD)  # whoever had the old one
    session.flush()
    if passwords:
        record_event(session, actor=actor, action="user.passwords_issued", subject="users",
                     payload={"usernames": sorted(passwords),
                              "one_time": sorted(n for n, p in passwords.items() if p.one_time)})


def password_is_one_time(session: Session, *, actor: Actor) -> bool:
    """Whether the actor's own account still has a one-time password (to be changed before anything else)."""
    return bool(actor.id and session.exec(select(User.password_one_time).where(User.id == actor.id)).first())


def change_own_password(session: Session, *, actor: Actor, current: str, new: PreparedPassword) -> None:
    """The account changes its own password: the current one must be given (a tab left open is not
    enough), and the new one is prepared by the rules. Clears the one-time mark."""
    new = _prepared(new)
    user = session.get(User, actor.id) if actor.id else None
    if user is None or not user.active or user.username != actor.username:
        raise PermissionDenied(Problem("trust.refused", {"action": "password.change"}))
    if not verify_password(password_hash=user.password_hash, password=current):
        raise PasswordError(Problem("password.current_wrong", {}))
    user.password_hash, user.password_one_time = new.hash, False
    session.add(user)
    session.flush()
    revoke_user_sessions(session, user_id=user.id, reason=PASSWORD)  # other browsers signed in with the old one
    record_event(session, actor=actor, action="user.password_changed", subject=f"user:{user.id}")


@guarded("people.read")
def active_judges(session: Session, *, actor: Actor) -> list[User]:
    return [j for j in list_judges(session, actor=actor) if j.active]


@guarded("people.manage")
def set_judge_active(session: Session, *, judge_id: int, active: bool, actor: Actor) -> None:
    user = session.get(User, judge_id)
    if user is None or user.active == active:
        return
    user.active = active
    session.add(user)
    session.flush()
    if not active:
        revoke_user_sessions(session, user_id=judge_id, reason=DISABLED)
    record_event(session, actor=actor, action="user.active", subject=f"user:{judge_id}", payload={"active": active})


KEY_LENGTH = 200  # longer user names or addresses are cut: nobody gets a new counter by padding


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    keys = [(USER, username.strip().lower()[:KEY_LENGTH])]
    if address:
        keys.append((ADDRESS, address[:KEY_LENGTH]))
    return keys


def _row(session: Session, kind: str, key: str, *, lock: bool = False) -> LoginThrottle | None:
    stmt = select(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key)
    return session.exec(stmt.with_for_update() if lock else stmt).first()


def locked_for(session: Session, *, username: str, address: str | None, now: datetime | None = None):
    """The longest remaining lock of the user name and the address (a zero timedelta when neither is locked)."""
    now = now or utcnow()
    remaining = [
        remaining_lock(Counter(row.failures, _aware(row.window_start), _aware(row.locked_until)), now)
        for kind, key in _keys(username, address) if (row := _row(session, kind, key)) is not None
    ]
    return max(remaining, default=remaining_lock(None, now))


def count_attempt(session: Session, *, username: str, address: str | None, now: datetime | None = None) -> timedelta:
    """Count a sign-in attempt for the user name and the address before its password is checked.

    Each counter is one row, upserted and locked for the update, so parallel attempts (other threads,
    other replicas) are counted one after the other: at most the limit of attempts is ever let through
    to a password check. Returns the remaining lock when the user name or the address is locked
    already; that attempt is not counted and its password must not be checked.
    """
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    rows = []
    for kind, key in _keys(username, address):  # always user before address: no two attempts deadlock
        session.execute(make_insert(LoginThrottle).values(kind=kind, key=key, failures=0, window_start=now)
                        .on_conflict_do_nothing(index_elements=["kind", "key"]))
        rows.append((kind, key, _row(session, kind, key, lock=True)))
    locked = max(remaining_lock(_counter(row), now) for _, _, row in rows)
    if locked:
        return locked
    for kind, key, row in rows:
        counter = after_failure(_counter(row), kind=kind, now=now)
        newly_locked = counter.locked_until is not None and _aware(row.locked_until) != counter.locked_until
        row.failures, row.window_start, row.locked_until = counter.failures, counter.window_start, counter.locked_until
        session.add(row)
        if newly_locked:
            append_event(session, name=username[:KEY_LENGTH], action="auth.locked", subject=f"{kind}:{key}",
                         payload={"failures": counter.failures, "until": counter.locked_until.isoformat()})
    session.flush()
    return timedelta(0)


def settle_attempt(session: Session, *, username: str, address: str | None, ok: bool) -> None:
    """After the password check of a counted attempt: a failure stays counted (and is an event); a
    success forgets the user name's failures and takes its own count back from the address."""
    if not ok:
        append_event(session, name=username[:KEY_LENGTH], action="auth.failed", subject=f"address:{address or ''}")
        session.flush()
        return
    clear_user_failures(session, username=username)
    if address:
        row = _row(session, ADDRESS, address[:KEY_LENGTH], lock=True)
        if row is not None and row.failures > 0:
            row.failures -= 1
            if row.locked_until is not None and row.failures < LIMITS[ADDRESS]:
                row.locked_until = None  # the attempt that locked it was this good one
            session.add(row)
            session.flush()


def record_failure(session: Session, *, username: str, address: str | None, now: datetime | None = None) -> None:
    """Count a failed sign-in for the user name and the address (an attempt counted, then settled as failed)."""
    count_attempt(session, username=username, address=address, now=now)
    settle_attempt(session, username=username, address=address, ok=False)


def _counter(row: LoginThrottle) -> Counter:
    return Counter(row.failures, _aware(row.window_start), _aware(row.locked_until))


def clear_user_failures(session: Session, *, username: str) -> None:
    """A successful sign-in forgets the user name's failures (not the address's: others share it)."""
    row = _row(session, USER, username.strip().lower()[:KEY_LENGTH], lock=True)
    if row is not None:
        session.delete(row)
        session.flush()


def normalised_email(value: object) -> str:
    return str(value or "").strip().lower()


def actor_for_claims(session: Session, claims: Mapping[str, object]) -> Actor | None:
    """The actor of the active account whose email is the claims' verified email, or None.

    ``email_verified`` must not be false (providers that do not send it, such as some enterprise
    directories, vouch for their addresses); two accounts with the same email sign nobody in.
    """
    email = normalised_email(claims.get("email"))
    if not email or claims.get("email_verified") is False or str(claims.get("email_verified")).lower() == "false":
        return None
    matches = list(session.exec(select(User).where(func.lower(func.trim(User.email)) == email)))
    if len(matches) != 1 or not matches[0].active:
        return None
    return _actor_of(matches[0])
