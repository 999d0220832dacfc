"""Host specs (``ssh://[user@]host[:port]``, ``local://``) and what they resolve to.

`parse_host` only checks the spelling; `resolve_chain` applies the user's
``~/.ssh/config`` (HostName, User, Port, IdentityFile, ProxyJump, ...) the way
OpenSSH would, so an alias that works with ``ssh`` works with migready.
Values are validated strictly: a host spec never reaches a shell, but a host
or user starting with ``-`` or containing spaces is a mistake worth a clear
message, not a surprise.
"""
from __future__ import annotations

import getpass
import glob
import io
import ipaddress
import os
import re
import shlex
from dataclasses import dataclass
from typing import Any, Optional

from ...text.i18n import N_, _
from ...store.safeio import read_regular
from ...text.sanitize import host_problem

SSH_CONFIG_LIMIT = 4 * 1024 * 1024  # an ssh config (one file of it) is a few KB

KNOWN_SCHEMES: set[str] = {"ssh", "local", "exec"}
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._@-]*\$?$")  # ops@corp.example@host is valid
_FORMS = N_("ssh://[user@]host[:port] or local://")


@dataclass(frozen=True)
class HostSpec:
    scheme: str
    user: Optional[str] = None
    host: str = ""
    port: Optional[int] = None

    def __str__(self) -> str:
        if self.scheme == "local":
            return "local://"
        if self.scheme == "exec":
            return f"exec:{self.host}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{user}{host}{port}"


def parse_host(spec: str) -> HostSpec:
    """Parse a host spec; `ValueError` with a message saying what is wrong."""
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(_("empty host spec; expected {forms}").format(forms=_(_FORMS)))
    # before any strip: 'ssh://host\n' would forge lines wherever it is printed (a space inside is
    # named below, with the part it is in)
    if host_problem(spec.replace(" ", "")) or spec != spec.strip():
        raise ValueError(host_problem(spec))
    text = spec.strip()
    if text.startswith("exec:") and not text.startswith("exec://"):
        return HostSpec("exec", host=_exec_words(text[len("exec:"):], spec))
    scheme, sep, rest = text.partition("://")
    if not sep:
        raise ValueError(_("host spec {spec} has no scheme; write ssh://{text} (or local://)").format(
            spec=repr(spec), text=text))
    scheme = scheme.lower()
    if scheme not in KNOWN_SCHEMES:
        known = ", ".join(f"{s}://" for s in sorted(KNOWN_SCHEMES))
        raise ValueError(_("host spec {spec}: unknown scheme {scheme}; known: {known}").format(
            spec=repr(spec), scheme=repr(scheme), known=known))
    if scheme == "local":
        if rest not in ("", "/"):
            raise ValueError(_("host spec {spec}: local:// takes no host, user or port").format(spec=repr(spec)))
        return HostSpec("local")
    user, host, port = _authority(rest.rstrip("/") if rest.count("/") == 1 and rest.endswith("/")
                                  else rest, spec)
    return HostSpec(scheme, user, host, port)


def _authority(text: str, spec: str) -> tuple[Optional[str], str, Optional[int]]:
    """``[user@]host[:port]`` -> parts (shared by specs and ProxyJump entries)."""
    for bad, what in (("/", N_("a path")), ("?", N_("a query")), ("#", N_("a fragment"))):
        if bad in text:
            raise ValueError(_("host spec {spec} has {what}; expected {forms}").format(
                spec=repr(spec), what=_(what), forms=_(_FORMS)))
    user: Optional[str] = None
    if "@" in text:
        user, _at, text = text.rpartition("@")
        if ":" in user:
            raise ValueError(_("host spec {spec}: passwords do not belong in host specs").format(spec=repr(spec)))
        if not _USER.match(user):
            raise ValueError(_("host spec {spec}: {user} is not a valid user name").format(
                spec=repr(spec), user=repr(user)))
    port_text: Optional[str] = None
    if text.startswith("["):
        host, close, after = text[1:].partition("]")
        if not close:
            raise ValueError(_("host spec {spec}: missing ']' after the IPv6 address").format(spec=repr(spec)))
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise ValueError(_("host spec {spec}: {host} in brackets is not an IPv6 address").format(
                spec=repr(spec), host=repr(host))) from None
        if after:
            if not after.startswith(":"):
                raise ValueError(_("host spec {spec}: unexpected {after} after ']'").format(
                    spec=repr(spec), after=repr(after)))
            port_text = after[1:]
    else:
        if text.count(":") > 1:
            raise ValueError(_("host spec {spec}: put IPv6 addresses in brackets, "
                               "e.g. ssh://[{text}] or ssh://[::1]:2222").format(spec=repr(spec), text=text))
        host, colon, port_text_ = text.partition(":")
        port_text = port_text_ if colon else None
        if not host:
            raise ValueError(_("host spec {spec} has no host; expected {forms}").format(
                spec=repr(spec), forms=_(_FORMS)))
        if not _NAME.match(host):
            raise ValueError(_("host spec {spec}: {host} is not a valid host name or alias").format(
                spec=repr(spec), host=repr(host)))
    port: Optional[int] = None
    if port_text is not None:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise ValueError(_("host spec {spec}: port must be a number from 1 to 65535, got {port}").format(
                spec=repr(spec), port=repr(port_text)))
        port = int(port_text)
    return user, host, port


