"""What `migready --help` and each verb's --help teach: the workflow in order, an example or two per
verb, and the exit codes (issue 26: the help listed `probe` before `plan`, only `discover` had
examples, and every verb pointed to a README section that a pip user does not have).

Commands in examples are not translated (they are what you type); the sentences around them are.
"""
from __future__ import annotations

from ..text.i18n import N_, _

# The verbs as `migready --help` lists them: the review's order first, then the tools.
ORDER = ("demo", "validate", "flags", "plan", "probe", "compare", "checklist", "mark", "waive", "verdict",
         "keygen", "signoff", "report", "verify", "trust", "discover", "rehearse", "reflector", "upgrade", "gui", "help")

# (step, command, what it is for): `migready --help` starts with these.
WORKFLOW = (
    ("plan", "migready plan INVENTORY --phase pre", N_("what a run will contact; sends nothing")),
    ("probe pre", "migready probe INVENTORY --phase pre --workspace WS",
     N_("before the move, from a staging host of the old site")),
    ("probe post", "migready probe INVENTORY --phase post --workspace WS",
     N_("after the move, from a staging host of the new site")),
    ("compare / checklist", "migready compare WS; migready checklist WS",
     N_("regressions first; then mark or waive the manual items")),
    ("verdict", "migready verdict WS", N_("GO, GO WITH WAIVERS or NO-GO, with every reason")),
    ("sign-off", "migready signoff WS --key KEY", N_("each required role signs (keys from migready keygen)")),
    ("report", "migready report WS --format html", N_("the go/no-go report; migready verify checks its JSON form")),
)

# One or two examples per verb (commands: never translated).
EXAMPLES = {
    "demo": ("migready demo", "migready demo --out /tmp/demo --force"),
    "validate": ("migready validate inventories/scale-adapter-nat.yaml",),
    "flags": ("migready flags inventories/scale-adapter-nat.yaml",
              "migready flags inventory.yaml --format json --fail-on blocker"),
    "plan": ("migready plan inventory.yaml --phase pre",
             "migready plan inventory.yaml --phase post --host ssh://ops@203.0.113.21 --format json"),
    "probe": ("migready probe inventory.yaml --phase pre --workspace ws.migready.json",
              "migready probe inventory.yaml --phase post --workspace ws.migready.json --host ssh://ops@203.0.113.21 "
              "--yes --sign-with keys/lin"),
    "compare": ("migready compare ws.migready.json", "migready compare ws.migready.json --format json"),
    "checklist": ("migready checklist ws.migready.json",),
    "mark": ('migready mark ws.migready.json prepare.rollback-plan pass --by "Lin Wei" '
             '--reason "runbook v3, trigger: 5 min of ERR 266"',),
    "waive": ('migready waive ws.migready.json scale-adapter/topscale-scales --by "Lin Wei" '
              '--reason "firmware 3.2 accepts any source port" --until 2030-01-31',),
    "verdict": ("migready verdict ws.migready.json", "migready verdict ws.migready.json --format json"),
    "keygen": ('migready keygen --name "Lin Wei" --role "migration lead" --out keys/lin',),
    "signoff": ("migready signoff ws.migready.json --key keys/lin",
                'migready signoff ws.migready.json --key keys/lin --decision reject --reason "rollback untested"'),
    "report": ("migready report ws.migready.json --format html",
               "migready report ws.migready.json --format json --out report.json"),
    "verify": ("migready verify report.json --trust trust/",),
    "trust": ('migready trust init trust/ --role "migration lead" --role "store devices" --require-attested-runs',
              "migready trust add trust/ keys/lin.pub"),
    "discover": ("migready discover inventory.yaml --from-file ss-tunap.txt --input-format ss",
                 "migready discover inventory.yaml --host ssh://ops@192.0.2.15 --duration 60 --out draft.yaml"),
    "rehearse": ("migready rehearse inventory.yaml --host ssh://ops@203.0.113.21 --dependency checkout/kafka "
                 "--workspace ws.migready.json --dry-run",
                 "migready rehearse inventory.yaml --host ssh://ops@203.0.113.21 --dependency checkout/kafka "
                 "--fault reject --workspace ws.migready.json"),
    "reflector": ("migready reflector --bind 198.51.100.10 --port 3478 --udp --tcp",),
    "upgrade": ('migready upgrade ws.migready.json --by "Lin Wei"',),
    "gui": ("migready gui", "migready gui ws.migready.json --lang zh_CN"),
    "help": ("migready help exit-codes", "migready help probe"),
}

# Every exit code, for `migready help exit-codes` (the README has the same table).
EXIT_CODES = (
    (0, N_("done: valid, shown, recorded, all pass, GO")),
    (1, N_("findings: a flag or discovery finding at or above --fail-on (default high), failed probes, NO-GO, "
           "a signature that does not hold")),
    (2, N_("bad input: a file that is missing, invalid or of the wrong kind (named as such), a host that cannot "
           "be reached, a probe plan not confirmed, no display (or a platform plugin that cannot load) for gui")),
    (3, N_("GO WITH WAIVERS (verdict, demo)")),
    (4, N_("incomplete: a probe run or discovery cut short (what came in is stored)")),
    (5, N_("inconclusive: a rehearsal that could not prove anything (no root, no iptables, an unhealthy "
           "baseline)")),
    (70, N_("an internal error (a bug; MIGREADY_DEBUG=1 shows the traceback)")),
    (130, N_("interrupted (Ctrl-C)")),
)


def fill(text: str, width: int = 79) -> str:
    """A paragraph wrapped for a terminal (the top help keeps its own line breaks, so it wraps itself);
    CJK text, which has no spaces, is left to the terminal."""
    import textwrap
    return textwrap.fill(text, width) if " " in text else text


def workflow_text() -> str:
    """The top of `migready --help`: the review in order, one line per step."""
    lines = [_("The review, in order (WS is the workspace file, *.migready.json):")]
    for number, (_step, command, why) in enumerate(WORKFLOW, 1):
        lines.append(f"  {number}. {command}")
        lines.append(f"       {_(why)}")
    lines.append(_("New here? `migready demo` runs all of it on loopback in a few seconds."))
    return "\n".join(lines)


def examples_text(verb: str) -> str:
    """"examples:" and the verb's example commands, or "" for a verb without any."""
    examples = EXAMPLES.get(verb)
    if not examples:
        return ""
    return "\n".join([_("examples:")] + [f"  {line}" for line in examples])


def exit_codes_text() -> str:
    lines = [_("exit codes (every verb):")]
    import textwrap
    for code, meaning in EXIT_CODES:
        text = _(meaning)
        lines.append(textwrap.fill(text, 79, initial_indent=f"  {code:>3}  ", subsequent_indent=" " * 7)
                     if " " in text else f"  {code:>3}  {text}")
    lines.append(_("Each verb's --help ends with the codes it uses."))
    return "\n".join(lines)


TOPICS = {"exit-codes": exit_codes_text, "workflow": workflow_text}
