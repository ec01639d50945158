"""Saved list views: a list's filters and sort under a name, the person's own or shared with
the tenant (sharing needs edit rights on the kind)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import or_, select

from domain.context import Ctx
from domain.errors import N_, NotFound, PermissionDenied, ValidationFailed
from domain.records import service
from domain.records.listing import ListQuery
from domain.records.models import SavedView
from storage import db


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewInfo:
    id: UUID
    name: str
    shared: bool
    mine: bool
    query: ListQuery = field(compare=False)


def save_view(ctx: Ctx, *, name: str, query: ListQuery, shared: bool = False) -> ViewInfo:
    """Save (or replace) the person's view `name`; sharing it with the tenant needs edit rights."""
    service.require_read(ctx, query.kind)
    clean = " ".join((name or "").split())
    if not clean or len(clean) > 80:
        raise ValidationFailed({"name": N_("Give the view a name of 1 to 80 characters.")})
    if shared and not ctx.can(service.EDIT[query.kind]):
        raise PermissionDenied(N_("Only people who can edit these records can share a view."))
    if ctx.user_id is None:
        raise PermissionDenied(N_("Only a signed-in person can save a view."))
    with db.tenant_session(ctx.tenant_id) as session:
        view = session.scalars(select(SavedView).where(
            SavedView.tenant_id == ctx.tenant_id, SavedView.owner_id == ctx.user_id, SavedView.kind == query.kind,
            SavedView.name == clean)).first()
        if view is None:
            view = SavedView(tenant_id=ctx.tenant_id, owner_id=ctx.user_id, kind=query.kind, name=clean)
            session.add(view)
        view.query, view.shared = query.as_dict(), shared
        session.flush()
        return ViewInfo(id=view.id, name=view.name, shared=view.shared, mine=True, query=query)


def list_views(ctx: Ctx, *, kind: str) -> list[ViewInfo]:
    service.require_read(ctx, kind)
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.scalars(select(SavedView).where(
            SavedView.tenant_id == ctx.tenant_id, SavedView.kind == kind,
            or_(SavedView.owner_id == ctx.user_id, SavedView.shared)).order_by(SavedView.name)).all()
        views = []
        for v in rows:
            try:
                query = ListQuery.from_dict(v.query)
            except ValidationFailed:
                continue
            views.append(ViewInfo(id=v.id, name=v.name, shared=v.shared, mine=v.owner_id == ctx.user_id,
                                  query=query))
        return views


def delete_view(ctx: Ctx, *, view_id: UUID) -> None:
    with db.tenant_session(ctx.tenant_id) as session:
        view = session.scalars(select(SavedView).where(SavedView.tenant_id == ctx.tenant_id,
                                                       SavedView.id == view_id)).first()
        if view is None:
            raise NotFound(N_("This view no longer exists."))
        if view.owner_id != ctx.user_id:
            raise PermissionDenied(N_("Only the person who saved a view can delete it."))
        session.delete(view)


