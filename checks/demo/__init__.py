"""Loopback stand-ins for the store and the new site's NAT: simulators, the NAT relay, the demo."""
