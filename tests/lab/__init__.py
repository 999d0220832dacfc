"""The real network lab (namespaces, NAT, sshd, device simulators); see netlab.py."""
