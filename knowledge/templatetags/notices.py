"""The portal's maintenance banner and the "awaiting your answer" panel of client people
(k18chg): `{% load notices %}{% notices_panel %}` on the portal home pages."""

from __future__ import annotations

from django import template

from knowledge.selectors.changes import approvals_awaiting, consents_awaiting
from knowledge.selectors.notices import banner_notices

register = template.Library()


@register.inclusion_tag("knowledge/_panel.html", takes_context=True)
def notices_panel(context) -> dict:
    user = context["user"]
    if not getattr(user, "is_authenticated", False):
        return {"banner_notices": [], "approvals": [], "consents": []}
    return {"banner_notices": banner_notices(user),
            "approvals": list(approvals_awaiting(user=user)[:10]),
            "consents": list(consents_awaiting(user=user)[:10])}
