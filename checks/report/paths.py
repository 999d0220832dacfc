"""One dependency's network path, before and after the move: the model every view draws.

Incident 1 is a path story: the scale adapter at the new site, the NAT on the
way out, the scale in the store that sees source port 58851 where the SDK
declared 9010.  A table row tells it; a picture shows it.  So each dependency
with network evidence gets one `PathModel`: a leg per phase (pre, post), each
leg a row of hops (the staging host at that site -> the NAT/egress point when
one was declared or seen -> the peer in its zone), with the addresses and
ports as the staging host sent them and as the reflector saw them, the
failing hop marked, and the arrow reversed for a call-back.

It is built from the report's signed content only (the dependency entry, its
pre/post evidence entries, the migration's sites, the runs), at render time,
and is never part of the content: the digest is the same with or without it,
in every language.  `layout()` turns a model into drawing primitives (boxes,
arrows, texts at coordinates), which `svg()` writes as inline SVG for HTML and
gui/path_view.py paints with QPainter for the PDF and the window, so the
views cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..text.i18n import _

CONNECT_CHECKS = ("udp_exchange", "tcp_connect", "http", "callback")
PATH_CHECKS = CONNECT_CHECKS + ("reflect",)
# zone kind -> (fill, stroke): the inventory's zone kinds, a colour each (the kind is also written out)
ZONE_COLOURS = {"store": ("#e3f1e6", "#2e7d32"), "internal": ("#e3ecf8", "#1f4e8c"),
                "external": ("#fbe9e0", "#b3541e"), "egress": ("#f3e5f5", "#6a1b9a"), None: ("#eeeeee", "#666666")}
HOST_COLOURS = ("#f5f5f5", "#444444")
NAT_COLOURS = ("#fff4d6", "#9a6b00")
FAIL = "#b00020"
OK = "#1b7f3a"
MUTED = "#555555"


@dataclass
class Hop:
    role: str  # host | nat | peer
    title: str
    lines: list[str] = field(default_factory=list)
    zone_kind: str | None = None
    failing: bool = False
    said_from: int = 99  # lines from this one on are the peer's own words (drawn red when it fails)


@dataclass
class Link:
    label: str = ""
    failing: bool = False


@dataclass
class Leg:
    phase: str  # pre | post
    hops: list[Hop]
    links: list[Link]
    reverse: bool = False  # a call-back: the peer calls the staging host
    status: str = "inconclusive"
    latency_ms: float | None = None
    probed: bool = True


@dataclass
class PathModel:
    dependency: str
    direction: str
    legs: list[Leg]
    timeout_ms: float | None = None  # the dependency's declared budget, drawn on the latency plot


def _port(endpoint: str | None) -> str | None:
    if not endpoint or ":" not in endpoint:
        return None
    return endpoint.rsplit(":", 1)[1]


def _address(endpoint: str | None) -> str | None:
    if not endpoint:
        return None
    head = endpoint.rsplit(":", 1)[0] if ":" in endpoint else endpoint
    return head.strip("[]")


def has_network_evidence(dep: dict) -> bool:
    return any(e.get("check") in PATH_CHECKS for e in dep.get("evidence") or ())


def _short(text, limit: int = 34) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _wrap(text: str, limit: int, lines: int) -> list[str]:
    """`text` on at most `lines` lines of `limit` characters, cut at spaces; the last one shortened."""
    out: list[str] = []
    while text and len(out) < max(lines, 1) - 1 and len(text) > limit:
        cut = text.rfind(" ", limit // 2, limit + 1)
        cut = cut if cut > 0 else limit
        out.append(text[:cut])
        text = text[cut:].lstrip()
    return out + ([_short(text, limit)] if text else [])


def _run_host(runs: dict, run_id) -> str:
    run = runs.get(run_id) or {}
    host = run.get("host") or ""
    return f"{host} ({run['hostname']})" if run.get("hostname") else host


def leg(phase: str, dep: dict, entries: list[dict], site: dict, staging: str) -> Leg:
    """One phase's row: what was sent, what was seen, where it broke."""
    sides = [(e.get("check"), e.get("target"), e.get(phase)) for e in entries if e.get("check") in PATH_CHECKS]
    reflect = next((s for c, _t, s in sides if c == "reflect" and s), None)
    connect = next(((c, t, s) for c, t, s in sides if c in CONNECT_CHECKS and s), None)
    probed = any(s for _c, _t, s in sides)
    reverse = dep.get("direction") == "inbound" or (connect is not None and connect[0] == "callback")
    sent = (reflect or {}).get("local") or (connect[2] if connect else {}).get("local")
    seen = (reflect or {}).get("observed")
    host = Hop("host", _short(site.get("site"), CHARS - 4), zone_kind=None)
    if staging:
        host.lines.append(_short(staging, CHARS))
    if sent:
        host.lines.append(_("from {endpoint}").format(endpoint=sent))
    hops, links = [host], []
    declared = bool(site.get("egress_nat"))
    translated_address = bool(seen and sent and _address(seen) != _address(sent))
    rewritten = reflect is not None and reflect.get("port_preserved") is False
    nat_failing = bool(reflect and reflect.get("status") == "fail")
    sent_port, seen_port = _port(sent), _port(seen)
    if sent_port and seen_port and sent_port != seen_port:
        port_label = f":{sent_port} → :{seen_port}"
    elif sent_port and seen_port:
        port_label = _(":{port} kept").format(port=sent_port)
    else:
        port_label = f":{sent_port}" if sent_port else ""
    if declared or translated_address or rewritten:
        nat = Hop("nat", _("NAT (declared)") if declared else _("NAT (seen by the reflector)"), failing=nat_failing)
        if seen and (translated_address or rewritten):
            nat.lines += [_("{sent} →").format(sent=sent or "?"), seen]
        elif reflect is not None and reflect.get("port_preserved") is True:
            nat.lines.append(_("port {port} kept").format(port=sent_port))
        elif not seen:
            nat.lines.append(_("not observed"))
        hops.append(nat)
        links.append(Link(":" + sent_port if sent_port else ""))
        links.append(Link(port_label, failing=nat_failing))
    else:
        links.append(Link(port_label, failing=nat_failing))
    zone = dep.get("zone") or _("no zone")
    peer = Hop("peer", _short(zone, CHARS - 4), zone_kind=dep.get("zone_kind"))
    target = connect[1] if connect else (dep.get("targets") or [None])[0]
    if target:
        port = dep.get("port")
        where = f"{target}:{port}" if port is not None and ":" not in str(target) else str(target)
        peer.lines.append(_short(where, CHARS))
    if seen:
        peer.lines.append(_("saw {endpoint}").format(endpoint=seen))
    connect_side = connect[2] if connect else None
    status = (connect_side or reflect or {}).get("status") or "inconclusive"
    if connect_side and connect_side.get("status") == "fail":
        peer.failing = True
        links[-1].failing = True
        detail = str(connect_side.get("detail") or "")
        if detail:  # "answer does not start with the expected bytes: ERR 266 ...": the peer's own words first
            said = detail.split(": ", 1)[1] if ": " in detail else detail
            peer.said_from = len(peer.lines)
            peer.lines += _wrap(said, CHARS, 4 - len(peer.lines))
    if reflect and reflect.get("status") == "fail":
        status = "fail"
    hops.append(peer)
    latency = (connect_side or {}).get("latency_ms")
    return Leg(phase, hops, links, reverse=reverse, status=status if probed else "not probed",
               latency_ms=latency if isinstance(latency, (int, float)) else None, probed=probed)


