"""Sign-in, sessions, tenant switching and the context every request runs with.

All functions here block (argon2, database): call them through `run.io_bound`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select, update

from domain.audit.service import record
from domain.context import Ctx, system_ctx
from domain.errors import N_, InvalidCredentials, LoginThrottled, SessionExpired
from domain.iam.access import member_roles, membership_of, role_permissions
from domain.iam.models import LoginAttempt, Membership, Tenant, User, UserSession
from domain.iam.passwords import verify_password
from domain.iam.tenants import PLATFORM_TENANT_ID
from storage import db


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthPolicy:
    max_failures: int = 5
    window_minutes: int = 15
    ip_max_failures: int = 20
    idle_minutes: int = 30


_policy: dict[str, AuthPolicy] = {"current": AuthPolicy()}


def configure(policy: AuthPolicy) -> None:
    _policy["current"] = policy


def policy() -> AuthPolicy:
    return _policy["current"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantChoice:
    id: UUID
    name: str
    slug: str
    is_platform: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionInfo:
    session_id: UUID
    user_id: UUID
    email: str
    name: str
    kind: str
    locale: str | None
    theme: str
    is_platform_admin: bool
    must_change_password: bool
    tenant_id: UUID
    tenants: tuple[TenantChoice, ...]

    @property
    def tenant(self) -> TenantChoice:
        return next(t for t in self.tenants if t.id == self.tenant_id)


def login(*, email: str, password: str, ip: str) -> tuple[str, SessionInfo]:
    """Check the credentials and open a session; return (token, session).

    Raises LoginThrottled before looking at the password when the account or the
    address has too many recent failures, InvalidCredentials otherwise on any failure.
    Every outcome is recorded (throttle table and audit trail).
    """
    email = email.strip().lower()
    now = datetime.now(UTC)
    with db.global_session() as session:
        user = session.scalars(select(User).where(User.email == email)).first()
    try:
        _refuse_if_throttled(email, ip, now)
    except LoginThrottled:
        # audited, but not counted as another failure: the lock-out does not grow while refused
        _record_failure(email, ip, user, reason="throttled", count=False)
        raise
    ok = verify_password(password, user.password_hash if user else None)
    if user is None or not ok:
        _record_failure(email, ip, user, reason="bad_credentials")
        raise InvalidCredentials(N_("The e-mail or password is not correct."))
    if user.status != "active":
        _record_failure(email, ip, user, reason="disabled")
        raise InvalidCredentials(N_("This account is disabled. Ask your administrator."))
    tenants = _tenants_of(user)
    if not tenants:
        _record_failure(email, ip, user, reason="no_tenant")
        raise InvalidCredentials(N_("Your account belongs to no active tenant. Ask your administrator."))
    token = secrets.token_urlsafe(32)
    tenant_id = _preferred_tenant(user.id, tenants)
    with db.tenant_session(tenant_id) as session:
        row = UserSession(token_hash=_digest(token), user_id=user.id, current_tenant_id=tenant_id, ip=ip)
        session.add(row)
        session.add(LoginAttempt(email=email, ip=ip, succeeded=True))
        session.execute(update(User).where(User.id == user.id).values(last_login_at=now))
        session.flush()
        session_id = row.id
        record(session, _actor(user, tenant_id, ip), action="auth.login", entity_type="user", entity_id=user.id)
    return token, _info(session_id, user, tenant_id, tenants)


def resume(token: str) -> SessionInfo:
    """The session behind `token`, refreshed; raises SessionExpired when it has ended."""
    now = datetime.now(UTC)
    idle = timedelta(minutes=policy().idle_minutes)
    with db.global_session() as session:
        row = session.scalars(
            select(UserSession).where(UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None))
        ).first()
        if row is None:
            raise SessionExpired(N_("Please sign in."))
        if row.last_seen_at < now - idle:
            row.ended_at = now
            raise_after = SessionExpired(
                N_("You were signed out after {minutes} min without activity."),
                minutes=policy().idle_minutes,
            )
        else:
            raise_after = None
            if row.last_seen_at < now - timedelta(seconds=30):
                row.last_seen_at = now
        user = session.scalars(select(User).where(User.id == row.user_id)).first()
        session_id, tenant_id = row.id, row.current_tenant_id
    if raise_after is not None:
        raise raise_after
    if user is None or user.status != "active":
        end(token)
        raise SessionExpired(N_("This account is disabled. Ask your administrator."))
    tenants = _tenants_of(user)
    if not tenants:
        end(token)
        raise SessionExpired(N_("Your account belongs to no active tenant. Ask your administrator."))
    if tenant_id not in {t.id for t in tenants}:
        tenant_id = tenants[0].id
        _set_session_tenant(session_id, tenant_id)
    return _info(session_id, user, tenant_id, tenants)


def is_active(token: str) -> bool:
    """Whether the session is still open and not idle, without counting this as activity."""
    idle_since = datetime.now(UTC) - timedelta(minutes=policy().idle_minutes)
    with db.global_session() as session:
        return session.scalars(
            select(UserSession.id).where(UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None),
                                         UserSession.last_seen_at >= idle_since)
        ).first() is not None


def touch(token: str) -> bool:
    """Record activity on an open, not-yet-idle session; False when it has ended."""
    now = datetime.now(UTC)
    with db.global_session() as session:
        touched = session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None),
                   UserSession.last_seen_at >= now - timedelta(minutes=policy().idle_minutes))
            .values(last_seen_at=now)
            .returning(UserSession.id)
        ).first()
    return touched is not None


def context_for(info: SessionInfo, *, ip: str = "") -> Ctx:
    """The acting context in the session's current tenant: roles, permissions, vendor."""
    with db.tenant_session(info.tenant_id) as session:
        membership = membership_of(session, info.tenant_id, info.user_id)
        if membership is None or membership.status != "active":
            raise SessionExpired(N_("You are no longer a member of this tenant."))
        roles = member_roles(session, info.tenant_id, membership.id)
        permissions = role_permissions(session, info.tenant_id, [r.id for r in roles])
    return Ctx(
        tenant_id=info.tenant_id,
        user_id=info.user_id,
        actor_label=info.email,
        roles=frozenset(r.key for r in roles),
        permissions=permissions,
        vendor_id=membership.vendor_id,
        is_platform_admin=info.is_platform_admin,
        ip=ip,
    )


