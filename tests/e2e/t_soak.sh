# t_soak.sh: nothing lost, nothing leaked, under load.
#
# (a) A flood: one process makes $BCC_HELLO_FLOOD (default 2,000,000)
#     write(2) calls of one byte, as fast as it can (dd bs=1). The reader
#     cannot keep up with that, so the instance's buffer overflows: every
#     write is either printed or counted as lost in the exit summary,
#     "bcc-hello: N events, M lost", and N + M is exactly the number of
#     writes.
# (b) A soak: a writer makes $BCC_HELLO_SOAK_RATE (default 50,000) writes a
#     second, paced by the clock, for $BCC_HELLO_SOAK_SECONDS (default 20).
#     Every second, bcc-hello's resident memory (VmRSS) and open files
#     (/proc/PID/fd) are sampled: after a warm-up of 3 s the memory grows by
#     less than 2 MiB and the files stay the same; every event is accounted
#     for, events + lost = writes.
#
# The full soak, ten minutes (some 30 million events), is
#
#     BCC_HELLO_SOAK_SECONDS=600 BCC_HELLO=build/bcc-hello bash tests/e2e/t_soak.sh
#
# The figures measured are printed as "# ..." lines: the rates achieved,
# memory first, last and largest, the files.
#
# The kernel writes every BPF program's bpf_trace_printk lines into every
# instance that records them, and other tests may run beside this one: the
# program here has its own message, and bcc-hello's instance is given a
# filter on the writer's PID once it reads, so that no other program's
# line reaches it, or is counted lost. Output goes to a counting reader
# (awk), not to a file: ten minutes make gigabytes.
. "$(dirname "$0")/lib.sh"
require_bpf
FLOOD=${BCC_HELLO_FLOOD:-2000000}
RATE=${BCC_HELLO_SOAK_RATE:-50000}
SECS=${BCC_HELLO_SOAK_SECONDS:-20}
WARMUP=3

