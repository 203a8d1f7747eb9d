# t_tables.sh: beyond trace_pipe. Ring and perf buffer records decoded by
# their own field names, maps printed at exit, a log2 histogram, --json,
# and records a perf buffer had to drop, counted.
#
# The writer is a copy of dash named wr"q (a quote in its comm, to test
# JSON escaping). It waits for a line on a FIFO, then makes exactly
# $WRITES write(2) calls of 7 bytes ("abcdefg") to /dev/null, and sleeps.
# Its PID is known before it writes, so every count is exact.
. "$(dirname "$0")/lib.sh"
require_bpf
P="$BCC_HELLO_SRC/programs"
WRITES=25
COMM='wr"q'
COMM_TEXT='wr\"q' # as printed: the quote escaped
cp "$(command -v dash || command -v sh)" "$T/$COMM"

# start_named NAME: a writer under the quoted name, waiting; its PID in $W,
# its FIFO $T/NAME.go.
start_named() {
	mkfifo "$T/$1.go"
	"$T/$COMM" -c 'read go <"$1"; i=0
		while [ $i -lt '"$WRITES"' ]; do printf abcdefg; i=$((i + 1)); done >/dev/null
		: >"$1.done"; while :; do sleep 1; done' sh "$T/$1.go" &
	W=$!
	BG_PIDS+=($W)
}
# go NAME: once bcc-hello NAME reads, let the writer write, wait till it is done.
go() {
	wait_for "$T/$1.err" '\[4/5\] read' 60 || return 1
	echo go >"$T/$1.go"
	for i in $(seq 1 200); do [ -e "$T/$1.go.done" ] && break; sleep 0.1; done
	sleep 0.3 # the last records reach user space
}
# stop: SIGINT bcc-hello, wait for its exit status in $RC.
stop() {
	kill -INT "$HELLO_PID"
	wait_exit "$HELLO_PID" 30 || { kill -9 "$HELLO_PID"; RC=timeout; }
}
# json_check SCRIPT FILE: nothing if SCRIPT's asserts hold on FILE, else
# the one line that says which failed (a failure is read from one line).
json_check() { python3 -c "$1" "$2" 2>&1 | tail -1; }

case_ "a ring buffer's records are decoded by name: pid, comm and bytes of each write"
start_named ring
start_hello ring -v -f "$P/hello_ringbuf.c" -p "$W"
go ring
stop
n=$(grep -cF "events: pid=$W comm=$COMM_TEXT bytes=7" "$T/ring.out" || true)
expect "exit 0 and $WRITES lines 'events: pid=$W comm=$COMM_TEXT bytes=7'" \
	"exit $RC, $n; $(head -3 "$T/ring.out"); $(tail -2 "$T/ring.err")" \
	[ "$RC" = 0 ] && expect "$WRITES" "$n" [ "$n" = "$WRITES" ] &&
	expect "-v to say it reads the ring buffer" "$(grep table "$T/ring.err")" \
		grep -q 'reading table events (ring buffer)' "$T/ring.err" &&
	expect "the summary to count them" "$(tail -1 "$T/ring.err")" \
		grep -q "^bcc-hello: $WRITES events, 0 lost" "$T/ring.err" &&
	expect "nothing left behind" "$(left_behind "$HELLO_PID")" \
		[ -z "$(left_behind "$HELLO_PID")" ] && ok

case_ "a perf buffer's records are decoded too, with the write's fd"
start_named perf
start_hello perf -v -f "$P/hello_perf.c" -p "$W"
go perf
stop
n=$(grep -cF "events: pid=$W fd=1 bytes=7 comm=$COMM_TEXT" "$T/perf.out" || true)
expect "$WRITES lines 'events: pid=$W fd=1 bytes=7 comm=$COMM_TEXT'" \
	"exit $RC, $n; $(head -3 "$T/perf.out"); $(tail -2 "$T/perf.err")" \
	[ "$RC" = 0 ] && expect "$WRITES" "$n" [ "$n" = "$WRITES" ] &&
	expect "-v to say it reads perf buffers" "$(grep table "$T/perf.err")" \
		grep -q 'reading table events (perf buffer, one per CPU)' "$T/perf.err" && ok

