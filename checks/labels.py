"""The words for the core's fixed vocabularies (verdicts, severities, item states, phases) in the
reader's language.  Files, JSON and JUnit keep the ids (`NO-GO`, `blocker`, `na`); people see these."""
from __future__ import annotations

from .i18n import N_, _

VOCABULARY = {
    "verdict": {"GO": N_("GO"), "GO WITH WAIVERS": N_("GO WITH WAIVERS"), "NO-GO": N_("NO-GO")},
    "severity": {"blocker": N_("blocker"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
                 "info": N_("info")},
    "state": {"pending": N_("pending"), "pass": N_("pass"), "fail": N_("fail"), "waived": N_("waived"),
              "na": N_("n/a"), "incomplete": N_("incomplete")},
    "phase": {"prepare": N_("prepare"), "pre-migration": N_("pre-migration"), "cutover": N_("cutover"),
              "post-migration": N_("post-migration"), "sign-off": N_("sign-off")},
}


def label(kind: str, value: str) -> str:
    """`value` of vocabulary `kind` as the reader says it; an unknown value is shown as it is (data)."""
    word = VOCABULARY[kind].get(value)
    return _(word) if word is not None else value
