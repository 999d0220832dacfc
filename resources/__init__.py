"""Package data: JSON Schemas, checklist templates, report styles."""