def switch_tenant(token: str, tenant_id: UUID, *, ip: str = "") -> SessionInfo:
    """Make `tenant_id` the session's current tenant (it must be one of the user's)."""
    info = resume(token)
    if tenant_id not in {t.id for t in info.tenants}:
        raise SessionExpired(N_("You are not a member of that tenant."))
    new = replace(info, tenant_id=tenant_id)
    ctx = context_for(new, ip=ip)
    with db.tenant_session(tenant_id) as session:
        session.execute(update(UserSession).where(UserSession.id == info.session_id)
                        .values(current_tenant_id=tenant_id))
        record(session, ctx, action="auth.switch_tenant", entity_type="user", entity_id=info.user_id)
    return new


def logout(token: str, *, ip: str = "") -> None:
    """End the session and audit it; a no-op for an unknown or ended session."""
    try:
        info = resume(token)
    except SessionExpired:
        return
    with db.tenant_session(info.tenant_id) as session:
        session.execute(update(UserSession).where(UserSession.id == info.session_id).values(ended_at=datetime.now(UTC)))
        user_ctx = Ctx(tenant_id=info.tenant_id, user_id=info.user_id, actor_label=info.email, ip=ip)
        record(session, user_ctx, action="auth.logout", entity_type="user", entity_id=info.user_id)


def end(token: str) -> None:
    with db.global_session() as session:
        session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None))
            .values(ended_at=datetime.now(UTC))
        )


def purge_expired(now: datetime | None = None) -> int:
    """Close idle sessions and drop throttle rows older than a day (a scheduler job)."""
    now = now or datetime.now(UTC)
    with db.global_session() as session:
        closed = session.execute(
            update(UserSession)
            .where(UserSession.ended_at.is_(None),
                   UserSession.last_seen_at < now - timedelta(minutes=policy().idle_minutes))
            .values(ended_at=now)
        ).rowcount
        session.execute(LoginAttempt.__table__.delete().where(LoginAttempt.created_at < now - timedelta(days=1)))
    return int(closed or 0)


