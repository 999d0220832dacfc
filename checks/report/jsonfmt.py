"""The JSON report: the file `migready verify` reads and the signers' digest is checked against.

Canonical (sorted keys, UTF-8, no insignificant whitespace) so that the
digest of its content can be recomputed by anyone from the file alone:
`content_digest(json.load(f))` must equal its `digest` field.
"""
from __future__ import annotations

from .model import canonical_chunks, content_digest


def render(report: dict) -> bytes:
    body = dict(report, digest=content_digest(report))
    return "".join(canonical_chunks(body)).encode("utf-8") + b"\n"
