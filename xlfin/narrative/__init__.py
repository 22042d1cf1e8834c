"""The 情况说明 narrative: context (numbers) + Jinja2 templates (words), no arithmetic in templates."""

from xlfin.narrative.render import (
    NARRATIVE_SHEET,
    narrate,
    narrate_traced,
    narrative_sheet,
    render_text,
)

__all__ = ["NARRATIVE_SHEET", "narrate", "narrate_traced", "narrative_sheet", "render_text"]
