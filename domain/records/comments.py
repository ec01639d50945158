"""Comments on records (author and time; authors edit their own for five minutes; nobody
deletes) and the record's timeline: transitions, field changes and comments in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select, text

from domain.audit.service import record as audit
from domain.context import Ctx
from domain.errors import N_, NotFound, PermissionDenied, ValidationFailed
from domain.records.models import Comment
from domain.records.service import _hidden_fields, _load
from domain.workflows.models import TransitionRecord
from storage import db

COMMENT_EDIT_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    at: datetime
    kind: str  # transition | change | comment | created
    actor: str
    data: dict[str, Any]


def timeline(ctx: Ctx, *, record_id: UUID) -> list[TimelineEntry]:
    """Transitions, field changes (before/after), comments and creation, oldest first."""
    with db.tenant_session(ctx.tenant_id) as session:
        row, instance = _load(session, ctx, record_id)
        entries: list[TimelineEntry] = [TimelineEntry(at=row.created_at, kind="created", actor="", data={})]
        for h in session.scalars(select(TransitionRecord).where(
                TransitionRecord.tenant_id == ctx.tenant_id, TransitionRecord.instance_id == instance.id)):
            entries.append(TimelineEntry(at=h.at, kind="transition", actor=h.actor_label, data={
                "actor_id": str(h.actor_id) if h.actor_id else None, "transition": h.transition_id,
                "from": h.from_state, "to": h.to_state, "comment": h.comment, "inputs": dict(h.inputs or {})}))
        changes = session.execute(text(
            "select created_at, actor_label, actor_id, before, after from audit_events where tenant_id = :t "
            "and entity_type = :k and entity_id = :i and action = 'record.update'"),
            {"t": ctx.tenant_id, "k": row.kind, "i": str(row.id)}).all()
        hidden = _hidden_fields(session, ctx, instance)
        for at, actor, actor_id, before, after in changes:
            keys = [k for k in (after or {}) if k not in hidden]
            if keys:
                entries.append(TimelineEntry(at=at, kind="change", actor=actor, data={
                    "actor_id": str(actor_id) if actor_id else None,
                    "changes": [{"field": k, "before": (before or {}).get(k), "after": after[k]} for k in keys]}))
        for c in session.scalars(select(Comment).where(
                Comment.tenant_id == ctx.tenant_id, Comment.subject_type == row.kind, Comment.subject_id == row.id)):
            entries.append(TimelineEntry(at=c.created_at, kind="comment", actor=c.author_label, data={
                "actor_id": str(c.author_id) if c.author_id else None, "id": str(c.id), "body": c.body,
                "edited_at": c.edited_at,
                "mine": c.author_id is not None and c.author_id == ctx.user_id,
                "editable": editable(c, ctx)}))
        entries.sort(key=lambda e: e.at)
        return entries


def add_comment(ctx: Ctx, *, record_id: UUID, body: str) -> UUID:
    text_ = _text(body)
    with db.tenant_session(ctx.tenant_id) as session:
        row, _instance = _load(session, ctx, record_id)
        comment = Comment(tenant_id=ctx.tenant_id, subject_type=row.kind, subject_id=row.id,
                          author_id=ctx.user_id, author_label=ctx.actor_label, body=text_)
        session.add(comment)
        session.flush()
        audit(session, ctx, action="comment.create", entity_type=row.kind, entity_id=row.id,
              after={"comment": str(comment.id), "body": text_})
        return comment.id


def edit_comment(ctx: Ctx, *, comment_id: UUID, body: str) -> None:
    """Authors edit their own comments within five minutes; nobody edits or deletes others'."""
    text_ = _text(body)
    with db.tenant_session(ctx.tenant_id) as session:
        comment = session.scalars(select(Comment).where(
            Comment.tenant_id == ctx.tenant_id, Comment.id == comment_id).with_for_update()).first()
        if comment is None:
            raise NotFound(N_("This comment no longer exists."))
        _load(session, ctx, comment.subject_id)  # the viewer must see the record
        if comment.author_id is None or comment.author_id != ctx.user_id:
            raise PermissionDenied(N_("Only the author can edit a comment."))
        if not editable(comment, ctx):
            raise PermissionDenied(N_("Comments can be edited for five minutes after posting."))
        before = comment.body
        comment.body, comment.edited_at = text_, datetime.now(UTC)
        session.flush()
        audit(session, ctx, action="comment.update", entity_type=comment.subject_type,
              entity_id=comment.subject_id, before={"body": before}, after={"body": text_})


def _text(body: str) -> str:
    text_ = (body or "").strip()
    if not text_:
        raise ValidationFailed({"body": N_("Write a comment first.")})
    if len(text_) > 10_000:
        raise ValidationFailed({"body": N_("Keep the comment under {max} characters.")}, max=10_000)
    return text_


def editable(comment: Comment, ctx: Ctx) -> bool:
    return (comment.author_id is not None and comment.author_id == ctx.user_id
            and datetime.now(UTC) - comment.created_at <= COMMENT_EDIT_WINDOW)
