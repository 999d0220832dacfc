"""Trust: Ed25519 signing, run attestation (provenance), and verify (re-judges from signed content)."""
