"""The ``exec:`` transport: staging hosts without sshd (pods, containers, network namespaces).

Incident 1's NAT belonged to the pod network (Calico natOutgoing): a probe
from the node's own network never passes through it.  So a staging host may
be an argument list that starts ``python3`` *on the target* with stdin and
stdout as the channel::

    exec:kubectl exec -i -n shop deploy/scale-adapter -- python3 -
    exec:docker exec -i scale-adapter python3 -
    exec:ip netns exec shop-ns python3 -

The argv is run as written (an argument list, never through a shell); only
the inventory's author chose its words.  ``python3 -`` reads its whole program
from stdin before it runs it, so the agent, its plan and the fixed bootstrap
travel as ONE program: a few constant lines that put the usual agent input
(length line, agent source, plan) behind ``sys.stdin`` and run the same
bootstrap as SSH does.  The agent, its results and the plan display are the
ones of every other transport.
"""
from __future__ import annotations

import base64
import shutil
from typing import Optional

from ...text.i18n import Msg
from .base import BOOTSTRAP_CODE, CommandResult, ConnectFailed, encode_agent_input
from .hostspec import HostSpec, exec_argv
from .local import LocalTransport

# Constant text around the payload: nothing from the inventory is in it (the plan is base64 data).
_PROGRAM = (
    "import base64, io, sys\n"
    "sys.path[:] = [p for p in sys.path if p]\n"  # like -I: no current directory on sys.path
    "sys.stdin = io.TextIOWrapper(io.BytesIO(base64.b64decode({payload!r})), encoding='ascii')\n"
    "sys.argv = ['migready-agent', 'run']\n"
    "{bootstrap}\n"
)


def exec_program(agent_source: str, plan: dict) -> bytes:
    """What ``python3 -`` reads: the agent's usual stdin wrapped in a constant program."""
    payload = base64.b64encode(encode_agent_input(agent_source, plan)).decode("ascii")
    return _PROGRAM.format(payload=payload, bootstrap=BOOTSTRAP_CODE).encode("ascii")


class ExecTransport(LocalTransport):
    scheme = "exec"

    def __init__(self, spec: HostSpec, options=None) -> None:
        super().__init__(spec, options)
        self.argv = exec_argv(spec)

    @property
    def where(self) -> str:
        return str(self.spec)

    @property
    def python(self) -> str:
        return self.argv[-2] if len(self.argv) >= 2 and self.argv[-1] == "-" else self.argv[-1]

    def connect(self) -> None:
        """Nothing to open; a program that is not installed is said now, before anything is stored."""
        if shutil.which(self.argv[0]) is None:
            raise ConnectFailed(Msg("cannot start {where}: {program} is not installed or not on PATH",
                                    where=str(self.spec), program=self.argv[0]), str(self.spec))

    def _agent_launch(self, agent_source: str, plan: dict) -> tuple[list[str], bytes]:
        return list(self.argv), exec_program(agent_source, plan)

    def _missing(self) -> Exception:
        return ConnectFailed(Msg("cannot start {where}: {program} is not installed or not on PATH",
                                 where=str(self.spec), program=self.argv[0]), str(self.spec))

    def run(self, argv: list[str], stdin: Optional[bytes] = None,
            timeout: Optional[float] = None) -> CommandResult:
        """An exec: host runs the agent only; commands (rehearsals, call-back vantage) need SSH."""
        return CommandResult(127, b"", b"exec: hosts run the probe agent only\n")
