"""The `http` check: one GET without following redirects, the status and timing
that a health check would see (the baseline the other checks go beyond).
"""
import socket
import time
import urllib.parse
from .protocol import ProbeError, _field, _ms_since, _outcome, _remaining, _socket_failure, _unmap, resolve


_WEB = {}


def _web():
    """urllib.request, urllib.error, ssl (None without OpenSSL) and the handler that
    never follows a redirect, imported on first use: urllib.request pulls in
    http.client, email and ssl, about a third of the agent's start-up imports,
    and only the `http` check and the rehearsal's health calls need them."""
    if not _WEB:
        import urllib.error
        import urllib.request
        try:
            import ssl
        except ImportError:  # a Python built without OpenSSL: https probes fail as tls
            ssl = None

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            """Report a 3xx as it is; never follow it to some other host."""

            def redirect_request(self, *args, **kwargs):
                return None

        _WEB.update(request=urllib.request, error=urllib.error, ssl=ssl, NoRedirect=NoRedirect)
    return _WEB


def check_http(probe, deadline):
    """Plain HTTP(S) GET, direct: environment proxies are ignored and
    redirects are not followed (a 3xx is the answer we judge).

    The ordinary check, kept for comparison pre/post and for incident 2's
    latency-vs-budget question on HTTP dependencies."""
    url = _field(probe, "url", str)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProbeError("url must be http:// or https:// with a host")
    expect = probe.get("expect_status")
    expected = (lambda s: 200 <= s < 400) if expect is None else \
        (lambda s: s in (expect if isinstance(expect, list) else [expect]))
    web = _web()
    t0 = time.monotonic()
    data = {"status": None, "ip": None}
    try:
        infos = resolve(parts.hostname, None, socket.SOCK_STREAM, deadline)
        data["ip"] = _unmap(infos[0][4][0])
        opener = web["request"].build_opener(web["request"].ProxyHandler({}), web["NoRedirect"]())
        try:
            with opener.open(url, timeout=_remaining(deadline)) as response:
                data["status"] = response.status
        except web["error"].HTTPError as exc:
            data["status"] = exc.code
            exc.close()
    except web["error"].URLError as exc:
        return _http_failure(exc.reason, data)
    except Exception as exc:  # socket errors raised while reading
        return _http_failure(exc, data)
    latency = _ms_since(t0)
    if expected(data["status"]):
        return _outcome("pass", "http_ok", "HTTP %s" % data["status"], latency, data)
    return _outcome("fail", "http_status", "unexpected HTTP %s" % data["status"], latency, data)


def _http_failure(reason, data):
    ssl = _web()["ssl"]
    if ssl is not None and isinstance(reason, (ssl.SSLError, ssl.CertificateError)):
        result = _outcome("fail", "tls", "TLS failed: %s" % reason)
    elif isinstance(reason, OSError):
        result = _socket_failure(reason, what="http")
    else:
        result = _outcome("inconclusive", "http_error", "http failed: %s" % (reason,))
    result["data"] = data
    return result
