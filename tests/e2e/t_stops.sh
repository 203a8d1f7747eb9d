# t_stops.sh: a stop signal is acted on whatever is being printed.
#
# A program with a million-entry array takes about a second to print (two
# million bpf(2) calls). With -i shorter than that, the loop used to print
# the next interval's maps at once, with the stop signals blocked, and
# never stopped. Now a stop signal cuts a print short and ends the run;
# the maps are printed a last time at exit, and a second stop signal cuts
# that print short too. And what a stop leaves unshown (-c, -d, a signal)
# is said apart from what was lost.
. "$(dirname "$0")/lib.sh"
require_bpf

cat >"$T/big.c" <<'C'
/* A million-entry array, a few of its entries counted. */
BPF_ARRAY(big, u64, 1000000);

TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	u32 k = bpf_get_prandom_u32() % 1000000;
	u64 *v = big.lookup(&k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}
C

case_ "SIGINT while maps longer to print than -i are printed: the run ends"
start_hello interval -f "$T/big.c" -i 0.2 -d 120 -v
wait_for "$T/interval.err" '\[4/5\] read' 60
# two prints begun: the loop is printing back to back
for ((i = 0; i < 600; i++)); do
	[ "$(count "$T/interval.out" '^-- maps at ')" -ge 2 ] && break
	sleep 0.05
done
kill -INT "$HELLO_PID"
wait_exit "$HELLO_PID" 60 || kill -9 "$HELLO_PID" 2>/dev/null
# (The signal may come while a print runs, which it cuts short, or while
# the loop waits between two: either way the run ends.)
expect "exit 0 after SIGINT (not a timeout)" "exit $RC; $(tail -3 "$T/interval.err")" [ "$RC" = 0 ] &&
	expect "the summary" "$(tail -1 "$T/interval.err")" \
		grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' "$T/interval.err" && ok

case_ "a second SIGINT cuts the last print of the maps short"
start_hello exitprint -f "$T/big.c" -d 120 -v
wait_for "$T/exitprint.err" '\[4/5\] read' 60
kill -INT "$HELLO_PID"
wait_for "$T/exitprint.err" '\[5/5\] printing the maps' 60
kill -INT "$HELLO_PID"
wait_exit "$HELLO_PID" 60 || kill -9 "$HELLO_PID" 2>/dev/null
expect "exit 0" "exit $RC; $(tail -3 "$T/exitprint.err")" [ "$RC" = 0 ] &&
	expect "the print cut short after it began" "$(tail -3 "$T/exitprint.err")" \
		sh -c "sed -n '/printing the maps;/,\$p' '$T/exitprint.err' | grep -q 'cut short by a stop signal'" &&
	expect "the summary last" "$(tail -1 "$T/exitprint.err")" \
		grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' "$T/exitprint.err" && ok

case_ "one SIGINT and no second: the maps are printed whole at exit"
start_writer
W=$!
start_hello whole -f "$T/big.c" -d 120 -v
wait_for "$T/whole.err" '\[4/5\] read' 60
sleep 0.5 # the writer's writes count entries
kill -INT "$HELLO_PID"
wait_exit "$HELLO_PID" 60 || kill -9 "$HELLO_PID" 2>/dev/null
n=$(count "$T/whole.out" '^@big\[')
expect "exit 0, entries printed, nothing cut" "exit $RC, $n entries; $(tail -2 "$T/whole.err")" \
	[ "$RC" = 0 ] && expect "entries" "$n" [ "$n" -gt 0 ] &&
	expect "no cut" "$(grep 'cut short' "$T/whole.err")" sh -c "! grep -q 'cut short' '$T/whole.err'" && ok
kill "$W" 2>/dev/null

case_ "-c 5 against 100 queued writes: 5 events, 0 lost, and the other 95 said apart, not called lost"
# The writer's 100 writes are all in the instance's buffer before the
# tracer reads any: the tracer is stopped (SIGSTOP) while they are made.
# So what -c 5 leaves is known exactly: 95 lines, some read past the 5th
# in the same read, the rest still queued at the stop. After its burst
# the writer waits on a FIFO it never gets, so it makes no other write.
mkfifo "$T/go" "$T/never"
sh -c ': > "$1/ready"; read x < "$1/go"; i=0
	while [ $i -lt 100 ]; do printf x; i=$((i + 1)); done >/dev/null
	: > "$1/burst"; read x < "$1/never"' sh "$T" &
F=$!
BG_PIDS+=($F)
wait_file "$T/ready" 10
start_hello count -p "$F" -c 5 -v
wait_for "$T/count.err" '\[4/5\] read' 60
kill -STOP "$HELLO_PID"
echo go >"$T/go"
wait_file "$T/burst" 30
kill -CONT "$HELLO_PID"
wait_exit "$HELLO_PID" 60 || kill -9 "$HELLO_PID" 2>/dev/null
kill "$F" 2>/dev/null
n=$(count "$T/count.out" "^[0-9.]+ +sh +$F ")
last=$(tail -1 "$T/count.err")
rest=$(echo "$last" | sed -nE 's/.*\(not shown, not lost: ([0-9]+) still queued at the stop, ([0-9]+) read after it\).*/\1 + \2/p')
expect "exit 0 and 5 lines of the writer" "exit $RC, $n lines; $last" \
	[ "$RC" = 0 ] && expect "5 lines" "$n" [ "$n" = 5 ] &&
	expect "'5 events, 0 lost' first" "$last" grep -Eq '^bcc-hello: 5 events, 0 lost ' "$T/count.err" &&
	expect "the other 95 said to be not shown, not lost" "$last" [ -n "$rest" ] &&
	expect "queued + read after = 95" "$rest = $((rest))" [ "$((rest))" = 95 ] && ok

case_ "-p's process exits: every event it made is printed, the run says so and ends, exit 0"
# The writer makes 300 writes and exits while the tracer is stopped, so
# that its exit is seen with all 300 lines still queued: none may be
# left behind.
mkfifo "$T/go2"
sh -c ': > "$1/ready2"; read x < "$1/go2"; i=0
	while [ $i -lt 300 ]; do printf x; i=$((i + 1)); done >/dev/null' sh "$T" &
F=$!
BG_PIDS+=($F)
wait_file "$T/ready2" 10
start_hello gone -p "$F" -v
wait_for "$T/gone.err" '\[4/5\] read' 60
kill -STOP "$HELLO_PID"
echo go >"$T/go2"
wait "$F"
kill -CONT "$HELLO_PID"
wait_exit "$HELLO_PID" 30 || kill -9 "$HELLO_PID" 2>/dev/null
# The writer has exited when its lines are read: their command is the
# kernel's, which may not have kept it (<...>).
n=$(count "$T/gone.out" "^[0-9.]+ +(sh|<\.\.\.>) +$F +[0-9]+ +BPF triggered from PID $F\.$")
expect "exit 0, all 300 events" "exit $RC, $n lines" [ "$RC/$n" = 0/300 ] &&
	expect "'process $F (-p) exited', then '300 events, 0 lost'" "$(tail -2 "$T/gone.err" | tr '\n' '|')" \
		[ "$(tail -2 "$T/gone.err" | tr '\n' '|')" = "bcc-hello: process $F (-p) exited; nothing more to trace|bcc-hello: 300 events, 0 lost|" ] && ok

finish
