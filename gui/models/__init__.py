"""Qt item models over core objects (flags, results, changes, checklist items...).

Each model holds only a list of core objects and says how to show them;
none of them computes anything the core does not already provide.
"""
