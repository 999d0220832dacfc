"""The incidents migready exists for (../shared/DESIGN.md), one line each: every rule names one, and
the window and the reports say it next to the finding.  Each line is a `Msg`: English wherever it is
stored or signed, the reader's language where it is shown (`shown()`)."""
from ..text.i18n import Msg

INCIDENTS = {
    # the share is a parameter: a literal "%" in a message id makes gettext tools read it as a %-format
    1: Msg("scale adapter behind NAT: source port rewritten, {share} of price pushes failed (error 266)", share="41%"),
    2: Msg("internal calls left through a NAT gateway to a public domain and timed out"),
    3: Msg("synchronous Kafka publish in the checkout path when the cluster went down"),
    4: Msg("stale nodes still registered behind the load balancer"),
    5: Msg("scheduler called workers back on their own port from another data centre"),
}
