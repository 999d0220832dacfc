"""migready probe agent: runs ON the staging host, stdlib only, Python >= 3.6.

Why it exists: the dependencies that break migrations (store scales that check
the UDP source port, "internal" calls that leave through a NAT gateway, ...)
can only be seen from the host the service will run on.  The host side copies
this one file there over SSH and runs it; it must not import migready.

Protocol (`python3 agent.py run`, also the default):
  stdin : one JSON plan, read to EOF:
          {"version": 1, "jobs": 16, "probes": [{"id", "check", "meta"?,
           "timeout_ms"?, ...check fields}]}
  stdout: JSON lines (results go out in batches, at most 50 ms after they
          are known; every other line at once):
          {"type": "hello", "agent_version", "python", "pid"}
          {"type": "result", "id", "check", "meta", "status", "reason",
           "detail", "latency_ms", "started", "data"}   (completion order;
           meta as the plan gave it, {} when it gave none)
          {"type": "summary", "agent_version", "total", "pass", "fail",
           "inconclusive", "elapsed_ms"}
  status is "pass" | "fail" | "inconclusive"; a missing tool or an
  unsupported situation is never "pass".  A malformed plan gives a single
  {"type": "error", "detail"} line and exit code 2.

`python3 agent.py reflector [--bind A] [--port N] [--udp] [--tcp] [--once]
[--callback-allow CIDR]... [--token-file F] [--callback-rate N]`
runs the reflector: a UDP+TCP echo answering each peer with the address and
port it observed, so the agent can see NAT and source-port rewriting.  Over
TCP it also takes call-back requests (the `callback` check): it connects back
to the address it observed (and to addresses inside --callback-allow), on
the one port named, once per request, rate-limited per source.
"""
