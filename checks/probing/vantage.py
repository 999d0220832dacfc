"""Vantage hosts during a probe run: the peer's side of a call-back (incident 5).

When a zone has no reflector that takes call-back requests but lists
`vantage_hosts`, the probe plan's `callback` probes ask a vantage host
instead.  For the run, migready opens a second SSH session to each vantage
host named in the plan and runs its agent as a call-back reflector for this
run only (`serve_callbacks`: a fresh token, the plan's addresses, the number
of requests it expects).  The staging host's probes wait for it to listen.
A vantage host that cannot be reached shows in those probes as inconclusive
("cannot reach the call-back vantage point"), never as a failure of the peer.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator

from .callback import vantage_plans
from ..text.i18n import Msg


class Sessions:
    """The vantage hosts' sessions of one run, and what went wrong with them."""

    def __init__(self, plan):
        self.where = {f"{serve['address']}:{serve['port']}": host for host, serve in plan.vantage.items()}
        self.errors: dict[str, str] = {}

    def explain(self, line: dict) -> dict:
        """An agent line, with the vantage host's own error added to a call-back that could not reach it."""
        host = self.where.get((line.get("meta") or {}).get("target") or "")
        if line.get("reason") == "vantage_unreachable" and host in self.errors:
            # the first cause first: the SSH session failed, so nothing listened on the agent's port
            line = dict(line, detail=Msg("vantage host {host}: {error}; so no call-back reflector ran there "
                                         "({detail})", detail=line.get("detail"), host=host,
                                         error=self.errors[host]))
        return line


@contextlib.contextmanager
def serving_vantage_hosts(plan, options, agent_source: str) -> Iterator[Sessions]:
    """Run the plan's vantage hosts' agents while the body runs, and stop them afterwards
    (they also stop by themselves once they served every call-back request of the plan)."""
    from .transports import TransportError, open_transport
    from .transports.errors import stored_text

    sessions = Sessions(plan)
    stop = threading.Event()

    def serve(host: str, agent_plan: dict) -> None:
        try:
            with open_transport(host, options) as transport:
                outcome = transport.run_agent(agent_source, agent_plan, lambda line: None, stop)
                if outcome.error and not stop.is_set():
                    sessions.errors[host] = outcome.error
        except (TransportError, ValueError, OSError) as exc:
            sessions.errors[host] = stored_text(exc)

    threads = [threading.Thread(target=serve, args=item, name=f"vantage {item[0]}", daemon=True)
               for item in vantage_plans(plan).items()]
    for thread in threads:
        thread.start()
    try:
        yield sessions
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
