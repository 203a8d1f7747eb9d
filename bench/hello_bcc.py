#!/usr/bin/python3
"""hello_bcc.py: BCC's "Hello World" lesson with BCC's Python front end.

The comparison point for bcc-hello in bench/run. It does the same work:
compile programs/hello.c with libbcc (BPF(text=...)), with -DPID_FILTER=PID
when -p is given, attach hello() to the tracepoint syscalls:sys_enter_write,
read the bpf_trace_printk lines with trace_fields() (BCC Python reads the
shared trace_pipe), print one line per event in the same columns as bcc-hello
and stop after -c N events.

Run it with /usr/bin/python3 (the Debian python3-bpfcc module), as root:
    sudo /usr/bin/python3 bench/hello_bcc.py -p 1234 -c 5
"""
import argparse
import os
import sys

from bcc import BPF

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROGRAM = os.path.join(HERE, "..", "programs", "hello.c")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-f", "--file", default=DEFAULT_PROGRAM,
                    help="BPF C program (default: programs/hello.c)")
    ap.add_argument("-p", "--pid", type=int, default=0,
                    help="only events of this process (0: all)")
    ap.add_argument("-c", "--count", type=int, default=0,
                    help="stop after N events (0: never)")
    args = ap.parse_args()

    with open(args.file) as f:
        text = f.read()

    b = BPF(text=text, cflags=["-DPID_FILTER=%d" % args.pid])
    b.attach_tracepoint(tp="syscalls:sys_enter_write", fn_name="hello")

    # Line-buffered, as on a terminal: each event is on stdout as soon as
    # it is read, even when stdout is a pipe or a file.
    out = sys.stdout
    out.reconfigure(line_buffering=True)
    print("%-18s %-16s %-7s %-3s %s" % ("TIME(s)", "COMM", "PID", "CPU",
                                        "MESSAGE"))
    events = 0
    try:
        while not args.count or events < args.count:
            task, pid, cpu, flags, ts, msg = b.trace_fields()
            if args.pid and pid != args.pid:
                # The shared pipe may carry other programs' lines.
                continue
            print("%-18.6f %-16s %-7d %-3d %s" % (
                ts, task.decode(errors="replace"), pid, cpu,
                msg.decode(errors="replace").rstrip()))
            events += 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