def _refuse_if_throttled(email: str, ip: str, now: datetime) -> None:
    p = policy()
    since = now - timedelta(minutes=p.window_minutes)
    with db.global_session() as session:
        last_ok = session.scalar(
            select(func.max(LoginAttempt.created_at)).where(LoginAttempt.email == email, LoginAttempt.succeeded)
        )
        start = max(since, last_ok) if last_ok else since
        account = session.scalars(
            select(LoginAttempt.created_at)
            .where(LoginAttempt.email == email, ~LoginAttempt.succeeded, LoginAttempt.created_at > start)
            .order_by(LoginAttempt.created_at.desc())
            .limit(p.max_failures)
        ).all()
        by_ip = session.scalars(
            select(LoginAttempt.created_at)
            .where(LoginAttempt.ip == ip, ~LoginAttempt.succeeded, LoginAttempt.created_at > since)
            .order_by(LoginAttempt.created_at.desc())
            .limit(p.ip_max_failures)
        ).all()
    for failures, limit in ((account, p.max_failures), (by_ip, p.ip_max_failures)):
        if len(failures) >= limit:
            unlock = failures[-1] + timedelta(minutes=p.window_minutes)
            minutes = max(1, int((unlock - now).total_seconds() + 59) // 60)
            raise LoginThrottled(
                N_("Too many failed sign-ins. Try again in {minutes} min."), minutes=minutes
            )


def _record_failure(email: str, ip: str, user: User | None, *, reason: str, count: bool = True) -> None:
    """One failed attempt: a throttle row, and an audit event in each of the user's tenants
    (in the platform tenant for an unknown e-mail), committed together."""
    tenant_ids = [t.id for t in _tenants_of(user, include_inactive=True)] if user else []
    with db.global_session() as session:
        if count:
            session.add(LoginAttempt(email=email, ip=ip, succeeded=False))
        for tenant_id in tenant_ids or [PLATFORM_TENANT_ID]:
            db.set_tenant(session, tenant_id)
            ctx = Ctx(tenant_id=tenant_id, user_id=user.id if user else None, actor_label=email, ip=ip)
            record(session, ctx, action="auth.login_failed", entity_type="user",
                   entity_id=user.id if user else "", after={"reason": reason})


def _tenants_of(user: User, *, include_inactive: bool = False) -> list[TenantChoice]:
    with db.global_session(user_id=user.id) as session:
        stmt = (
            select(Tenant)
            .join(Membership, Membership.tenant_id == Tenant.id)
            .where(Membership.user_id == user.id)
            .order_by(Tenant.is_platform, Tenant.name)
        )
        if not include_inactive:
            stmt = stmt.where(Membership.status == "active", Tenant.status == "active")
        rows = session.scalars(stmt).all()
    return [TenantChoice(id=t.id, name=t.name, slug=t.slug, is_platform=t.is_platform) for t in rows]


def _preferred_tenant(user_id: UUID, tenants: list[TenantChoice]) -> UUID:
    allowed = {t.id for t in tenants}
    with db.global_session() as session:
        recent = session.scalars(
            select(UserSession.current_tenant_id)
            .where(UserSession.user_id == user_id, UserSession.current_tenant_id.is_not(None))
            .order_by(UserSession.last_seen_at.desc())
            .limit(1)
        ).first()
    return recent if recent in allowed else tenants[0].id


def _set_session_tenant(session_id: UUID, tenant_id: UUID) -> None:
    with db.global_session() as session:
        session.execute(update(UserSession).where(UserSession.id == session_id).values(current_tenant_id=tenant_id))


def _info(session_id: UUID, user: User, tenant_id: UUID, tenants: list[TenantChoice]) -> SessionInfo:
    return SessionInfo(
        session_id=session_id, user_id=user.id, email=user.email, name=user.name, kind=user.kind,
        locale=user.locale, theme=user.theme, is_platform_admin=user.is_platform_admin,
        must_change_password=user.must_change_password, tenant_id=tenant_id, tenants=tuple(tenants),
    )


def _actor(user: User, tenant_id: UUID, ip: str) -> Ctx:
    return replace(system_ctx(tenant_id, user.email), user_id=user.id, ip=ip)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
