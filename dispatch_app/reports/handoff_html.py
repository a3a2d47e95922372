"""The handoff record as one self-contained, printable HTML page (every text escaped).

The same page is what the PDF prints, so it keeps to the HTML subset QTextDocument reads:
table attributes for borders and padding, simple CSS.
"""
from __future__ import annotations

from html import escape

from dispatch_app.domain.handoff import Handoff

from . import anchor_line, handoff_sections, shift_line, title

STYLE = """
@page { size: A4; margin: 15mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 16pt; margin-top: 0; margin-bottom: 4pt; }
h2 { font-size: 12pt; margin-top: 14pt; margin-bottom: 4pt; }
p.shift { color: #333; margin: 0 0 8pt 0; }
table { border-collapse: collapse; }
table.wide { width: 100%; }
th { background-color: #e6e6e6; text-align: left; font-weight: bold; }
th, td { border: 1px solid #999; padding: 3px 5px; vertical-align: top; }
tr { page-break-inside: avoid; }
p.empty { color: #555; font-style: italic; }
"""


def handoff_html(handoff: Handoff) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{escape(title(handoff))}</title>", f"<style>{STYLE}</style></head><body>",
           f"<h1>{escape(title(handoff))}</h1>", f'<p class="shift">{escape(shift_line(handoff))}</p>']
    for section in handoff_sections(handoff):
        out.append(f"<h2>{escape(section.title)}</h2>")
        if not section.rows:
            out.append(f'<p class="empty">{escape(section.empty)}</p>')
            continue
        if section.compact:
            out.append('<table border="1" cellspacing="0" cellpadding="3">')
        else:
            out.append('<table class="wide" border="1" cellspacing="0" cellpadding="3" width="100%">')
        out.append("<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in section.headers) + "</tr></thead>")
        out.append("<tbody>")
        out += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in section.rows]
        out.append("</tbody></table>")
    out.append("<h2>Dispatcher's notes</h2>")
    if handoff.notes:
        out.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in handoff.notes) + "</ul>")
    else:
        out.append('<p class="empty">none</p>')
    anchor = anchor_line(handoff)
    if anchor is not None:
        out.append(f'<p class="anchor"><code>{escape(anchor)}</code></p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"
