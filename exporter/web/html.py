"""Shared layout and escaping for the pages: inline CSS, no JavaScript, no external assets.

Everything that comes from the cloud (names, reasons, errors) is tenants' or operators' text, so
every value is escaped unless it is wrapped in ``Markup`` by code that built it from escaped parts.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote, urlencode

from exporter import __version__


class Markup(str):
    """HTML built here from escaped parts; ``esc`` passes it through unchanged."""

    __slots__ = ()


def esc(value: object) -> Markup:
    """Escaped for element text and for quoted attribute values alike (quote=True)."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def url(path: str, params: Mapping[str, str] | None = None) -> str:
    """A path with its query; every value percent-encoded (``quote``, so a space is %20)."""
    query = {k: v for k, v in (params or {}).items() if v}
    return path + ("?" + urlencode(query, quote_via=quote) if query else "")


def link(path: str, text: object, params: Mapping[str, str] | None = None) -> Markup:
    return Markup(f'<a href="{esc(url(path, params))}">{esc(text)}</a>')


def tag(name: str, text: object, cls: str = "") -> Markup:
    attr = f' class="{esc(cls)}"' if cls else ""
    return Markup(f"<{name}{attr}>{esc(text)}</{name}>")


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    empty: str,
    row_classes: Sequence[str] | None = None,
) -> Markup:
    """A table whose cells are escaped unless Markup; on a phone each row becomes a card whose
    cells carry their header as a label (``data-label``), so nothing overflows sideways."""
    rows = list(rows)
    if not rows:
        return Markup(f'<p class="ok">{esc(empty)}</p>')
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        # Rows are tinted ("row-bad"), not coloured: a red table is unreadable at 3 a.m.
        cls = f"row-{row_classes[i]}" if row_classes and row_classes[i] else ""
        cells = "".join(
            f'<td data-label="{esc(h)}">{esc(c)}</td>' for h, c in zip(headers, row, strict=True)
        )
        body.append(f'<tr class="{esc(cls)}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    return Markup(
        f'<table class="cards"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def duration(seconds: float | None) -> str:
    """A human duration, two units at most: "45 s", "12 min", "3 h 20 min", "4 d 2 h"."""
    if seconds is None:
        return "unknown"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(s // 3600, 24)
    return f"{d} d {h} h" if h else f"{d} d"


def utc(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ts))


# Plain system fonts and colours that keep their meaning in grey-scale (words, not only colour).
CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;
background:#f4f5f7}
header{background:#1f2d3d;color:#fff;padding:.6rem 1rem}
header h1{font-size:1.15rem;margin:0}
header p{margin:.2rem 0 0;font-size:.85rem;color:#c9d3de}
header a{color:#fff}
nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin-top:.35rem;font-size:.9rem}
main{max-width:1200px;margin:0 auto;padding:.8rem 1rem 2rem}
section{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:.6rem .9rem;
margin:0 0 .9rem}
h2{font-size:1.05rem;margin:.1rem 0 .5rem}
h3{font-size:.95rem;margin:.7rem 0 .3rem}
p{margin:.3rem 0}
code,pre{font:13px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
pre{background:#f0f2f5;border-radius:4px;padding:.3rem .5rem;margin:.25rem 0;white-space:pre-wrap;
overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.25rem .45rem;border-bottom:1px solid #e6e9ed;vertical-align:top;
overflow-wrap:break-word}
th{background:#f0f2f5;font-weight:600}
td.num,th.num{text-align:right}
.bad{color:#a4000f;font-weight:600}
tr.row-bad td{background:#fdecee}
tr.row-warn td{background:#fff6e0}
.warn{color:#8a5a00;font-weight:600}
.ok{color:#1d6b2f}
.muted{color:#5d6874;font-size:.85rem}
.glance{display:flex;flex-wrap:wrap;gap:.4rem;margin:0 0 .9rem;padding:0;list-style:none}
.glance li{border-radius:4px;padding:.25rem .6rem;background:#e3f1e6;border:1px solid #b9dcc1}
.glance li.bad{background:#fdecee;border-color:#f0b4bb}
.glance li.warn{background:#fff6e0;border-color:#efd392}
.glance a{color:inherit}
.bar{display:inline-block;height:.55rem;background:#d8dde3;width:5rem;border-radius:3px;
vertical-align:middle;margin-left:.3rem}
.bar i{display:block;height:100%;background:#c0392b;border-radius:3px}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:.85rem}
form.filters select,form.filters input{font:inherit;padding:.2rem;max-width:100%}
.findings{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,360px),1fr));
gap:.7rem}
.finding{border:1px solid #d8dde3;border-radius:6px;padding:.5rem .7rem;background:#fff;
min-width:0}
.finding h3{margin:0 0 .3rem;overflow-wrap:anywhere}
.finding dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1rem .6rem;
margin:.2rem 0;font-size:.88rem}
.finding dt{color:#5d6874}
.finding dd{margin:0;overflow-wrap:anywhere}
@media (max-width:640px){
 main{padding:.5rem}
 table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
 table.cards thead{display:none}
 table.cards tr{border:1px solid #e6e9ed;border-radius:4px;margin:0 0 .4rem}
 table.cards td{border:0;padding:.1rem .45rem;display:grid;
  grid-template-columns:8.5rem minmax(0,1fr);gap:.4rem;overflow-wrap:anywhere}
 table.cards td::before{content:attr(data-label);color:#5d6874;font-weight:600}
}
"""


def page(title: str, cloud: str, body: str, *, now: float) -> str:
    """The whole document: one header with the navigation, then ``body`` (already HTML)."""
    nav = " ".join(
        [
            link("/", "Console"),
            link("/problems", "Problems"),
            link("/metrics", "Metrics"),
            link("/-/healthy", "Healthy"),
            link("/-/ready", "Ready"),
        ]
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · {esc(cloud)} · OpenStack admin exporter</title>"
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)} — cloud <code>{esc(cloud)}</code></h1>"
        f"<p>OpenStack admin exporter {esc(__version__)} · page made {esc(utc(now))} from the "
        "exporter's memory (no OpenStack call)</p>"
        f"<nav>{nav}</nav></header><main>{body}</main></body></html>"
    )