case_ "a hash map is printed at exit with the writer's exact count"
start_named count
start_hello count -v -f "$P/write_counter.c" -p "$W"
go count
stop
line=$(grep '^@counts' "$T/count.out" || true)
expect "exit 0 and '@counts[$W]: $WRITES'" "exit $RC: '$line'; $(tail -2 "$T/count.err")" \
	[ "$RC" = 0 ] && expect "the line" "$line" [ "$line" = "@counts[$W]: $WRITES" ] && ok

case_ "map entries are sorted by value, the largest last, and equal values by key as numbers"
# Keys 256 and 1 are equal in value; as bytes (little endian) 256 would
# come first. Array 'a' has the same shape, and its index 0 stays zero.
cat >"$T/order.c" <<'EOF'
BPF_HASH(h, u32, u64);
BPF_ARRAY(a, u64, 4);
TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	if ((bpf_get_current_pid_tgid() >> 32) != PID_FILTER)
		return 0;
	h.increment(256);
	h.increment(2, 2);
	h.increment(1);
	a.increment(3);
	a.increment(2, 2);
	a.increment(1);
	return 0;
}
EOF
start_named order
start_hello order -v -f "$T/order.c" -p "$W"
go order
stop
want_h="@h[1]: $WRITES @h[256]: $WRITES @h[2]: $((2 * WRITES))"
want_a="@a[1]: $WRITES @a[3]: $WRITES @a[2]: $((2 * WRITES))"
got_h=$(grep '^@h' "$T/order.out" | tr '\n' ' ' | sed 's/ $//')
got_a=$(grep '^@a' "$T/order.out" | tr '\n' ' ' | sed 's/ $//')
expect "exit 0, then '$want_h' and '$want_a'" "exit $RC: '$got_h' and '$got_a'; $(tail -2 "$T/order.err")" \
	[ "$RC" = 0 ] && [ "$got_h" = "$want_h" ] && [ "$got_a" = "$want_a" ] && ok

