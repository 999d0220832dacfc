"""``python -m migready.gui --screenshots DIR [--lang zh_CN]``: every page, light and dark, as PNG files.

Runs the real window offscreen (a 1600x1000 virtual screen, so nothing is
clamped), walks the demo review end to end - pre and post probes on
``local://`` against the demo's own loopback peers (127.0.0.20-22 when that
block is free, else a free 127.x.y.z block, with a copy of demo.yaml that
points there; started here and stopped after), the post run through `migready demo`'s user-space
NAT simulation so the scale's source port is rewritten as in incident 1,
a few marks, a waiver, a sign-off - and grabs each page and dialog.
Nothing but loopback is ever probed.  ``--lang`` shows the window in that
language (installed before the window is built) and has the lead's marks,
waiver and sign-off written as a lead of that language would write them.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

SIZE = (1280, 800)
# Every page is shot at the smallest window the app is designed for and at full HD.
SIZES = ((1024, 700), (1920, 1080))
# What the lead types (data, not translations): in the language the pictures show.
SAMPLE_TEXT = {
    "en": {"name": "Lin Wei", "mark": "done at the cutover meeting",
           "waiver": "TopScale firmware 3.2 (accepts any source port) rolled out to every store before cutover",
           "signoff": "ok with the firmware waiver"},
    "zh_CN": {"name": "林伟", "mark": "已在割接会议上确认",
              "waiver": "割接前已向所有门店推送 TopScale 固件 3.2（接受任意源端口）",
              "signoff": "同意，接受固件豁免"},
}


def _offscreen(folder: Path) -> None:
    if os.environ.get("MIGREADY_SCREENSHOT_PLATFORM"):  # e.g. "xcb" under xvfb-run
        os.environ["QT_QPA_PLATFORM"] = os.environ["MIGREADY_SCREENSHOT_PLATFORM"]
        return
    config = folder / "screens.json"
    config.write_text(json.dumps({"screens": [{"name": "shots", "x": 0, "y": 0, "width": 1600, "height": 1000,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def _pump(app, until=lambda: False, seconds: float = 0.3) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until():
            return True
        time.sleep(0.01)
    return until()


# What `ss -tunap` printed on the old site's staging host (illustrative; compared, never probed).
SS_EXPORT = """\
Netid State  Recv-Q Send-Q  Local Address:Port   Peer Address:Port Process
udp   ESTAB  0      0        192.0.2.31:9010   198.51.100.171:5002  users:(("java",pid=2101,fd=11))
udp   ESTAB  0      0        192.0.2.31:9010   198.51.100.172:5002  users:(("java",pid=2101,fd=12))
udp   ESTAB  0      0        192.0.2.31:9010   198.51.100.205:5002  users:(("java",pid=2101,fd=13))
tcp   LISTEN 0      4096                *:8080              *:*     users:(("java",pid=2101,fd=80))
tcp   LISTEN 0      4096                *:27777             *:*     users:(("java",pid=2101,fd=88))
tcp   ESTAB  0      0        192.0.2.31:41822   198.51.100.12:8300  users:(("java",pid=2101,fd=40))
tcp   ESTAB  0      0        192.0.2.31:8080    198.51.100.63:51544 users:(("java",pid=2101,fd=41))
tcp   ESTAB  0      0        192.0.2.31:27777    203.0.113.172:60122 users:(("java",pid=2101,fd=42))
tcp   ESTAB  0      0        192.0.2.31:48810    203.0.113.146:6379  users:(("java",pid=2101,fd=43))
tcp   ESTAB  0      0        192.0.2.31:50112   198.51.100.41:9100  users:(("java",pid=2101,fd=44))
"""


def take(out_dir: str | Path, lang: str = "en") -> int:
    """Every picture into `out_dir`: 0, or 2 with one clear line on stderr when a step fails
    (an address taken, a page that did not load), saying how far it got."""
    from migready.checks.text.i18n import _
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        before = {p.name for p in out.glob("*.png")}
    except OSError as exc:
        print(_("error: cannot write screenshots to {folder}: {reason}").format(folder=out, reason=exc.strerror or exc),
              file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="migready-shots-"))
    try:
        return _take(out, scratch, lang)
    except (OSError, RuntimeError) as exc:
        written = len({p.name for p in out.glob("*.png")} - before)
        print(_("error: screenshots stopped after {n} images: {reason}").format(n=written, reason=exc),
              file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _take(out: Path, scratch: Path, lang: str) -> int:
    from PySide6.QtWidgets import QApplication
    if QApplication.instance() is None:
        _offscreen(scratch)
    from PySide6.QtCore import QSettings

    from migready.checks.probing import agent
    from migready.checks.trust import signing
    from migready.checks.demo import simulators
    from migready.checks.demo.loopback import CLASSIC, is_free, start_in_free_block
    from migready.checks.demo.natrelay import Relay
    from migready.checks.demo.scenario import nat_forwards
    from .i18n import install
    from .mainwindow import MainWindow
    from .session import Session
    from .standalone import bundled, ensure_app
    from .style import dark_palette

    app = ensure_app()
    lang = install(lang)  # before any widget is made: they take their words when built
    said = SAMPLE_TEXT.get(lang, SAMPLE_TEXT["en"])
    app.setStyle("Fusion")
    light, dark = app.palette(), dark_palette()
    window = MainWindow(session=Session(data_dir=scratch / "data"),
                        settings=QSettings(str(scratch / "settings.ini"), QSettings.IniFormat))
    window.resize(*SIZE)
    window.show()
    session = window.session

    def shoot(name: str, step: str | None = None, prepare=None):
        """Grab the page now, in the light and in the dark palette."""
        if step:
            window.go(step)
        if prepare:
            prepare()
        for width, height in SIZES:
            window.resize(width, height)
            for suffix, palette in (("", light), ("-dark", dark)):
                app.setPalette(palette)
                _pump(app, seconds=0.2)
                window.grab().save(str(out / f"{name}-{width}x{height}{suffix}.png"))
        app.setPalette(light)
        window.resize(*SIZE)

    def load(path):
        session.open_path(path)
        # wait for THIS file: the previous inventory's review is still there while it loads
        if not _pump(app, lambda: not session.loading and session.inventory_path == str(path)
                     and (session.review is not None or bool(session.problems)), 15):
            raise RuntimeError(f"{path} did not load")

    # 1. a broken inventory: every problem with file:line:col, the line shown
    broken = scratch / "scale-adapter-typo.yaml"
    text = bundled("demo.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("egress_nat: true", "egress_nat: yes please").replace(
        "protocol: tcp", "protocl: tcp"), encoding="utf-8")
    load(broken)
    shoot("01-inventory-errors", "inventory")
    # 2. the bundled example a newcomer sees first
    load(bundled("scale-adapter-nat.yaml"))
    shoot("02-inventory", "inventory")
    shoot("03-flags", "flags")
    # 3. the demo review, probed on loopback only
    # The pictures show demo.yaml's own 127.0.0.20-22 when no other demo holds them; else a free block.
    if is_free(CLASSIC):
        block, direct = CLASSIC, _peers(agent, simulators, CLASSIC)
    else:
        block, direct = start_in_free_block(lambda b: _peers(agent, simulators, b))
    demo = scratch / "demo.yaml"
    demo.write_text(block.inventory_text(bundled("demo.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    load(demo)
    try:
        _probe(app, window, session, "pre", "04-pre-probes", shoot)
    finally:
        _stop(direct)
    moved = _peers(agent, simulators, block, hidden=True)
    try:
        relay = Relay(nat_forwards(block), block.nat_address).start()
    except OSError:
        _stop(moved)
        raise
    try:
        _probe(app, window, session, "post", "05-post-probes", shoot)
    finally:
        relay.stop()
        _stop(moved)
    shoot("06-compare", "compare")
    checklist = session.review.checklist
    for item in checklist.items:
        if item.source == "template" and item.phase == "prepare":
            session.mark(item.id, "pass", said["name"], said["mark"])
    until = (_dt.date.today() + _dt.timedelta(days=14)).isoformat()
    _pump(app, lambda: not session.runner.busy("review"), 10)
    session.waive("demo-scale-deviceadapter/demo-scale", said["name"], said["waiver"], until)
    _pump(app, lambda: not session.runner.busy("review"), 10)
    page = window.pages["checklist"]
    shoot("07-checklist", "checklist", lambda: (page.tabs.setCurrentIndex(0), page.select(
        "req:demo-scale-deviceadapter/demo-scale:source_port_preserved")))
    shoot("08-event-log", "checklist", lambda: page.tabs.setCurrentIndex(1))
    signoff = window.pages["signoff"]
    window.go("signoff")
    _pump(app, lambda: signoff.report is not None and not signoff.stale, 20)
    signing.keygen(said["name"], "migration lead", scratch / "lin.key")
    signoff.sign(str(scratch / "lin.key"), "approve", said["signoff"])
    _pump(app, lambda: bool(session.workspace.signoffs), 10)
    _pump(app, lambda: signoff.report is not None and not signoff.stale and signoff.report["signoff"]["entries"], 20)
    shoot("09-signoff", "signoff")
    _dialogs(out, window, session, app, said=said)
    app.setPalette(dark)
    _dialogs(out, window, session, app, "-dark", said)
    app.setPalette(light)
    # 4. discovery on the bundled example: a saved `ss -tunap` export is compared (read, never probed)
    load(bundled("scale-adapter-nat.yaml"))
    export = scratch / "staging-ss-tunap.txt"
    export.write_text(SS_EXPORT, encoding="utf-8")
    discovery = window.pages["discovery"]
    window.go("discovery")
    discovery.ask_import(str(export))
    if not _pump(app, lambda: bool(discovery.records()) and not discovery.running, 15):
        raise RuntimeError(f"the discovery import did not finish: {discovery.state.text()}")
    shoot("12-discovery", "discovery", lambda: discovery.select(lambda row: row.kind == "undocumented"))
    # 5. the rehearsal's dry run on the demo: the rules it would install and their revert, computed, nothing applied
    # (the demo declares no health endpoint, without which the page shows only its refusal: this copy has one,
    # on loopback; a dry run calls nothing)
    rehearsal = scratch / "demo-rehearsal.yaml"
    rehearsal.write_text(demo.read_text(encoding="utf-8").replace(
        "    criticality: critical\n", "    criticality: critical\n    health: http://127.0.0.1:8080/health\n", 1),
        encoding="utf-8")
    load(rehearsal)
    shoot("13-rehearsal", "rehearsal")
    window.close()
    print(f"screenshots written to {out}")
    return 0


def _peers(agent, simulators, block, hidden: bool = False) -> list:
    """The demo's reflector, scale and printer in `block` (or behind its NAT); OSError with none
    left running when one cannot bind."""
    reflector, scale, printer = (block.behind_nat[ep] if hidden else ep
                                 for ep in (block.reflector, block.scale, block.printer))
    started: list = []
    try:
        started.append(agent.Reflector(*reflector, log=None).start())
        started.append(simulators.start_scale(*scale, log=None))
        started.append(simulators.start_printer(*printer, log=None))
    except OSError:
        _stop(started)
        raise
    return started


def _stop(peers: list) -> None:
    for peer in reversed(peers):
        peer.stop()


def outside_loopback(plan) -> list[str]:
    """Every address or name a plan would reach that is not in 127.0.0.0/8 (empty: loopback only)."""
    import ipaddress

    from migready.checks.probing.transports.guard import outside
    return outside(plan.to_agent(), [ipaddress.ip_network("127.0.0.0/8")])


def loopback_only(inventory, phase: str) -> None:
    """Refuse to probe anything but 127.0.0.0/8: screenshots never touch a real network."""
    from migready.checks.probing.plans import build_plan
    outside = outside_loopback(build_plan(inventory, "local://", phase))
    if outside:
        raise RuntimeError(f"refusing to probe {', '.join(outside[:5])} ({inventory.path}): screenshots probe "
                           "loopback only")


def _probe(app, window, session, phase: str, name: str, shoot) -> None:
    loopback_only(session.inventory, phase)
    window.go(phase)
    run = window.pages[phase].start("local://")
    if run is None:
        raise RuntimeError(f"the {phase} run did not start: {window.pages[phase].state.text()}")
    _pump(app, lambda: not run.running, 30)
    _pump(app, lambda: session.review is not None and (session.review.checklist.post_run if phase == "post"
                                                       else session.review.checklist.pre_run) is not None, 10)
    shoot(name, phase)


def _dialogs(out: Path, window, session, app, suffix: str = "", said: dict | None = None) -> None:
    from migready.checks.probing.transports.errors import HostKeyInfo

    from .dialogs.hostkey import HostKeyDialog
    from .dialogs.waive import WaiveDialog
    info = HostKeyInfo("10.60.3.21", 22, "ssh-ed25519", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8")
    item = next(i for i in session.review.checklist.items if i.state == "pending" and i.blocker)
    for name, dialog in (("10-host-key-dialog", HostKeyDialog(info, window)),
                         ("11-waive-dialog", WaiveDialog(item, (said or SAMPLE_TEXT["en"])["name"], parent=window))):
        dialog.show()
        _pump(app, seconds=0.2)
        dialog.grab().save(str(out / f"{name}{suffix}.png"))
        dialog.close()


if __name__ == "__main__":
    sys.exit(take(sys.argv[1] if len(sys.argv) > 1 else "screenshots", sys.argv[2] if len(sys.argv) > 2 else "en"))
