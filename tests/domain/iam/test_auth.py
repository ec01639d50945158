"""Sign-in, sessions, throttling, tenant switching and passwords."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from domain.errors import InvalidCredentials, LoginThrottled, SessionExpired, ValidationFailed
from domain.iam import auth, users
from domain.iam.tenants import PLATFORM_TENANT_ID
from storage.postgres import DatabaseUrls
from tests.factories import PASSWORD, TenantBundle, add_person, audit_rows, ctx_for, new_tenant, owner_sql, unique

STRICT = auth.AuthPolicy(max_failures=3, window_minutes=15, ip_max_failures=5, idle_minutes=30)


@pytest.fixture
def strict_policy() -> Iterator[auth.AuthPolicy]:
    auth.configure(STRICT)
    yield STRICT
    auth.configure(auth.AuthPolicy())


@pytest.fixture
def tenant(database: DatabaseUrls) -> TenantBundle:
    return new_tenant()


def _ip() -> str:
    return unique("10.9.")


def test_login_returns_a_session_in_the_users_tenant(tenant: TenantBundle) -> None:
    token, info = auth.login(email=f"  {tenant.admin_email.upper()} ", password=PASSWORD, ip=_ip())
    assert token and info.email == tenant.admin_email
    assert info.tenant_id == tenant.tenant_id
    assert [t.slug for t in info.tenants] == [tenant.slug]
    assert auth.resume(token).session_id == info.session_id
    assert auth.is_active(token)
    ctx = auth.context_for(info)
    assert "admin" in ctx.roles and ctx.can("user:manage")
    logins = audit_rows(tenant.tenant_id, "auth.login")
    assert logins and logins[-1].entity_id == str(info.user_id)


def test_wrong_password_and_unknown_email_fail_alike(tenant: TenantBundle) -> None:
    with pytest.raises(InvalidCredentials) as wrong:
        auth.login(email=tenant.admin_email, password="not-the-password", ip=_ip())
    with pytest.raises(InvalidCredentials) as unknown:
        auth.login(email=f"nobody-{uuid.uuid4().hex}@example.test", password=PASSWORD, ip=_ip())
    assert str(wrong.value) == str(unknown.value) == "The e-mail or password is not correct."


def test_each_failure_is_audited_in_every_tenant_of_the_user(tenant: TenantBundle) -> None:
    other = new_tenant()
    users.add_member(other.admin, email=tenant.admin_email, name="Shared", roles=["viewer"])
    user_id = auth.login(email=tenant.admin_email, password=PASSWORD, ip=_ip())[1].user_id
    ip = _ip()
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            auth.login(email=tenant.admin_email, password="wrong-password", ip=ip)
    for where in (tenant, other):
        failed = audit_rows(where.tenant_id, "auth.login_failed")
        assert [(r.entity_id, r.ip, r.after) for r in failed] == [(str(user_id), ip, {"reason": "bad_credentials"})] * 2

    stranger = f"stranger-{uuid.uuid4().hex}@example.test"
    with pytest.raises(InvalidCredentials):
        auth.login(email=stranger, password=PASSWORD, ip=ip)
    platform = owner_sql("select actor_label from audit_events where tenant_id = :t and action = 'auth.login_failed' "
                         "and actor_label = :e", t=PLATFORM_TENANT_ID, e=stranger)
    assert len(platform) == 1


def test_logout_is_audited_and_ends_the_session(tenant: TenantBundle) -> None:
    token, info = auth.login(email=tenant.admin_email, password=PASSWORD, ip=_ip())
    auth.logout(token, ip="10.1.2.3")
    with pytest.raises(SessionExpired):
        auth.resume(token)
    assert not auth.is_active(token)
    logouts = audit_rows(tenant.tenant_id, "auth.logout")
    assert [(r.entity_id, r.ip) for r in logouts] == [(str(info.user_id), "10.1.2.3")]
    auth.logout(token)  # a second sign-out changes nothing
    assert len(audit_rows(tenant.tenant_id, "auth.logout")) == 1


def test_too_many_failures_lock_the_account_even_for_the_right_password(
        tenant: TenantBundle, strict_policy: auth.AuthPolicy) -> None:
    for _ in range(strict_policy.max_failures):
        with pytest.raises(InvalidCredentials):
            auth.login(email=tenant.admin_email, password="wrong-password", ip=_ip())
    with pytest.raises(LoginThrottled) as caught:
        auth.login(email=tenant.admin_email, password=PASSWORD, ip=_ip())
    assert "min" in str(caught.value)
    assert 1 <= caught.value.params["minutes"] <= strict_policy.window_minutes


def test_a_successful_login_resets_the_account_counter(tenant: TenantBundle, strict_policy: auth.AuthPolicy) -> None:
    for _round in range(2):
        for _ in range(strict_policy.max_failures - 1):
            with pytest.raises(InvalidCredentials):
                auth.login(email=tenant.admin_email, password="wrong-password", ip=_ip())
        assert auth.login(email=tenant.admin_email, password=PASSWORD, ip=_ip())[0]


def test_too_many_failures_from_one_address_block_it_for_every_account(
        tenant: TenantBundle, strict_policy: auth.AuthPolicy) -> None:
    ip = _ip()
    for _ in range(strict_policy.ip_max_failures):
        with pytest.raises(InvalidCredentials):
            auth.login(email=f"guess-{uuid.uuid4().hex}@example.test", password="wrong-password", ip=ip)
    with pytest.raises(LoginThrottled):
        auth.login(email=tenant.admin_email, password=PASSWORD, ip=ip)
    assert auth.login(email=tenant.admin_email, password=PASSWORD, ip=_ip())[0]  # another address still works


def test_idle_session_expires(tenant: TenantBundle) -> None:
    token, info = auth.login(email=tenant.admin_email, password=PASSWORD, ip=_ip())
    owner_sql("update user_sessions set last_seen_at = now() - interval '31 minutes' where id = :s",
              s=info.session_id)
    assert not auth.is_active(token)
    with pytest.raises(SessionExpired) as caught:
        auth.resume(token)
    assert "30 min without activity" in str(caught.value)
    ended = owner_sql("select ended_at from user_sessions where id = :s", s=info.session_id)[0].ended_at
    assert ended is not None


def test_disabled_membership_loses_its_context(tenant: TenantBundle) -> None:
    email = add_person(tenant, "viewer")
    _token, info = auth.login(email=email, password=PASSWORD, ip=_ip())
    assert auth.context_for(info).can("user:read")
    users.update_member(tenant.admin, user_id=info.user_id, name="Viewer Person", roles=["viewer"],
                        status="disabled")
    with pytest.raises(SessionExpired):
        auth.context_for(info)
    with pytest.raises(InvalidCredentials, match="no active tenant"):
        auth.login(email=email, password=PASSWORD, ip=_ip())


def test_switch_tenant_only_to_the_users_own_tenants(tenant: TenantBundle) -> None:
    other = new_tenant()
    stranger = new_tenant()
    users.add_member(other.admin, email=tenant.admin_email, name="Shared", roles=["viewer"])
    token, info = auth.login(email=tenant.admin_email, password=PASSWORD, ip=_ip())
    assert {t.id for t in info.tenants} == {tenant.tenant_id, other.tenant_id}

    switched = auth.switch_tenant(token, other.tenant_id)
    assert switched.tenant_id == other.tenant_id
    assert auth.context_for(switched).roles == frozenset({"viewer"})
    assert auth.resume(token).tenant_id == other.tenant_id
    assert len(audit_rows(other.tenant_id, "auth.switch_tenant")) == 1

    with pytest.raises(SessionExpired):
        auth.switch_tenant(token, stranger.tenant_id)
    assert auth.resume(token).tenant_id == other.tenant_id
    assert audit_rows(stranger.tenant_id, "auth.switch_tenant") == []


def test_change_own_password(tenant: TenantBundle) -> None:
    email = add_person(tenant, "viewer")
    ctx = ctx_for(email)
    with pytest.raises(InvalidCredentials):
        users.change_own_password(ctx, current="not-my-password", new="brand-new-secret-42")
    with pytest.raises(ValidationFailed) as weak:
        users.change_own_password(ctx, current=PASSWORD, new="short")
    assert "new" in weak.value.fields
    users.change_own_password(ctx, current=PASSWORD, new="brand-new-secret-42")
    with pytest.raises(InvalidCredentials):
        auth.login(email=email, password=PASSWORD, ip=_ip())
    _token, info = auth.login(email=email, password="brand-new-secret-42", ip=_ip())
    assert not info.must_change_password
    assert len(audit_rows(tenant.tenant_id, "user.password_change")) == 1


def test_admin_reset_gives_a_temporary_password_and_ends_sessions(tenant: TenantBundle) -> None:
    email = add_person(tenant, "viewer")
    old_token, info = auth.login(email=email, password=PASSWORD, ip=_ip())
    temporary = users.reset_password(tenant.admin, user_id=info.user_id)
    with pytest.raises(SessionExpired):
        auth.resume(old_token)
    with pytest.raises(InvalidCredentials):
        auth.login(email=email, password=PASSWORD, ip=_ip())
    _token, fresh = auth.login(email=email, password=temporary, ip=_ip())
    assert fresh.must_change_password
    assert [r.entity_id for r in audit_rows(tenant.tenant_id, "user.password_reset")] == [str(info.user_id)]


def test_passwords_are_stored_as_argon2id_with_owasp_parameters(tenant: TenantBundle) -> None:
    stored = owner_sql("select password_hash from users where email = :e", e=tenant.admin_email)[0].password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


def test_touch_keeps_an_open_session_alive_but_cannot_revive_an_idle_one(database):
    bundle = new_tenant()
    token, info = auth.login(email=bundle.admin_email, password=PASSWORD, ip=unique("10.7."))
    assert auth.touch(token)
    owner_sql("update user_sessions set last_seen_at = now() - interval '3 hours' where id = :s", s=info.session_id)
    assert not auth.touch(token)
    assert not auth.is_active(token)
