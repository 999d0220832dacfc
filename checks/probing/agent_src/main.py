"""The agent's command line: `run` (the default; a plan on stdin) and
`reflector`.
"""
import os
import signal
import sys
import threading
from .callback_server import CallbackPolicy
from .reflector import (
    REFLECTOR_DESCRIPTION, ReflectorLimits, _read_token, add_reflector_options, serve_reflector)
from .runner import run


# ---------------------------------------------------------------- command line

def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and argv[0] in ("run", "reflector") else "run"
    if command == "run":
        if argv:
            sys.stderr.write("usage: agent.py [run] < plan.json\n")
            return 2
        return run()
    import argparse  # imported here: a probe run (the common case) never pays for it
    parser = argparse.ArgumentParser(prog="agent.py reflector", description=REFLECTOR_DESCRIPTION)
    add_reflector_options(parser)
    args = parser.parse_args(argv)
    try:
        callback = CallbackPolicy(args.callback_allow, _read_token(args.token_file), max(1, args.callback_rate),
                                  bad_tokens=max(1, args.bad_token_limit))
    except (ValueError, OSError) as exc:
        sys.stderr.write("reflector: %s\n" % exc)
        return 2
    limits = ReflectorLimits(rate=args.rate, rate_per_source=args.rate_per_source,
                             max_connections=args.max_connections, idle_timeout=args.idle_timeout,
                             log_every=args.log_every)
    both = not (args.udp or args.tcp)
    stop, previous = threading.Event(), {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        return serve_reflector(args.bind, args.port, udp=both or args.udp, tcp=both or args.tcp, stop=stop,
                               once=args.once, callback=callback, limits=limits)
    except OSError as exc:
        sys.stderr.write("reflector: cannot listen on %s:%s: %s\n" % (args.bind, args.port, exc))
        return 1
    finally:  # main() may run inside the migready CLI: give its handlers back
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    # Once the summary is flushed nothing is left to do: every worker was joined and a rehearsal
    # reverted its fault before run() returned.  os._exit skips the interpreter's teardown (tens of
    # ms after a large plan), which the host side would otherwise wait for as the session's end.
    try:
        code = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = 1
    os._exit(code or 0)
