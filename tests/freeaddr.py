"""Addresses and ports picked at run time, so that two test suites, a demo and the screenshot tool
can share one machine (issue 26): nothing here is fixed on loopback.

A test that needs the demo's store gets a free 127.A.B block (checks/demo/loopback.py) and a copy
of inventories/demo.yaml that points there; a test that needs a port asks the kernel for one.
"""
from __future__ import annotations

import socket
from pathlib import Path

from migready.checks.demo.loopback import StoreBlock, free_block
from migready.checks.demo.scenario import bundled_inventory_text


def demo_copy(block: StoreBlock, folder: Path, name: str = "demo.yaml") -> Path:
    """inventories/demo.yaml with its store moved into `block`, written into `folder`."""
    path = Path(folder) / name
    path.write_text(block.inventory_text(bundled_inventory_text()), encoding="utf-8")
    return path


def free_port(host: str = "127.0.0.1", kind: int = socket.SOCK_STREAM) -> int:
    """A port the kernel had free a moment ago (bind to it at once; a rare race is a retry)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


__all__ = ["StoreBlock", "demo_copy", "free_block", "free_port"]