case_ "a BPF_HISTOGRAM filled with bpf_log2l is printed as a log2 histogram of every write"
start_named hist
start_hello hist -v -f "$P/write_latency.c" -p "$W"
go hist
stop
total=$(awk '/^@latency_ns \(log2 histogram\):/ { h = 1; next }
	h && / -> / { split($0, a, ":"); split(a[2], b, " "); s += b[1] }
	h && /^@/ { h = 0 }
	END { print s + 0 }' "$T/hist.out")
rows=$(grep -c ' -> .*|' "$T/hist.out" || true)
expect "a histogram whose counts add up to $WRITES" \
	"exit $RC, total $total in $rows rows: $(cat "$T/hist.out")" \
	[ "$RC" = 0 ] && expect "$WRITES" "$total" [ "$total" = "$WRITES" ] && ok

case_ "--json: records, map entries and trace lines are JSON objects with the right types"
start_named json
start_hello json -v --json -f "$P/hello_ringbuf.c" -p "$W"
go json
stop
bad=$(json_check '
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert o["table"] == "events", o
    assert type(o["ts"]) is float, o
    assert o["pid"] == '"$W"' and type(o["pid"]) is int, o
    assert o["comm"] == "wr\"q", o
    assert o["bytes"] == 7, o
    n += 1
assert n == '"$WRITES"', n
' "$T/json.out" 2>&1)
expect "$WRITES objects {table: events, pid: $W, comm: $COMM, bytes: 7}" "exit $RC; $bad" \
	[ "$RC" = 0 ] && expect "no error" "$bad" [ -z "$bad" ] && ok

case_ "--json: a map entry at exit is {map, key, value}"
start_named jmap
start_hello jmap --json -v -f "$P/write_counter.c" -p "$W"
go jmap
stop
bad=$(json_check '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert objs == [{"map": "counts", "key": '"$W"', "value": '"$WRITES"'}], objs
' "$T/jmap.out" 2>&1)
expect "one object {map: counts, key: $W, value: $WRITES}" "exit $RC; $bad" \
	[ "$RC" = 0 ] && expect "no error" "$bad" [ -z "$bad" ] && ok

case_ "--json: trace lines carry ts, cpu, comm, pid and msg"
start_named jtrace
start_hello jtrace --json -v -p "$W"
go jtrace
stop
bad=$(json_check '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert len(objs) == '"$WRITES"', len(objs)
for o in objs:
    assert set(o) == {"ts", "cpu", "comm", "pid", "msg"}, o
    assert type(o["ts"]) is float and type(o["cpu"]) is int, o
    assert o["pid"] == '"$W"' and o["comm"] == "wr\"q", o
    assert o["msg"] == "BPF triggered from PID '"$W"'.", o
' "$T/jtrace.out" 2>&1)
expect "$WRITES objects" "exit $RC; $bad" [ "$RC" = 0 ] && expect "no error" "$bad" [ -z "$bad" ] && ok

case_ "-i prints the maps while it runs, then at exit"
start_writer
IW=$!
start_hello interval -f "$P/write_counter.c" -p "$IW" -i 0.5 -d 2.2
wait_exit "$HELLO_PID" 30
n=$(grep -c '^-- maps at [0-9:]* --$' "$T/interval.out" || true)
m=$(grep -c "^@counts\[$IW\]: [0-9]*\$" "$T/interval.out" || true)
expect "exit 0, 4 timed prints and 5 counts" "exit $RC, $n, $m: $(cat "$T/interval.out")" \
	[ "$RC" = 0 ] && expect "4 and 5" "$n and $m" [ "$n" = 4 ] && [ "$m" = 5 ] && ok
kill "$IW" 2>/dev/null

case_ "a perf buffer that overflows: every write is reported or counted as lost"
# The reader is stuck behind a pipe nobody reads for 3 s while one process
# makes 200,000 writes; the perf buffers hold far fewer records. The kernel
# reports what it dropped with the buffer's next record, so the writer
# makes one more write once the reader has caught up: 200,001 in all.
FLOOD=200000
mkfifo "$T/flood.go"
"$T/$COMM" -c 'read go <"$1"; i=0
	while [ $i -lt '"$FLOOD"' ]; do printf x; i=$((i + 1)); done >/dev/null
	sleep 5; printf y >/dev/null; : >"$1.done"; exec sleep 1000' sh "$T/flood.go" &
D=$!
BG_PIDS+=($D)
("$BCC_HELLO" -v -f "$P/hello_perf.c" -p "$D" 2>"$T/flood.err" | (sleep 3; cat >"$T/flood.out")) &
FP=$!
BG_PIDS+=($FP)
wait_for "$T/flood.err" '\[4/5\] read' 60
echo go >"$T/flood.go"
for i in $(seq 1 300); do [ -e "$T/flood.go.done" ] && break; sleep 0.1; done
sleep 1
pkill -INT -f "hello_perf.c -p $D" 2>/dev/null
for i in $(seq 1 100); do kill -0 "$FP" 2>/dev/null || break; sleep 0.1; done
shown=$(grep -c "events: pid=$D " "$T/flood.out" || true)
lost=$(sed -n 's/^bcc-hello: \([0-9]*\) events\{0,1\}, \([0-9]*\) lost.*/\2/p' "$T/flood.err")
events=$(sed -n 's/^bcc-hello: \([0-9]*\) events\{0,1\}, .*/\1/p' "$T/flood.err")
echo "# flood: ${events:-?} events ($shown printed), ${lost:-?} lost, of $((FLOOD + 1)) writes"
expect "events + lost = $((FLOOD + 1)) writes, lost > 0, reported as perf buffer records" \
	"$events events, $shown printed, $lost lost: $(tail -2 "$T/flood.err")" \
	[ -n "$lost" ] && [ "$lost" -gt 0 ] && [ $((events + lost)) = $((FLOOD + 1)) ] &&
	expect "every event counted was printed" "$shown of $events" [ "$shown" = "$events" ] &&
	expect "the summary to say they were perf buffer records" "$(tail -1 "$T/flood.err")" \
		grep -q "($lost of them perf buffer records)" "$T/flood.err" && ok

finish