def _exec_words(text: str, spec: str) -> str:
    """`exec:` + an argv that starts python3 on the target (kubectl exec -i POD -- python3 -).
    The words are split like a shell would split them, but never given to one."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValueError(_("host spec {spec}: the exec: argv does not split into words: {detail}").format(
            spec=repr(spec), detail=exc)) from None
    if len(words) < 2:
        raise ValueError(_("host spec {spec}: exec: needs an argv that starts python3 on the target, "
                           "e.g. exec:kubectl exec -i -n shop deploy/scale-adapter -- python3 -").format(spec=repr(spec)))
    return shlex.join(words)


def exec_argv(spec: HostSpec) -> list[str]:
    """The argument list of an exec: host, as written."""
    return shlex.split(spec.host)


def parse_jump(entry: str) -> HostSpec:
    """One ProxyJump hop: ``[user@]host[:port]`` or ``ssh://...``."""
    entry = entry.strip()
    return parse_host(entry if "://" in entry else "ssh://" + entry)


@dataclass(frozen=True)
class Endpoint:
    """One SSH server to connect to, after ~/.ssh/config was applied."""

    alias: str  # what the user wrote
    hostname: str  # what we connect to
    port: int
    user: str
    identity_files: tuple[str, ...] = ()
    identities_only: bool = False
    connect_timeout: Optional[float] = None
    host_key_alias: Optional[str] = None
    known_hosts_files: tuple[str, ...] = ()  # UserKnownHostsFile
    hash_known_hosts: Optional[bool] = None
    proxy_jump: tuple[HostSpec, ...] = ()
    proxy_command: Optional[str] = None

    @property
    def where(self) -> str:
        hp = f"[{self.hostname}]:{self.port}" if ":" in self.hostname else f"{self.hostname}:{self.port}"
        return hp if self.alias == self.hostname else f"{self.alias} ({hp})"

    @property
    def key_name_host(self) -> str:
        """The host whose key we check: HostKeyAlias, else HostName."""
        return self.host_key_alias or self.hostname


def load_ssh_config(path: str) -> Any:
    """paramiko.SSHConfig for ``path`` with ``Include`` expanded (paramiko does
    not do Include; many real configs use it).  Includes are spliced in place."""
    import paramiko

    return paramiko.SSHConfig.from_text(_read_with_includes(path, 0))


def _read_with_includes(path: str, depth: int) -> str:
    if depth > 16:
        raise ValueError(_("ssh config {path}: Include nested too deeply (a loop?)").format(path=path))
    if path == os.devnull:  # OpenSSH's "no config" (ssh -F /dev/null)
        return ""
    out = []
    # the guarded open: a FIFO or device (the file, or one an Include names) is refused, never waited on
    for line in io.StringIO(read_regular(path, SSH_CONFIG_LIMIT).decode("utf-8", "replace")):
        m = re.match(r"\s*include(?:\s*=\s*|\s+)(.+)", line, re.IGNORECASE)
        if not m:
            out.append(line)
            continue
        for pattern in shlex.split(m.group(1)):
            pattern = os.path.expanduser(pattern)
            if not os.path.isabs(pattern):
                pattern = os.path.join(os.path.expanduser("~/.ssh"), pattern)
            for inc in sorted(glob.glob(pattern)):
                out.append(_read_with_includes(inc, depth + 1) + "\n")
    return "".join(out)


def resolve_endpoint(spec: HostSpec, config: Any) -> Endpoint:
    """Apply ssh config to one spec: the spec's user/port win over the config's."""
    cfg: dict = config.lookup(spec.host) if config is not None else {"hostname": spec.host}
    port = spec.port or int(cfg.get("port", 22))
    user = spec.user or cfg.get("user") or getpass.getuser()
    jumps: tuple[HostSpec, ...] = ()
    pj = cfg.get("proxyjump")
    if pj and pj.lower() != "none":
        try:
            jumps = tuple(parse_jump(e) for e in pj.split(","))
        except ValueError as e:
            raise ValueError(_("ProxyJump {jump} for {host}: {detail}").format(
                jump=repr(pj), host=spec.host, detail=e)) from None
    pc = cfg.get("proxycommand")
    timeout = cfg.get("connecttimeout")
    khf = cfg.get("userknownhostsfile")
    hashkh = cfg.get("hashknownhosts")
    return Endpoint(
        alias=spec.host,
        hostname=cfg.get("hostname", spec.host),
        port=port,
        user=user,
        identity_files=tuple(os.path.expanduser(p) for p in cfg.get("identityfile", [])),
        identities_only=str(cfg.get("identitiesonly", "no")).lower() == "yes",
        connect_timeout=float(timeout) if timeout else None,
        host_key_alias=cfg.get("hostkeyalias"),
        known_hosts_files=tuple(os.path.expanduser(p) for p in shlex.split(khf)) if khf else (),
        hash_known_hosts=None if hashkh is None else str(hashkh).lower() == "yes",
        proxy_jump=jumps,
        proxy_command=pc if pc and pc.lower() != "none" and not jumps else None,
    )


def resolve_chain(spec: HostSpec, config: Any, _depth: int = 0) -> list[Endpoint]:
    """Endpoints to connect through, first hop first, ``spec`` last.

    Same semantics as ``ssh -J a,b c``: ``a`` is reached with its own config
    (its own ProxyJump honoured), ``b`` through ``a``, ``c`` through ``b``.
    """
    if _depth > 8:
        raise ValueError(f"ProxyJump chain for {spec.host} is longer than 8 hops (a loop?)")
    target = resolve_endpoint(spec, config)
    if not target.proxy_jump:
        return [target]
    first, *rest = target.proxy_jump
    chain = resolve_chain(first, config, _depth + 1)
    for hop in rest:
        ep = resolve_endpoint(hop, config)
        chain.append(_replace(ep, proxy_jump=(), proxy_command=None))
    chain.append(target)
    return chain


def _replace(ep: Endpoint, **changes: Any) -> Endpoint:
    from dataclasses import replace

    return replace(ep, **changes)