def path_of(dep: dict, migration: dict, runs: list[dict], comparison: dict | None) -> PathModel | None:
    """The dependency's path pre and post, or None when no probe said anything about its path.
    `dep` is a report dependency entry (with `evidence`), `migration` the report's migration entry,
    `runs` the report's runs and `comparison` its comparison entry (which runs were compared)."""
    entries = [e for e in dep.get("evidence") or () if e.get("check") in PATH_CHECKS]
    if not entries:
        return None
    by_id = {r.get("id"): r for r in runs or ()}
    comparison = comparison or {}
    legs = [leg("pre", dep, entries, migration.get("source") or {}, _run_host(by_id, comparison.get("pre_run"))),
            leg("post", dep, entries, migration.get("target") or {}, _run_host(by_id, comparison.get("post_run")))]
    budget = dep.get("timeout_ms")
    return PathModel(dep.get("ref") or "", dep.get("direction") or "outbound", legs,
                     budget if isinstance(budget, (int, float)) and not isinstance(budget, bool) else None)


def paths_of(report: dict) -> dict[str, PathModel]:
    """Every dependency's path in a report, by dependency ref."""
    out = {}
    for service in report.get("services") or ():
        for dep in service.get("dependencies") or ():
            model = path_of(dep, report.get("migration") or {}, report.get("runs") or [], report.get("comparison"))
            if model is not None:
                out[dep["ref"]] = model
    return out


