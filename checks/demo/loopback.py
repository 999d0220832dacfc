"""Where on loopback the demo's store lives: a free 127.x.y.z block, chosen at run time.

Why: a fixed 127.0.0.20-22 made the demo, the screenshot tool and the tests
collide on a shared machine (a second demo exited 2; a test passed falsely
because another process's reflector answered).  On Linux every address in
127.0.0.0/8 answers on ``lo``, so each run takes a block of its own
(``127.A.B.16/28`` for the store, ``.20``-``.22`` for the reflector, the
scale and the printer, ``.36``-``.38`` for the devices "behind the NAT",
``.49`` for the NAT's address) and writes a copy of ``demo.yaml`` that
points there.  Ports stay those of the story (reflector 3478, scale 5002,
printer 9100, the SDK's source port 9010): the address makes the block
unique.  Where only 127.0.0.1 exists (macOS without aliases), the
classic block 127.0.0 is the fallback.
"""
from __future__ import annotations

import errno
import random
import re
import socket
from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Tuple, TypeVar

Endpoint = Tuple[str, int]
T = TypeVar("T")

REFLECTOR_PORT, SCALE_PORT, PRINTER_PORT = 3478, 5002, 9100
CLASSIC_PREFIX = "127.0.0"
# demo.yaml as bundled: the store zone and its three devices.
_BUNDLED = re.compile(r"\b127\.0\.0\.(16/28|20|21|22)\b")


@dataclass(frozen=True)
class StoreBlock:
    """The loopback addresses of one demo's store; `prefix` is the first three octets (``127.A.B``)."""

    prefix: str
    hidden: Tuple[str, str, str]  # where reflector, scale and printer really listen behind the "NAT"
    nat_address: str              # the address the NAT simulation forwards from

    @classmethod
    def at(cls, prefix: str) -> "StoreBlock":
        return cls(prefix, (f"{prefix}.36", f"{prefix}.37", f"{prefix}.38"), f"{prefix}.49")

    @property
    def reflector(self) -> Endpoint:
        return (f"{self.prefix}.20", REFLECTOR_PORT)

    @property
    def scale(self) -> Endpoint:
        return (f"{self.prefix}.21", SCALE_PORT)

    @property
    def printer(self) -> Endpoint:
        return (f"{self.prefix}.22", PRINTER_PORT)

    @property
    def store_cidr(self) -> str:
        return f"{self.prefix}.16/28"

    @property
    def behind_nat(self) -> Dict[Endpoint, Endpoint]:
        """Each device endpoint the inventory names -> where the device really listens in the post phase."""
        return {ep: (host, ep[1]) for ep, host in zip((self.reflector, self.scale, self.printer), self.hidden)}

    def endpoints(self) -> List[Tuple[str, Endpoint]]:
        """Every (protocol, endpoint) the demo binds, in the pre and the post phase."""
        behind = self.behind_nat
        pairs = [("udp", self.reflector), ("tcp", self.reflector), ("udp", self.scale), ("tcp", self.printer)]
        return pairs + [(proto, behind[ep]) for proto, ep in pairs]

    def inventory_text(self, bundled: str) -> str:
        """demo.yaml's text with its store moved into this block (comments included, so they stay true)."""
        text = _BUNDLED.sub(lambda m: f"{self.prefix}.{m.group(1)}", bundled)
        if self.prefix == CLASSIC_PREFIX:
            return text
        first, _, rest = text.partition("\n")
        return (f"{first}\n#\n# This copy's store is in {self.store_cidr}, a loopback block that was free when it\n"
                f"# was written (inventories/demo.yaml as shipped says 127.0.0.16/28).\n{rest}")


# What demo.yaml names as bundled, with the NAT simulation's historic addresses.
CLASSIC = StoreBlock(CLASSIC_PREFIX, ("127.0.2.20", "127.0.2.21", "127.0.2.22"), "127.0.3.1")


def _bindable(proto: str, endpoint: Endpoint) -> Optional[int]:
    """None when `endpoint` can be bound now, else the errno that refused it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
    try:
        sock.bind(endpoint)
    except OSError as exc:
        return exc.errno or errno.EADDRINUSE
    finally:
        sock.close()
    return None


def is_free(block: StoreBlock) -> bool:
    return all(_bindable(proto, ep) is None for proto, ep in block.endpoints())


def candidates(rng: Optional[random.Random] = None) -> Iterator[StoreBlock]:
    """Random blocks 127.A.B (A 1-254: 127.0.x is left to whoever still uses fixed addresses)."""
    rng = rng or random.SystemRandom()
    while True:
        yield StoreBlock.at(f"127.{rng.randint(1, 254)}.{rng.randint(0, 255)}")


def free_block(tries: int = 64) -> StoreBlock:
    """A block whose every endpoint is free now; the classic block where loopback has only 127.0.0.1.

    Raises OSError when no free block was found in `tries` (a machine whose loopback is full).
    """
    probe = StoreBlock.at("127.254.255")
    if _bindable("udp", probe.reflector) == errno.EADDRNOTAVAIL:
        return CLASSIC  # no 127/8 on lo: only the aliases a person added
    for block, _ in zip(candidates(), range(tries)):
        if is_free(block):
            return block
    raise OSError(errno.EADDRINUSE, "no free 127.x.y.z block found for the demo's store")


def start_in_free_block(start: Callable[[StoreBlock], T], tries: int = 8) -> Tuple[StoreBlock, T]:
    """`start(block)` on free blocks until one starts (another process may take a block between
    the check and the bind): (block, what `start` returned).  The last OSError if none did."""
    last: Optional[OSError] = None
    for _ in range(tries):
        block = free_block()
        try:
            return block, start(block)
        except OSError as exc:
            last = exc
            if block is CLASSIC:
                break
    raise last or OSError(errno.EADDRINUSE, "no free loopback block")
