"""The inventory: YAML with positions, JSON Schema, typed model, zones, device fleets, risk flags."""
