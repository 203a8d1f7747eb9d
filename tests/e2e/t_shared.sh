# t_shared.sh: bcc-hello leaves the shared trace_pipe as its other users
# need it. A run that reads its own instance turns the top-level
# bpf_trace_printk event off again after the kernel turns it on for its
# load, and watches a moment for the kernel's late work: a tool that
# reads the shared pipe and loads its program in that moment must still
# receive every line of it. Two such tools, each started as another run
# loads: bcc-hello --global-pipe, and BCC's own Python front end.
#
# The writers wait for a go, then make exactly $N write(2) calls each.
. "$(dirname "$0")/lib.sh"
require_bpf
N=50

trap 'restore_top; cleanup' EXIT

case_ "--global-pipe started as another run loads receives each of its writer's $N writes"
holders=$(pipe_holders)
if [ -n "$holders" ]; then
	skip_this "another process reads the shared trace_pipe: $holders"
else
	top_off # as on a fresh machine (the tools below leave it on)
	start_counted g "$N"
	WG=$WP
	start_hello a -v
	A=$HELLO_PID
	wait_for "$T/a.err" '\[2/5\] loaded' 60
	# At once: its program is cached, so it loads within milliseconds,
	# while the first run still watches the event.
	start_hello g --global-pipe -v -p "$WG" -c "$N"
	G=$HELLO_PID
	wait_for "$T/g.err" '\[4/5\] read' 60
	echo go >"$T/g.go"
	wait_exit "$G" 30 || kill -INT "$G" 2>/dev/null
	wait_exit "$G" 10
	rc=$RC
	kill -INT "$A"
	wait_exit "$A" 30
	expect "exit 0" "exit $rc: $(tail -2 "$T/g.err")" [ "$rc" = 0 ] &&
		expect "$N events of $WG" "$(events_of g "$WG"); $(tail -1 "$T/g.err")" [ "$(events_of g "$WG")" = "$N" ] &&
		expect "the first run ends well too" "exit $RC: $(tail -1 "$T/a.err")" [ "$RC" = 0 ] && ok
fi

case_ "BCC's Python front end started as another run loads receives each of its writer's $N writes"
PY=/usr/bin/python3
holders=$(pipe_holders)
if [ -n "$holders" ]; then
	skip_this "another process reads the shared trace_pipe: $holders"
elif ! "$PY" -c 'import bcc' 2>/dev/null; then
	fail "$PY cannot import bcc: install python3-bpfcc (the README's test command does)"
else
	top_off
	start_counted p "$N"
	WPY=$WP
	cat >"$T/py.py" <<'EOF'
import signal, sys
from bcc import BPF

pid, go = int(sys.argv[1]), sys.argv[2]
open(go).readline()
b = BPF(text="""int hello(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (pid != %d)
		return 0;
	bpf_trace_printk("python saw PID %%d.\\n", pid);
	return 0;
}""" % pid)
b.attach_tracepoint(tp="syscalls:sys_enter_write", fn_name="hello")
print("ready", flush=True)

class OutOfTime(Exception):  # not an OSError: BCC's reader takes those
    pass

def out_of_time(*_):
    raise OutOfTime()

signal.signal(signal.SIGALRM, out_of_time)
signal.alarm(30)
n = 0
try:
    while n < int(sys.argv[3]):
        try:
            msg = b.trace_fields()[5]
        except ValueError:
            continue
        if msg == b"python saw PID %d." % pid:
            n += 1
except OutOfTime:
    pass
print("got", n, flush=True)
EOF
	mkfifo "$T/py.go"
	# BCC's Python needs a header tree: the one the first run makes
	# (--no-cache: it compiles, so it makes one), given as
	# BCC_KERNEL_SOURCE. Python imports bcc first, then waits.
	start_hello a2 -v --no-cache
	A2=$HELLO_PID
	wait_for "$T/a2.err" '\[2/5\] loaded' 60
	tree=$(tree_made_by a2)
	BCC_KERNEL_SOURCE=$tree "$PY" "$T/py.py" "$WPY" "$T/py.go" "$N" >"$T/py.out" 2>"$T/py.err" &
	P=$!
	BG_PIDS+=($P)
	# BCC compiles in about 0.3 s, then loads: while the first run
	# watches the event, or just after.
	echo go >"$T/py.go"
	wait_for "$T/py.out" '^ready' 60
	echo go >"$T/p.go"
	wait_exit "$P" 40
	rc=$RC
	kill -INT "$A2"
	wait_exit "$A2" 30
	expect "a header tree made by the first run" "'$tree': $(grep 'kernel headers' "$T/a2.err")" [ -n "$tree" ] &&
		expect "Python exits 0" "exit $rc: $(tail -3 "$T/py.err")" [ "$rc" = 0 ] &&
		expect "Python got $N lines of $WPY" "$(tail -1 "$T/py.out")" [ "$(tail -1 "$T/py.out")" = "got $N" ] &&
		expect "the first run ends well too" "exit $RC: $(tail -1 "$T/a2.err")" [ "$RC" = 0 ] && ok
fi

finish
