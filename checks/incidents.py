"""The incidents migready exists for (../shared/DESIGN.md), one line each: every rule names one, and
the window and the reports say it next to the finding."""

INCIDENTS = {
    1: "scale adapter behind NAT: source port rewritten, 41% of price pushes failed (error 266)",
    2: "internal calls left through a NAT gateway to a public domain and timed out",
    3: "synchronous Kafka publish in the checkout path when the cluster went down",
    4: "stale nodes still registered behind the load balancer",
    5: "scheduler called workers back on their own port from another data centre",
}
