"""The words for the core's fixed vocabularies (verdicts, severities, item states, phases, dependency
kinds, device types, probe outcome reasons) in the reader's language.  Files, JSON and JUnit keep the
ids (`NO-GO`, `blocker`, `na`, `port_rewritten`); people see these."""
from __future__ import annotations

import functools

from .i18n import Msg, N_, _

VOCABULARY = {
    "verdict": {"GO": N_("GO"), "GO WITH WAIVERS": N_("GO WITH WAIVERS"), "NO-GO": N_("NO-GO")},
    "severity": {"blocker": N_("blocker"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
                 "info": N_("info")},
    "state": {"pending": N_("pending"), "pass": N_("pass"), "fail": N_("fail"), "waived": N_("waived"),
              "na": N_("n/a"), "incomplete": N_("incomplete")},
    "phase": {"prepare": N_("prepare"), "pre-migration": N_("pre-migration"), "cutover": N_("cutover"),
              "post-migration": N_("post-migration"), "sign-off": N_("sign-off")},
    # a probe run's phase, as stored in the workspace (`migready probe --phase pre|post`, rehearsals)
    "run_phase": {"pre": N_("pre"), "post": N_("post"), "rehearsal": N_("rehearsal")},
    # what a probe itself observed (a result's `status`, checks/probing/agent.py)
    "status": {"pass": N_("pass"), "fail": N_("fail"), "error": N_("error"), "inconclusive": N_("inconclusive"),
               "timeout": N_("timeout"), "unreachable": N_("unreachable")},
    # a dependency's `kind` and `device_type` as the inventory writes them (rule messages say them)
    "kind": {"device": N_("device"), "service": N_("service"), "middleware": N_("middleware"),
             "database": N_("database")},
    "device_type": {"scale": N_("scale"), "printer": N_("printer"), "pos": N_("pos"), "pda": N_("pda")},
    "direction": {"outbound": N_("outbound"), "inbound": N_("inbound"), "both": N_("both")},
    # a rehearsal's verdict (checks/review/rehearsal_verdict.py; the id stays in the workspace and JSON)
    "rehearsal": {"fails_fast": N_("fails fast"), "hangs": N_("hangs"), "unaffected": N_("unaffected"),
                  "inconclusive": N_("inconclusive")},
    # what a waiver covers (a workspace's waiver `scope`)
    "scope": {"item": N_("item"), "dependency": N_("dependency")},
    # why a probe that answered is bad for its dependency (checks/probing/outcome.py, a result's `reason`)
    "reason": {"port_rewritten": N_("source port rewritten"), "address_translated": N_("address translated"),
               "resolves_public": N_("resolves to a public address"),
               "resolves_external": N_("resolves outside every internal zone"),
               "leaves_via_nat": N_("leaves through the site's NAT"), "over_budget": N_("over the timeout budget"),
               # and why it did not answer (the agent's reasons, checks/probing/agent_src: ids, shown in words)
               "refused": N_("refused"), "timeout": N_("timed out"), "unreachable": N_("unreachable"),
               "no_route": N_("no route"), "nxdomain": N_("no such name"), "no_answer": N_("no answer"),
               "silent": N_("no answer"), "reflector_silent": N_("the reflector did not answer"),
               "tls": N_("TLS failed"), "http_status": N_("HTTP error status"),
               "unexpected_answer": N_("unexpected answer"), "dns_error": N_("DNS error"),
               "no_callback": N_("no callback"), "callback_refused": N_("callback refused")},
}


def label(kind: str, value: str) -> str:
    """`value` of vocabulary `kind` as the reader says it; an unknown value is shown as it is (data), also
    one that is not even a word (a list or an object a forged event log holds: shown, not a crash)."""
    try:
        word = VOCABULARY[kind].get(value)
    except TypeError:  # unhashable
        return value
    return _(word) if word is not None else value


@functools.lru_cache(maxsize=512)  # one shared (immutable) Msg per word: fewer objects for the collector
def term(kind: str, value: str) -> str:
    """`value` for a signed sentence: a `Msg` whose English text is the id itself (so what is signed
    does not change) when the vocabulary has a word for it, else the value as data."""
    word = VOCABULARY[kind].get(value)
    if word is not None and (word == value or value in SIGNED_AS_ID):
        return Msg(value)
    return value


# ids whose English word differs from the id ("na" is said "n/a"): a signed sentence keeps the id
# ("marked na by ..."), and the reader still sees the word
SIGNED_AS_ID = (N_("na"),)


# a dependency's `requires` ids, as a checklist item's title says them ("source_port_preserved" ->
# "source port preserved"): the English words are the id with spaces, what is signed today
REQUIREMENTS = (N_("reachable"), N_("source port preserved"), N_("no nat"), N_("within timeout"),
                N_("internal route"), N_("private dns"), N_("reverse reachable"), N_("fails fast"))


@functools.lru_cache(maxsize=512)  # one shared (immutable) Msg per word: fewer objects for the collector
def requirement_words(req: str) -> str:
    """A requirement id in words for a signed sentence: a `Msg` for the ones the schema knows."""
    words = req.replace("_", " ")
    return Msg(words) if words in REQUIREMENTS else words


REQUIREMENT_IDS = (N_("reachable"), N_("source_port_preserved"), N_("no_nat"), N_("within_timeout"),
                   N_("internal_route"), N_("private_dns"), N_("reverse_reachable"), N_("fails_fast"),
                   N_("egress_ip_allowlisted"))


@functools.lru_cache(maxsize=512)  # one shared (immutable) Msg per word: fewer objects for the collector
def requirement_id(req: str) -> str:
    """A requirement where a sentence names it by its id (`source_port_preserved: fail (...)`): the id is
    what is signed, the reader sees the words."""
    return Msg(req) if req in REQUIREMENT_IDS else req
