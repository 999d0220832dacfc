"""The review: compare pre vs post, evidence per requirement, checklist, verdict, root causes."""