summary() { sed -n 's/^bcc-hello: \([0-9]*\) events\{0,1\}, \([0-9]*\) lost.*/\1 \2/p' "$T/$1.err"; }
# Events in the buffers of PID's instance, not read yet.
backlog_of() {
	in_tracefs "cat \$TFS/instances/bcc-hello-$1/per_cpu/cpu*/stats" 2>/dev/null |
		awk '/^entries:/ { s += $2 } END { print s + 0 }'
}
# only_writer PID WRITER: a filter on PID's instance, for WRITER's lines only.
only_writer() {
	in_tracefs "echo 'common_pid == $2' >\$TFS/instances/bcc-hello-$1/events/bpf_trace/bpf_trace_printk/filter"
}
# wait_drained PID [SECONDS]: true once PID's instance is empty, twice
# 0.5 s apart (what it read is printed within the same batch).
wait_drained() {
	local end=$((${EPOCHREALTIME/./} + ${2:-120} * 1000000))
	while [ "${EPOCHREALTIME/./}" -lt "$end" ]; do
		[ "$(backlog_of "$1")" = 0 ] && sleep 0.5 && [ "$(backlog_of "$1")" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# CPU seconds (user + system) used by PID so far.
cpu_secs() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null; }

cat >"$T/soak.c" <<'EOF'
/* programs/hello.c with its own message. */
int hello(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	bpf_trace_printk("t_soak write from PID %d.\n", pid);
	return 0;
}
EOF

# start_counting NAME WRITER ARGS...: bcc-hello -v -f soak.c -p WRITER ARGS,
# its stdout counted by awk into $T/NAME.counts: "MINE NOTICES OTHERS" (the
# writer's lines, the kernel's "[LOST N EVENTS]" notices, anything else).
# bcc-hello's PID in $HELLO_PID once it reads, the pipeline's in $COUNTER.
start_counting() {
	local name="$1" w="$2"
	shift 2
	snapshot
	("$BCC_HELLO" -v -f "$T/soak.c" -p "$w" "$@" </dev/null 2>"$T/$name.err" &
		echo $! >"$T/$name.pid"
		wait) |
		awk -v mine="^[0-9.]+ +[^ ]+ +$w +[0-9]+ +t_soak write from PID $w\\.\$" '
			NR == 1 && /^TIME/ { next }
			$0 ~ mine { m++; next }
			/\[LOST [0-9]+ EVENTS\]/ { n++; next }
			{ o++; if (o <= 3) print > "/dev/stderr" }
			END { print m + 0, n + 0, o + 0 }' >"$T/$name.counts" 2>"$T/$name.strays" &
	COUNTER=$!
	BG_PIDS+=($COUNTER)
	for ((i = 0; i < 1200; i++)); do
		grep -q '\[4/5\] read' "$T/$name.err" 2>/dev/null && break
		sleep 0.05
	done
	HELLO_PID=$(cat "$T/$name.pid" 2>/dev/null)
	BG_PIDS+=($HELLO_PID)
	grep -q '\[4/5\] read' "$T/$name.err"
}
# stop_counting NAME: SIGINT, then bcc-hello's status in $RC and the counts
# in $MINE $NOTICES $OTHERS, the summary in $EVENTS $LOST.
stop_counting() {
	kill -INT "$HELLO_PID"
	for ((i = 0; i < 600; i++)); do kill -0 "$HELLO_PID" 2>/dev/null || break; sleep 0.1; done
	wait_exit "$COUNTER" 30
	# The pipeline's status is awk's: bcc-hello's is read from its stderr.
	RC=1
	kill -0 "$HELLO_PID" 2>/dev/null && RC=timeout
	grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' "$T/$1.err" && RC=0
	read -r MINE NOTICES OTHERS <"$T/$1.counts" || true
	read -r EVENTS LOST <<<"$(summary "$1")" || true
	MINE=${MINE:--1} NOTICES=${NOTICES:-0} OTHERS=${OTHERS:--1} EVENTS=${EVENTS:--1} LOST=${LOST:--1}
}

# --- (a) the flood ---------------------------------------------------------

case_ "a flood of $FLOOD writes: every one printed or counted as lost (events + lost = writes)"
mkfifo "$T/flood.go"
sh -c 'read go <"$1"; exec dd if=/dev/zero of=/dev/null bs=1 count="$2" status=none' sh "$T/flood.go" "$FLOOD" &
D=$!
BG_PIDS+=($D)
if start_counting flood "$D"; then
	only_writer "$HELLO_PID" "$D"
	t0=$(now)
	echo go >"$T/flood.go"
	wait_exit "$D" 600
	drc=$RC
	wsecs=$(since "$t0")
	wait_drained "$HELLO_PID" 120
	rsecs=$(since "$t0")
	cpu=$(cpu_secs "$HELLO_PID")
	stop_counting flood
	left=$(left_behind "$HELLO_PID")
	echo "# flood: $FLOOD writes in $wsecs s ($(awk -v n="$FLOOD" -v s="$wsecs" 'BEGIN { printf "%d", n / s }')/s); all read after $rsecs s; bcc-hello used $cpu s of CPU"
	echo "# flood: $EVENTS events ($MINE printed), $LOST lost ($NOTICES '[LOST N EVENTS]' notices from the kernel), $OTHERS other lines"
	expect "the writer's $FLOOD writes done" "dd: exit $drc" [ "$drc" = 0 ] &&
		expect "exit 0 and the summary" "$RC: $(tail -2 "$T/flood.err")" [ "$RC" = 0 -a "$EVENTS" -ge 0 ] &&
		expect "every event counted printed, and no other line" "$EVENTS events, $MINE printed, $OTHERS others: $(cat "$T/flood.strays")" \
			[ "$MINE" = "$EVENTS" -a "$OTHERS" = 0 ] &&
		expect "events + lost = $FLOOD" "$EVENTS + $LOST = $((EVENTS + LOST))" [ $((EVENTS + LOST)) = "$FLOOD" ] &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
else
	fail "expected bcc-hello to read, got: $(tail -3 "$T/flood.err")"
fi

# --- (b) the soak ----------------------------------------------------------

PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || PY=
if [ -z "$PY" ]; then
	fail "python3 is needed for the paced writer (the README's test command installs it)"
	finish
fi

case_ "$SECS s at $RATE events a second: memory and files flat, every event accounted for"
# The writer: exactly RATE * SECS writes, paced by the clock (the writes
# due so far, every 5 ms), then it creates its done file (open(2) and
# close(2), no write) and sleeps. Its PID is Python's own.
mkfifo "$T/soak.go"
"$PY" -c '
import os, sys, time
go, done, rate, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
with open(go) as f:
    f.read()
fd = os.open("/dev/null", os.O_WRONLY)
total = int(rate * secs)
n = 0
t0 = time.monotonic()
while n < total:
    due = min(total, int((time.monotonic() - t0) * rate) + rate // 200)
    while n < due:
        os.write(fd, b"x")
        n += 1
    time.sleep(0.005)
os.close(fd)
os.close(os.open(done, os.O_CREAT | os.O_WRONLY, 0o644))
time.sleep(100000)
' "$T/soak.go" "$T/soak.done" "$RATE" "$SECS" &
P=$!
BG_PIDS+=($P)
TOTAL=$((RATE * SECS))
if start_counting soak "$P"; then
	only_writer "$HELLO_PID" "$P"
	t0=$(now)
	echo go >"$T/soak.go"
	# One sample a second: seconds since the go, VmRSS (kB), open files
	# (other than /proc ones), open /proc files (lib.sh's open_files).
	: >"$T/soak.samples"
	next=1
	while [ ! -e "$T/soak.done" ]; do
		s=$(since "$t0")
		if awk -v s="$s" -v n="$next" 'BEGIN { exit !(s >= n) }'; then
			echo "$s $(rss_kb "$HELLO_PID") $(open_files "$HELLO_PID")" >>"$T/soak.samples"
			next=$((next + 1))
		fi
		kill -0 "$HELLO_PID" 2>/dev/null || break
		awk -v s="$s" -v max="$((SECS * 5 + 60))" 'BEGIN { exit !(s > max) }' && break
		sleep 0.1
	done
	wsecs=$(since "$t0")
	wait_drained "$HELLO_PID" 120
	echo "$(since "$t0") $(rss_kb "$HELLO_PID") $(open_files "$HELLO_PID")" >>"$T/soak.samples"
	cpu=$(cpu_secs "$HELLO_PID")
	stop_counting soak
	left=$(left_behind "$HELLO_PID")
	read -r n first last min max fmin fmax pmax <<<"$(awk -v w="$WARMUP" '$1 >= w && $2 != "" {
		n++; if (n == 1) { first = $2; min = $2; max = $2; fmin = $3; fmax = $3; pmax = $4 }
		last = $2
		if ($2 < min) min = $2
		if ($2 > max) max = $2
		if ($3 < fmin) fmin = $3
		if ($3 > fmax) fmax = $3
		if ($4 > pmax) pmax = $4
	} END { print n + 0, first, last, min, max, fmin, fmax, pmax }' "$T/soak.samples")"
	all=$(awk '{ printf "%s%s", sep, $2; sep = " " }' "$T/soak.samples")
	echo "# soak: $TOTAL writes in $wsecs s: $(awk -v n="$TOTAL" -v s="$wsecs" 'BEGIN { printf "%d", n / s }') events/s (asked: $RATE); bcc-hello used $cpu s of CPU"
	echo "# soak: $EVENTS events ($MINE printed), $LOST lost, $OTHERS other lines"
	echo "# soak: VmRSS after the ${WARMUP} s warm-up, $n samples: first ${first:-?} kB, last ${last:-?} kB, min ${min:-?}, max ${max:-?} (growth $((${max:-0} - ${min:-0})) kB); open files ${fmin:-?} to ${fmax:-?}, and at most ${pmax:-?} of /proc"
	echo "# soak: VmRSS each second (kB): $all"
	expect "the writer's $TOTAL writes done" "no done file after $wsecs s" [ -e "$T/soak.done" ] &&
		expect "samples after the warm-up" "$n" [ "$n" -ge 2 ] &&
		expect "VmRSS growth under 2 MiB after the warm-up" "$first kB to $last kB (min $min, max $max)" \
			[ $((max - min)) -lt 2048 ] &&
		expect "the same open files throughout, and at most one of /proc" "$fmin to $fmax, /proc $pmax" \
			[ "$fmin" = "$fmax" ] && [ "${pmax:-9}" -le 1 ] &&
		expect "exit 0 and the summary" "$RC: $(tail -2 "$T/soak.err")" [ "$RC" = 0 -a "$EVENTS" -ge 0 ] &&
		expect "every event counted printed, and no other line" "$EVENTS events, $MINE printed, $OTHERS others: $(cat "$T/soak.strays")" \
			[ "$MINE" = "$EVENTS" -a "$OTHERS" = 0 ] &&
		expect "events + lost = $TOTAL" "$EVENTS + $LOST = $((EVENTS + LOST))" [ $((EVENTS + LOST)) = "$TOTAL" ] &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
else
	fail "expected bcc-hello to read, got: $(tail -3 "$T/soak.err")"
fi

finish
