"""A record's tags: cleaning what people type, and suggestions from the tags already in use."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text

from domain.context import Ctx
from domain.errors import N_, ValidationFailed
from domain.records.kinds import require_read
from storage import db

TAG_MAX, TAGS_MAX = 60, 20


def tag_suggestions(ctx: Ctx, *, kind: str, prefix: str = "", limit: int = 20) -> list[str]:
    """Tags already used on this kind of record, most used first (autocomplete)."""
    require_read(ctx, kind)
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.execute(text(
            "select tag, count(*) from records, unnest(tags) as tag where tenant_id = :t and kind = :k "
            "and tag ilike :p group by tag order by count(*) desc, tag limit :n"),
            {"t": ctx.tenant_id, "k": kind, "p": _like_prefix(prefix), "n": limit}).all()
        return [r[0] for r in rows]


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags trimmed, lower case, without duplicates (first spelling kept); ValidationFailed at
    `tags` for one over TAG_MAX characters or more than TAGS_MAX of them."""
    clean: list[str] = []
    for tag in tags:
        value = " ".join(str(tag).split()).lower()
        if not value:
            continue
        if len(value) > TAG_MAX:
            raise ValidationFailed({"tags": N_("Keep each tag under {max} characters.")}, max=TAG_MAX)
        if value not in clean:
            clean.append(value)
    if len(clean) > TAGS_MAX:
        raise ValidationFailed({"tags": N_("A record can have at most {max} tags.")}, max=TAGS_MAX)
    return clean


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
