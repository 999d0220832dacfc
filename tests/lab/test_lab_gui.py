"""Issue 6 on the lab: the real window, run inside the `ops` namespace, probes the old site and the
new site over real SSH (through the person's ~/.ssh/config) and shows the NAT port rewrite."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from .labflow import lab_inventory  # noqa: F401  (a fixture)

DRIVER = Path(__file__).with_name("gui_driver.py")


def test_window_probes_the_lab_over_ssh(lab, lab_inventory, tmp_path):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    config = "".join(f"Host {addr}\n  User root\n  IdentityFile {lab.client_key}\n  IdentitiesOnly yes\n"
                     f"  UserKnownHostsFile {lab.known_hosts}\n" for addr in (lab.old, lab.new))
    (home / ".ssh" / "config").write_text(config, encoding="utf-8")
    old, new = f"ssh://root@{lab.old}:22", f"ssh://root@{lab.new}:22"
    out = lab.exec_in("ops", [sys.executable, str(DRIVER), str(lab_inventory), str(tmp_path / "gui.migready.json"),
                              old, new],
                      env={"HOME": str(home), "PATH": "/usr/bin:/bin", "MIGREADY_ALLOWED_NETWORKS": "198.18.0.0/15"},
                      timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert [(r["phase"], r["host"], r["complete"]) for r in result["runs"]] == [("pre", old, True), ("post", new, True)]
    reflect = [row for row in result["regressions"] if "reflect" in row]
    assert reflect and re.search(r"source port 9010 → \d+ \(rewritten by NAT\)", " ".join(map(str, reflect[0])))
    assert (tmp_path / "gui.migready.json").exists()  # autosaved through the core
