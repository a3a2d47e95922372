"""The handoff record as Markdown (GitHub tables)."""
from __future__ import annotations

from dispatch_app.domain.handoff import Handoff

from . import anchor_line, handoff_sections, shift_line, title


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def handoff_markdown(handoff: Handoff) -> str:
    out = [f"# {_cell(title(handoff))}", "", _cell(shift_line(handoff)), ""]
    for section in handoff_sections(handoff):
        out += [f"## {section.title}", ""]
        if not section.rows:
            out += [f"_{section.empty}_", ""]
            continue
        out.append("| " + " | ".join(section.headers) + " |")
        out.append("|" + "|".join("---" for _ in section.headers) + "|")
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in section.rows]
        out.append("")
    out += ["## Dispatcher's notes", ""]
    out += [f"- {_cell(n)}" for n in handoff.notes] or ["_none_"]
    anchor = anchor_line(handoff)
    if anchor is not None:
        out += ["", f"`{anchor}`"]
    return "\n".join(out) + "\n"
