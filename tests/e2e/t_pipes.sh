# t_pipes.sh: where the lines come from and where they go. bcc-hello reads
# its own ftrace instance, so other readers of trace_pipe (another
# bcc-hello, a cat, BCC's Python) take nothing from it; its output reaches
# a pipe live; signals stop it cleanly; it copes with a stale instance of a
# killed run and with tracefs not being mounted.
#
# tracefs is only ever mounted or unmounted in private mount namespaces
# (unshare -m), never in this machine's own.
. "$(dirname "$0")/lib.sh"
require_bpf


start_writer
W=$!

case_ "a second bcc-hello on the same writer gets its events, and the first keeps getting them"
start_hello first -v -p "$W"
A=$HELLO_PID
if ! wait_for "$T/first.out" "PID $W\.\$" 60; then
	fail "expected the first run to print events of $W, got: $(tail -3 "$T/first.err")"
else
	start_hello second -v -p "$W" -c 5
	wait_exit "$HELLO_PID" 60
	n1=$(events_of first "$W")
	sleep 1
	n2=$(events_of first "$W")
	kill -INT "$A"
	wait_exit "$A" 20
	ra=$RC
	expect "the second run: exit 0 and 5 events of $W" "exit $RC, $(events_of second "$W"): $(tail -2 "$T/second.err")" \
		[ "$RC/$(events_of second "$W")" = "0/5" ] &&
		expect "the first run still receiving after the second stopped" "$n1 then $n2 events" \
			[ "$n2" -gt "$n1" ] &&
		expect "the first run: exit 0 after SIGINT" "exit $ra" [ "$ra" = 0 ] &&
		expect "two different private instances" "'$(read_dir first)' and '$(read_dir second)'" \
			sh -c "[ '$(read_dir first)' != '$(read_dir second)' ] && 
			       case '$(read_dir first)/$(read_dir second)' in */instances/bcc-hello-$A/*/instances/bcc-hello-*) ;; *) exit 1;; esac" && ok
fi

skip_case() { echo "skip: $1: $2"; }

case_ "a reader of the shared trace_pipe beside it steals none of its events"
bg_in_tracefs 'exec timeout 20 cat $TFS/trace_pipe' >"$T/thief.out" 2>"$T/thief.err"
THIEF=$!
sleep 0.3
start_hello beside -p "$W" -c 10
wait_exit "$HELLO_PID" 60
rc=$RC
# The reader beside is our cat, or whoever made the cat's open fail EBUSY.
if kill -0 "$THIEF" 2>/dev/null; then reader="cat $THIEF"
else reader=$(grep -q 'busy' "$T/thief.err" && pipe_holders | head -1); fi
kill -TERM "$THIEF" 2>/dev/null # timeout passes it to cat
wait_exit "$THIEF" 10
expect "a reader of trace_pipe during the run" "none: $(cat "$T/thief.err")" [ -n "$reader" ] &&
	expect "exit 0 and all 10 events of $W (reader beside: $reader)" \
		"exit $rc, $(events_of beside "$W") events: $(tail -1 "$T/beside.err")" \
		[ "$rc/$(events_of beside "$W")" = "0/10" ] &&
	expect "'10 events' in the summary" "$(tail -1 "$T/beside.err")" \
		grep -q '^bcc-hello: 10 events' "$T/beside.err" && ok

case_ "the reader of the shared trace_pipe receives none of its lines"
# The kernel turns bpf_trace_printk on in the top-level buffer when a
# program using it loads; bcc-hello turns it off again if it was off.
top=$(in_tracefs 'cat $TFS/events/bpf_trace/bpf_trace_printk/enable')
theirs=$(grep -c "BPF triggered from PID $W\.\$" "$T/thief.out")
if [ "$top" != 0 ]; then
	expect "bpf_trace_printk on in the top-level buffer, as someone else set" "'$top'" [ "$top" = 1 ] && ok
else
	expect "no line of $W in the shared pipe (event off there: '$top')" "$theirs lines" [ "$theirs" = 0 ] && ok
fi

case_ "two runs with different -p each print only their own writer's lines"
start_writer
W2=$!
start_hello one -p "$W" -d 3
ONE=$HELLO_PID
start_hello two -p "$W2" -d 3
wait_exit "$ONE" 60
wait_exit "$HELLO_PID" 60
stray1=$(grep -v '^TIME' "$T/one.out" | grep -vc "PID $W\.\$")
stray2=$(grep -v '^TIME' "$T/two.out" | grep -vc "PID $W2\.\$")
expect "events of $W in the first and of $W2 in the second" \
	"$(events_of one "$W") and $(events_of two "$W2")" \
	[ "$(events_of one "$W")" -gt 0 -a "$(events_of two "$W2")" -gt 0 ] &&
	expect "no other lines" "$stray1 and $stray2 others: $(grep -v "PID $W\.\$" "$T/one.out" | head -2)" \
		[ "$stray1/$stray2" = 0/0 ] && ok

holders=$(pipe_holders)
if [ -n "$holders" ]; then
	skip_case "--global-pipe reads the shared trace_pipe, as BCC's Python does" \
		"another process reads it now: $holders"
else
	case_ "--global-pipe reads the shared trace_pipe, as BCC's Python does"
	snapshot
	start_hello global --global-pipe -v -p "$W" -c 2
	wait_exit "$HELLO_PID" 60
	left=$(left_behind "$HELLO_PID")
	expect "exit 0 and 2 events of $W" "exit $RC, $(events_of global "$W"): $(tail -2 "$T/global.err")" \
		[ "$RC/$(events_of global "$W")" = "0/2" ] &&
		expect "reading the top-level trace_pipe, not an instance" "'$(read_dir global)'" \
			sh -c "case '$(read_dir global)' in */instances/*|'') exit 1;; esac" &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
fi

case_ "--global-pipe while another process reads trace_pipe fails with one clear line"
holder=
if [ -z "$(pipe_holders)" ]; then
	bg_in_tracefs 'exec timeout 20 cat $TFS/trace_pipe' >/dev/null 2>&1
	holder=$!
	for ((i = 0; i < 40; i++)); do [ -n "$(pipe_holders)" ] && break; sleep 0.05; done
fi
holders=$(pipe_holders)
snapshot
start_hello busy --global-pipe -p "$W" -c 2
wait_exit "$HELLO_PID" 60
rc=$RC
left=$(left_behind "$HELLO_PID")
msg=$(grep '^bcc-hello: ' "$T/busy.err" | grep -v '^bcc-hello: warning: ')
[ -n "$holder" ] && kill -TERM "$holder" 2>/dev/null && wait_exit "$holder" 10
expect "a reader holding trace_pipe" "none" [ -n "$holders" ] &&
	expect "exit 1" "exit $rc: $(cat "$T/busy.err")" [ "$rc" = 1 ] &&
	expect "one 'bcc-hello: ' line naming trace_pipe" "'$msg'" \
		sh -c '[ "$(printf "%s\n" "$1" | wc -l)" = 1 ] && printf "%s\n" "$1" | grep -q trace_pipe' _ "$msg" &&
	expect "nothing on stdout" "$(head -3 "$T/busy.out")" [ ! -s "$T/busy.out" ] &&
	expect "nothing left behind" "$left" [ -z "$left" ] && ok

case_ "through a pipe, each event arrives while bcc-hello runs, not at its exit"
# A writer that writes once a second: a 4 KiB stdio buffer would take a
# minute to fill, so an event that arrives soon was flushed.
sh -c 'while :; do printf "slow\n" >/dev/null; sleep 1; done' &
BG_PIDS+=($!)
SLOW=$!
mkfifo "$T/live.fifo"
while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done <"$T/live.fifo" >"$T/live.log" &
BG_PIDS+=($!)
READER=$!
t0=$(date +%s.%N)
"$BCC_HELLO" -p "$SLOW" >"$T/live.fifo" 2>"$T/live.err" &
LIVE=$!
BG_PIDS+=($LIVE)
if wait_for "$T/live.log" "PID $SLOW\.\$" 20; then
	running=no
	kill -0 "$LIVE" 2>/dev/null && running=yes
	t1=$(grep -m1 "PID $SLOW\.\$" "$T/live.log" | cut -d' ' -f1)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	kill -INT "$LIVE"
	wait_exit "$LIVE" 20
	expect "bcc-hello still running when the event arrived" "it had exited (exit $RC)" [ "$running" = yes ] &&
		expect "the first event within 15 s of the start" "$secs s" awk -v s="$secs" 'BEGIN { exit !(s < 15) }' &&
		expect "exit 0 after SIGINT" "exit $RC: $(cat "$T/live.err")" [ "$RC" = 0 ] && ok
else
	fail "expected an event of PID $SLOW through the pipe within 20 s, got: $(cat "$T/live.log") / $(cat "$T/live.err")"
	kill -INT "$LIVE"
fi
wait_exit "$READER" 5

case_ "bcc-hello | head -n 3 stops promptly with exit 0 once head has gone"
start=$(date +%s.%N)
timeout 30 "$BCC_HELLO" -p "$W" 2>"$T/head.err" | head -n 3 >"$T/head.out"
rcs="${PIPESTATUS[0]}"
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
expect "exit 0 (not 124: killed by timeout; not 141: SIGPIPE)" "exit $rcs: $(cat "$T/head.err")" [ "$rcs" = 0 ] &&
	expect "under 10 s in all" "$secs s" awk -v s="$secs" 'BEGIN { exit !(s < 10) }' &&
	expect "the header and 2 events of $W" "$(cat "$T/head.out")" \
		sh -c "head -1 '$T/head.out' | grep -q '^TIME' && [ \$(grep -c 'PID $W\.\$' '$T/head.out') = 2 ]" && ok

case_ "the instance of a killed run is removed by the next run"
STALE=999999
while [ -d "/proc/$STALE" ]; do STALE=$((STALE - 1)); done
in_tracefs "mkdir \$TFS/instances/bcc-hello-$STALE"
made=$(instances | grep -x "bcc-hello-$STALE")
start_hello stale -v -p "$W" -c 1
wait_exit "$HELLO_PID" 60
after=$(instances | grep -x "bcc-hello-$STALE")
expect "instances/bcc-hello-$STALE made for the test" "'$made'" [ -n "$made" ] &&
	expect "exit 0 and 1 event" "exit $RC: $(tail -2 "$T/stale.err")" [ "$RC/$(events_of stale "$W")" = "0/1" ] &&
	expect "bcc-hello-$STALE gone" "still there" [ -z "$after" ] &&
	expect "-v saying it removed what killed runs left" "$(grep -m1 tracefs "$T/stale.err")" \
		grep -q 'removed what killed runs left' "$T/stale.err" && ok
[ -n "$after" ] && in_tracefs "rmdir \$TFS/instances/bcc-hello-$STALE"

for sig in TERM HUP; do
	case_ "SIG$sig stops it with exit 0, the summary, and nothing left"
	snapshot
	start_hello "sig$sig" -p "$W"
	if wait_for "$T/sig$sig.out" "PID $W\.\$" 60; then
		kill -"$sig" "$HELLO_PID"
		wait_exit "$HELLO_PID" 20
		left=$(left_behind "$HELLO_PID")
		expect "exit 0" "exit $RC: $(cat "$T/sig$sig.err")" [ "$RC" = 0 ] &&
			expect "the 'N events, M lost' summary" "$(tail -1 "$T/sig$sig.err")" \
				grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' "$T/sig$sig.err" &&
			expect "nothing left behind" "$left" [ -z "$left" ] && ok
	else
		fail "expected events of $W before sending SIG$sig, got: $(tail -3 "$T/sig$sig.err")"
	fi
done

case_ "with tracefs not mounted, bcc-hello mounts it itself"
# Only in a private mount namespace: this machine's mounts are untouched.
unshare -m sh -c '
	while umount /sys/kernel/tracing 2>/dev/null; do :; done
	while umount /sys/kernel/debug/tracing 2>/dev/null; do :; done
	if grep -q " tracefs " /proc/self/mounts; then
		echo "tracefs still mounted: $(grep " tracefs " /proc/self/mounts)" >&2
		exit 99
	fi
	exec "$0" -v -p "$1" -c 1' "$BCC_HELLO" "$W" >"$T/nomount.out" 2>"$T/nomount.err"
rc=$?
expect "exit 0 and 1 event of $W" "exit $rc: $(head -3 "$T/nomount.out") $(cat "$T/nomount.err")" \
	[ "$rc/$(events_of nomount "$W")" = "0/1" ] &&
	expect "-v saying it mounted tracefs" "$(grep -m1 tracefs "$T/nomount.err")" \
		grep -q 'mounted by bcc-hello' "$T/nomount.err" && ok

case_ "two runs where tracefs is not mounted: both read, and nothing stays mounted after them"
# Run A finds tracefs unmounted and mounts it; run B starts while A reads
# and outlives it. A shared mount would stay behind: A's unmount fails
# while B reads (EBUSY), and B never mounted it. Each mounts its own, in a
# namespace of its own, and the namespace they started in never sees one.
unshare -m sh -c '
	while umount /sys/kernel/tracing 2>/dev/null; do :; done
	while umount /sys/kernel/debug/tracing 2>/dev/null; do :; done
	reading() { i=0; while ! grep -q "\[4/5\] read" "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 1200 ] && return 1; sleep 0.05; done; }
	"$0" -v -p "$1" -d 3 >"$2/race_a.out" 2>"$2/race_a.err" &
	A=$!
	reading "$2/race_a.err"
	during=$(grep -c " tracefs " /proc/self/mounts)
	"$0" -v -p "$1" -d 6 >"$2/race_b.out" 2>"$2/race_b.err" &
	B=$!
	reading "$2/race_b.err"
	wait $A; ra=$?
	wait $B; rb=$?
	echo "$ra $rb $during $(grep -c " tracefs " /proc/self/mounts)"' "$BCC_HELLO" "$W" "$T" >"$T/race.res" 2>&1
read -r ra rb during after <"$T/race.res"
ea=$(events_of race_a "$W")
eb=$(events_of race_b "$W")
expect "both exit 0 with events of $W" "A: exit $ra, $ea events; B: exit $rb, $eb events; $(cat "$T/race.res")" \
	test "$ra/$rb" = 0/0 -a "${ea:-0}" -gt 0 -a "${eb:-0}" -gt 0 &&
	expect "no tracefs mount seen where they started, during or after" "$during during, $after after" \
		[ "$during/$after" = 0/0 ] && ok

case_ "two runs without -p trace each other's output, and their summaries say so"
# Each prints a line per write, and printing is a write the other traces:
# once both read, neither stops. The second's column header, written
# after the first attached, starts it.
start_hello feedA -v -d 4
FA=$HELLO_PID
wait_for "$T/feedA.err" '\[4/5\] read' 60
start_hello feedB -v -d 3
FB=$HELLO_PID
wait_exit "$FB" 30
rcb=$RC
wait_exit "$FA" 30
rca=$RC
ofb=$(events_of feedB "$FA")
expect "both exit 0" "exit $rca and $rcb" [ "$rca/$rcb" = 0/0 ] &&
	expect "the second printed the first's writes" "$ofb lines" [ "$ofb" -gt 100 ] &&
	expect "the first's summary names the cause and the fix" "$(tail -1 "$T/feedA.err")" \
		grep -q "of the events were another bcc-hello's: .*give each a -p" "$T/feedA.err" &&
	expect "the second's too" "$(tail -1 "$T/feedB.err")" \
		grep -q "of the events were another bcc-hello's: .*give each a -p" "$T/feedB.err" && ok

finish
