"""A report's content is hashed once, when it is built (issue 27).

`build_report` stores the content digest; the HTML (and the PDF, which lays
out the same HTML and puts the digest in every page's footer) shows that
one.  Hashing a 10,000-item report's 10 MB of canonical content again, twice
per PDF, was time spent for the same 64 hex digits.
"""
from __future__ import annotations

from migready.checks.report import content_digest, html
from report_data import make_workspace, open_report


def test_html_shows_the_stored_digest_without_hashing_the_content_again(tmp_path, monkeypatch):
    report = open_report(make_workspace(tmp_path))
    assert report["digest"] == content_digest(report)
    hashed = []
    monkeypatch.setattr(html, "content_digest", lambda r: hashed.append(1) or content_digest(r))
    page = html.render(report).decode("utf-8")
    footer = html.page_footer(report)(1, 9)
    assert hashed == []
    assert page.count(report["digest"]) >= 3  # summary, sign-off, closing line
    assert report["digest"][:16] in footer


def test_a_report_without_a_stored_digest_is_still_hashed(tmp_path):
    report = open_report(make_workspace(tmp_path))
    digest = report.pop("digest")
    assert digest in html.render(report).decode("utf-8")