# -- layout: the drawing, as primitives any painter can draw ------------------------------------

WIDTH = 860
LABEL_W = 86
BOX_W = 172
BOX_H = 70
ROW_H = 86  # a row's box (BOX_H) and, for a call-back, the line under it
CHARS = 30  # what a box line holds at the small size
TOP = 8
FONT = 10  # px in layout units
SMALL = 9


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str
    width: float = 1.0
    radius: float = 5.0


@dataclass
class Text:
    x: float
    y: float  # baseline
    text: str
    size: int = FONT
    bold: bool = False
    colour: str = "#111111"
    anchor: str = "start"  # start | middle | end


@dataclass
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float = 1.4
    dashed: bool = False
    head: bool = True  # False: a plain line (the latency plot's budget)


@dataclass
class Drawing:
    width: float
    height: float
    items: list = field(default_factory=list)
    title: str = ""


PHASE_WORDS = {"pre": "Before (pre)", "post": "After (post)"}


def _status_word(leg_: Leg) -> str:
    from .text import probe_word
    if not leg_.probed:
        return _("not probed")
    return probe_word(leg_.status)


def layout(model: PathModel) -> Drawing:
    """Boxes, arrows and texts in layout units (WIDTH wide); painters scale it to their width."""
    rows = len(model.legs)
    d = Drawing(WIDTH, TOP + rows * ROW_H, title=_("Path of {dependency}, before and after the move").format(
        dependency=model.dependency))
    for r, leg_ in enumerate(model.legs):
        y = TOP + r * ROW_H
        cy = y + BOX_H / 2
        d.items.append(Text(0, y + 16, _(PHASE_WORDS.get(leg_.phase, leg_.phase)), FONT, bold=True))
        colour = FAIL if leg_.status == "fail" else (OK if leg_.status == "pass" else MUTED)
        d.items.append(Text(0, y + 30, _status_word(leg_), SMALL, bold=True, colour=colour))
        n = len(leg_.hops)
        span = WIDTH - LABEL_W - BOX_W - 3
        xs = [LABEL_W + (span * i / (n - 1) if n > 1 else 0) for i in range(n)]
        for hop, x in zip(leg_.hops, xs):
            fill, stroke = (ZONE_COLOURS.get(hop.zone_kind, ZONE_COLOURS[None]) if hop.role == "peer" else
                            NAT_COLOURS if hop.role == "nat" else HOST_COLOURS)
            if hop.failing:
                stroke = FAIL
            d.items.append(Box(x, y, BOX_W, BOX_H, fill, stroke, 2.4 if hop.failing else 1.0))
            title = hop.title
            if hop.role == "peer" and hop.zone_kind:
                from ..inventory.zones import word as zone_word
                from ..text.i18n import shown
                title = _short(f"{hop.title} ({shown(zone_word(hop.zone_kind))})", CHARS - 4)
            d.items.append(Text(x + 6, y + 14, title, FONT, bold=True))
            for i, line in enumerate(hop.lines[:4]):
                said = hop.failing and hop.role == "peer" and i >= hop.said_from
                d.items.append(Text(x + 6, y + 27 + i * 11, line, SMALL, colour=FAIL if said else "#222222"))
        for i, link in enumerate(leg_.links):
            x1, x2 = xs[i] + BOX_W, xs[i + 1]
            colour = FAIL if link.failing else "#333333"
            if leg_.reverse:
                d.items.append(Arrow(x2 - 2, cy, x1 + 2, cy, colour, 2.4 if link.failing else 1.4))
            else:
                d.items.append(Arrow(x1 + 2, cy, x2 - 2, cy, colour, 2.4 if link.failing else 1.4))
            if link.label:
                d.items.append(Text((x1 + x2) / 2, cy - 6, link.label, SMALL, bold=link.failing, colour=colour,
                                    anchor="middle"))
            if link.failing:
                d.items.append(Text((x1 + x2) / 2, cy + 14, "✗", FONT, bold=True, colour=FAIL, anchor="middle"))
        if leg_.reverse:
            d.items.append(Text(LABEL_W, y + BOX_H + 12, _("call-back: the peer connects to the staging host"),
                                SMALL, colour=MUTED))
    latency_plot(d, model)
    return d


PLOT_W = LABEL_W - 12  # the latency bars' full length, in the label column under each phase's status
PLOT_BAR = 6


