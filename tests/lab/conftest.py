"""Fixtures of the real network lab (see netlab.py for the topology).

``lab`` is session-scoped: built once (about a second), torn down at the end
of the session whatever happens.  It skips with a reason when this host cannot
build it (not root, no netns, no iptables or sshd, no MASQUERADE) - except in
CI (CI=true), where the tools are installed and a missing lab is a failure.
Tests in this folder that use it are marked ``lab`` automatically.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from .netlab import Lab, LabUnavailable, blackhole_present, live_labs, netns_list


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def lab_unavailable(reason: str) -> None:
    """Skip (or in CI fail) because the lab or one of its parts is missing."""
    if in_ci():
        pytest.fail("CI=true but the lab cannot be used: %s" % reason, pytrace=False)
    pytest.skip("lab unavailable: %s" % reason)


_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "lab" in getattr(item, "fixturenames", ()) and _HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.lab)


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Iterator[Lab]:
    try:
        built = Lab.build(workdir=tmp_path_factory.mktemp("lab"))
    except LabUnavailable as exc:
        lab_unavailable(str(exc))
    try:
        yield built
    finally:
        built.teardown()
    # The final check that teardown cleaned up (reported as an error if not).
    left = [ns for ns in built.namespaces.values() if ns in netns_list()]
    assert not left, "namespaces left after teardown: %s" % left
    if not live_labs() and not built.had_route:  # another lab may need it; one there before stays
        assert not blackhole_present(), "blackhole route left after the last lab's teardown"


@pytest.fixture
def reflector(lab: Lab) -> Tuple[str, int]:
    """The store reflector's (address, port); skips (fails in CI) if it did not start."""
    if lab.reflector_error:
        lab_unavailable(lab.reflector_error)
    return lab.reflector
