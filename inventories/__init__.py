"""Example inventories, one per incident; they double as documentation."""
