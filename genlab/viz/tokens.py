"""Text drawn token by token, each token's background coloured by its probability (HTML).

The text reads as text: tokens sit inline without boxes, a newline token is a small coloured ``↵``
followed by a real line break, spaces stay visible as coloured gaps. A colour bar under the text
is the scale (red: unlikely, green: likely). Each token carries ``data-pos`` (its index), so a view
can tell which one was clicked, and a tooltip with its probability.
"""

from __future__ import annotations

import html

CMAP = "RdYlGn"
ALPHA = 0.55          # light enough for black text on every colour of the scale
LEGEND_STOPS = 11


def _rgb(p: float) -> tuple[int, int, int]:
    import matplotlib

    r, g, b, _ = matplotlib.colormaps[CMAP](min(max(p, 0.0), 1.0))
    return round(255 * r), round(255 * g), round(255 * b)


def probability_colour(p: float) -> str:
    """The CSS background of a token of probability ``p``."""
    r, g, b = _rgb(p)
    return f"rgba({r},{g},{b},{ALPHA})"


def _token(pos: int, piece: str, p: float) -> str:
    shown = html.escape(piece)
    if piece.endswith("\n"):  # the newline itself gets a visible mark, then the line breaks
        shown = html.escape(piece[:-1]) + '<span class="tok-nl">↵</span>\n'
    return (f'<span class="tok" data-pos="{pos}" title="#{pos}: p = {p:.3f}" '
            f'style="background:{probability_colour(p)}">{shown}</span>')


def legend_html(low_label: str, high_label: str) -> str:
    """The colour scale: a bar from p = 0 to p = 1 with its two ends named."""
    stops = ", ".join(probability_colour(i / (LEGEND_STOPS - 1)) for i in range(LEGEND_STOPS))
    return ('<div class="tok-legend" style="display:flex; align-items:center; gap:8px; margin-top:8px; '
            'font-size:12px">'
            f'<span>{html.escape(low_label)}</span>'
            f'<span style="flex:0 1 240px; height:12px; border-radius:3px; background:linear-gradient(90deg, {stops})">'
            '</span>'
            f'<span>{html.escape(high_label)}</span></div>')


def token_html(pieces, probabilities, *, low_label: str, high_label: str) -> str:
    """The text as coloured tokens with the colour scale under it ("" when there are no tokens)."""
    if not pieces:
        return ""
    body = "".join(_token(i, piece, p) for i, (piece, p) in enumerate(zip(pieces, probabilities)))
    return ('<div class="tok-text" style="white-space:pre-wrap; overflow-wrap:anywhere; font-family:ui-monospace, '
            'SFMono-Regular, Menlo, monospace; font-size:13px; line-height:1.6">' + body + "</div>"
            + legend_html(low_label, high_label))


# How a view styles the tokens (a page-wide stylesheet or a gr.HTML css_template).
CSS = """
.tok { cursor: pointer; border-radius: 2px; }
.tok:hover { outline: 1px solid #555; }
.tok-selected { outline: 2px solid #222; }
.tok-nl { opacity: 0.6; font-size: 0.85em; }
"""
