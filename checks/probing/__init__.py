"""Probing: plans, the agent shipped to staging hosts, transports, runs, call-backs, rehearsals."""
