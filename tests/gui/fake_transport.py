"""Test transports: the agent runs on this machine (as local://), but connecting first asks
about a host key, or fails the way an SSH server would.  No network is touched by them."""
from __future__ import annotations

from migready.checks.probing.transports import register_transport
from migready.checks.probing.transports.errors import AuthFailed, HostKeyInfo, UnknownHostKey
from migready.checks.probing.transports.local import LocalTransport

INFO = HostKeyInfo("staging.test", 2222, "ssh-ed25519", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8")
answers: list[str] = []
passphrases: list = []


class AskingTransport(LocalTransport):
    """Asks the host-key callback (from the worker thread, as SSH does) before running locally."""

    scheme = "asking"

    def connect(self) -> None:
        answer = self.options.host_key_callback(INFO) if self.options.host_key_callback else "refuse"
        answers.append(answer)
        if answer not in ("once", "remember"):
            raise UnknownHostKey(INFO, refused_by="the person at the keyboard")
        if self.options.passphrase_callback:  # as SSH does for an encrypted identity file
            passphrases.append(self.options.passphrase_callback("/home/ops/.ssh/id_ed25519"))


class RefusingTransport(LocalTransport):
    scheme = "refusing"

    def connect(self) -> None:
        raise AuthFailed("ops@staging.test:22: authentication failed (tried: publickey, password)",
                         "staging.test", 22, "ops", ["publickey", "password"])


def register() -> None:
    register_transport("asking", "fake_transport:AskingTransport")
    register_transport("refusing", "fake_transport:RefusingTransport")