def latency_plot(d: Drawing, model: PathModel) -> None:
    """Latency before vs after as a bar under each phase's status, both on one scale, with the
    declared timeout budget as a dashed tick through them (incident 2: a budget the new path no
    longer meets).  The values are the legs' own (the connect probe's latency), so the plot and
    the path beside it cannot disagree.  Nothing when neither phase measured a latency."""
    values = [leg_.latency_ms for leg_ in model.legs]
    if all(v is None for v in values):
        return
    budget = model.timeout_ms
    top = max([v for v in values if v is not None] + ([budget] if budget else [])) or 1.0
    for r, value in enumerate(values):
        y = TOP + r * ROW_H + 38
        d.items.append(Box(0, y, PLOT_W, PLOT_BAR, "#eeeeee", "#eeeeee", 0.5, radius=1))
        if value is None:
            d.items.append(Text(0, y + 16, _("not measured"), SMALL, colour=MUTED))
            continue
        over = budget is not None and value > budget
        colour = FAIL if over else ("#8a8a8a" if model.legs[r].phase == "pre" else "#1f4e8c")
        d.items.append(Box(0, y, max(PLOT_W * value / top, 1.5), PLOT_BAR, colour, colour, 0.5, radius=1))
        d.items.append(Text(0, y + 16, _("{ms} ms").format(ms=f"{value:.1f}"), SMALL, bold=over,
                            colour=FAIL if over else "#222222"))
        if budget:
            bx = PLOT_W * budget / top
            d.items.append(Arrow(bx, y - 3, bx, y + PLOT_BAR + 3, "#222222", 1.0, dashed=True, head=False))
    if budget:
        d.items.append(Text(0, TOP + (len(values) - 1) * ROW_H + 66, _("timeout {ms} ms").format(ms=f"{budget:g}"),
                            SMALL, colour=MUTED))


def svg(drawing: Drawing) -> str:
    """The drawing as an inline <svg> element (no script, no external reference; texts escaped and
    without the control characters XML forbids: a peer's answer is drawn, and it is untrusted)."""
    from .html_parts import esc
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="path" role="img" width="100%" '
           f'viewBox="0 0 {drawing.width:g} {drawing.height:g}" font-family="sans-serif">',
           f"<title>{esc(drawing.title)}</title>",
    ]
    colours = sorted({item.colour for item in drawing.items if isinstance(item, Arrow) and item.head})
    marker = {c: "mr-arrow-" + c.lstrip("#") for c in colours}  # same colour, same definition
    out.append("<defs>" + "".join(
        f'<marker id="{marker[c]}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>' for c in colours) + "</defs>")
    for item in drawing.items:
        if isinstance(item, Box):
            out.append(f'<rect x="{item.x:g}" y="{item.y:g}" width="{item.w:g}" height="{item.h:g}" rx="{item.radius:g}" '
                       f'fill="{item.fill}" stroke="{item.stroke}" stroke-width="{item.width:g}"/>')
        elif isinstance(item, Arrow):
            dash = ' stroke-dasharray="4 3"' if item.dashed else ""
            end = f' marker-end="url(#{marker[item.colour]})"' if item.head else ""
            out.append(f'<line x1="{item.x1:g}" y1="{item.y1:g}" x2="{item.x2:g}" y2="{item.y2:g}" '
                       f'stroke="{item.colour}" stroke-width="{item.width:g}"{dash}{end}/>')
        elif isinstance(item, Text):
            weight = ' font-weight="bold"' if item.bold else ""
            out.append(f'<text x="{item.x:g}" y="{item.y:g}" font-size="{item.size}" fill="{item.colour}" '
                       f'text-anchor="{item.anchor}"{weight}>{esc(item.text)}</text>')
    out.append("</svg>")
    return "".join(out)


def path_for_review(inventory, comparison, ref: str) -> PathModel | None:
    """The same model from a live comparison (the window), built through the report's own entry
    functions, so the Path panel draws exactly what the report would for this dependency."""
    from ..inventory.zones import ZoneMap
    from .evidence import change_entry, run_entry
    from .model import comparison_entry, dependency_entry, migration_entry
    if inventory is None or comparison is None or not ref:
        return None
    dep = next((d for d in inventory.dependencies() if d.ref == ref), None)
    if dep is None:
        return None
    zones = ZoneMap.of(inventory) if inventory.zones else None
    entry = dependency_entry(dep, inventory)
    entry["evidence"] = [change_entry(c, zones) for c in comparison.changes if c.dependency == ref]
    runs = [run_entry(r) for r in (comparison.pre_run, comparison.post_run) if r]
    return path_of(entry, migration_entry(inventory), runs, comparison_entry(comparison))
