# t_faults.sh: what goes wrong around a run, and what bcc-hello does then.
#
# A run killed with SIGKILL at each stage (while compiling, once attached,
# while reading a flood) cannot clean up: the kernel still detaches its
# program (closing the dead process's file descriptors releases the perf
# event and the program), and the next run removes the ftrace instance
# and the header tree it left. SIGINT while compiling stops it at once.
# Someone rmdir's its instance while it reads, or while it starts. Its
# output goes nowhere: stdout closed, `| head -1`, a pipe nobody reads
# (then closed, or with SIGTERM sent meanwhile), a reader slower than a
# flood (then SIGINT). A reader that cannot keep up with a burst: every
# write is printed or counted as lost in the exit summary.
#
# The runs' header trees are made in a private $TMPDIR ($T/tmp), so that
# what a killed run left is this test's own to look for.
. "$(dirname "$0")/lib.sh"
require_bpf
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"

# wait_count FILE REGEX N [SECONDS]: true once N lines match, polled every
# 10 ms (a compile takes 0.3 s on a quiet machine). Timed by the clock, so
# that a busy machine waits as long.
wait_count() {
	local end=$((${EPOCHREALTIME/./} + ${4:-60} * 1000000))
	while [ "$(count "$1" "$2")" -lt "$3" ]; do
		[ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
		sleep 0.01
	done
}
wait_line() { wait_count "$1" "$2" 1 "${3:-60}"; }
# wait_gone PID [SECONDS]: wait_exit, without bash's "Killed" notice.
wait_gone() { wait_exit "$1" "${2:-20}" 2>/dev/null; }
# Programs attached by PID (bpftool perf: "pid P  fd F: prog_id I ...").
attached_by() {
	bpftool perf 2>/dev/null | awk -v p="$1" '$1 == "pid" && $2 == p { for (i = 1; i < NF; i++) if ($i == "prog_id") print $(i + 1) }' | sort -u
}
# still_loaded IDS...: those of the program IDs the kernel still has, after
# giving it 2 s to free them (it frees a released program a moment later).
still_loaded() {
	local i left
	for ((i = 0; i < 40; i++)); do
		left=$(bpftool prog show 2>/dev/null | awk -F: '/^[0-9]+:/ { print $1 }' |
			grep -Fx -f <(printf '%s\n' "$@") | tr '\n' ' ')
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	echo "$left"
}
# Programs loaded since the last snapshot that nobody holds (lib.sh's
# left_behind without the instance and mount checks).
stray_programs() {
	local i progs
	for ((i = 0; i < 40; i++)); do
		progs=$(comm -23 <(prog_ids) "$T/progs.before" | comm -23 - <(held_by_others 0) | tr '\n' ' ')
		[ -z "$progs" ] && return 0
		sleep 0.05
	done
	echo "$progs"
}
instance_of() { instances | grep -x "bcc-hello-$1" || true; }
tree_of() { ls -d "$TMPDIR/bcc-hello-headers-$1-"* 2>/dev/null || true; }
# lib.sh's left_behind, and a header tree of run PID.
all_left() { left_behind "$1"; tree_of "$1"; }
# The header tree a -v run says it made or merged ("" for the kernel's own).
made_tree() { grep -Eo "$TMPDIR/bcc-hello-headers-[0-9]+-[A-Za-z0-9]+" "$T/$1.err" | head -1; }
# summary NAME: "EVENTS LOST" from "bcc-hello: N events, M lost".
summary() { sed -n 's/^bcc-hello: \([0-9]*\) events\{0,1\}, \([0-9]*\) lost.*/\1 \2/p' "$T/$1.err"; }
# not_shown NAME: what the stop left unshown, not lost: "QUEUED READ" (the
# summary's "still queued at the stop" and "read after it"), else "0 0".
not_shown() {
	local s
	s=$(sed -n 's/.*(not shown, not lost: \([0-9]*\) still queued at the stop, \([0-9]*\) read after it).*/\1 \2/p' "$T/$1.err")
	echo "${s:-0 0}"
}
# Events in the buffers of PID's instance, not read yet.
backlog_of() {
	in_tracefs "cat \$TFS/instances/bcc-hello-$1/per_cpu/cpu*/stats" 2>/dev/null |
		awk '/^entries:/ { s += $2 } END { print s + 0 }'
}
# Is PID blocked writing to its stdout ("1 0x1 ..." in /proc/PID/syscall:
# write(2) on fd 1)?
writing_stdout() {
	local nr fd rest
	read -r nr fd rest <"/proc/$1/syscall" 2>/dev/null && [ "$nr $fd" = "1 0x1" ]
}
# wait_blocked PID [SECONDS]: true once PID has been blocked on its stdout
# for two samples in a row.
wait_blocked() {
	local end=$((${EPOCHREALTIME/./} + ${2:-30} * 1000000))
	while :; do
		writing_stdout "$1" && sleep 0.2 && writing_stdout "$1" && return 0
		[ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
		sleep 0.05
	done
}

start_writer
W=$!

# A flood: one process writing one byte at a time to /dev/null, as fast as
# it can, until killed. Its PID is in $F.
start_flood() {
	dd if=/dev/zero of=/dev/null bs=1 count=1000000000000 status=none &
	F=$!
	BG_PIDS+=($F)
}
stop_flood() { kill "$F" 2>/dev/null; wait "$F" 2>/dev/null; }

# --- SIGKILL at each stage ---------------------------------------------
#
# Each killed run is cleaned up by the next one: run 2 removes what run 1
# (killed while compiling) left, run 3 what run 2 (killed after attaching)
# left, run 4 the header tree run 3 (killed while reading a flood) left,
# whose instance the test removes first, as another run could have.

# note_left PID NAME: what killed run PID (-v run NAME) left, in
# $KILLED_INSTANCE (yes, or no when another bcc-hello on this machine
# already removed it, as it should) and $KILLED_TREE (the header tree it
# made, "" when it used the kernel's own).
note_left() {
	KILLED_TREE=$(made_tree "$2")
	KILLED_INSTANCE=no
	[ -n "$(instance_of "$1")" ] && KILLED_INSTANCE=yes
	[ "$KILLED_INSTANCE" = no ] && echo "# bcc-hello-$1 was already removed by another bcc-hello run on this machine"
	[ -z "$KILLED_TREE" ] && echo "# run $1 used the kernel's own headers: no tree to leave"
	true
}
KILLED_INSTANCE=no
KILLED_TREE=
# recheck_left PID: just before the next run starts, is the instance still
# there (another run may have removed it meanwhile)?
recheck_left() {
	if [ "$KILLED_INSTANCE" = yes ] && [ -z "$(instance_of "$1")" ]; then
		KILLED_INSTANCE=no
		echo "# bcc-hello-$1 was removed by another bcc-hello run on this machine before the next run here started"
	fi
	true
}
# tree_stays: the header tree the killed run made is still there.
tree_stays() { [ -z "$KILLED_TREE" ] || [ -d "$KILLED_TREE" ]; }
# cleaned_by NAME PID: the case "run NAME removed what killed run PID left".
cleaned_by() {
	local name="$1" pid="$2" inst tree
	inst=$(instance_of "$pid")
	tree=$(tree_of "$pid")
	expect "instances/bcc-hello-$pid removed" "still there" [ -z "$inst" ] &&
		expect "no header tree of $pid left in $TMPDIR" "$tree" [ -z "$tree" ] &&
		if [ "$KILLED_INSTANCE" = yes ] || [ -n "$KILLED_TREE" ]; then
			expect "-v saying it removed what killed runs left" "$(grep -m1 'tracefs at' "$T/$name.err")" \
				grep -q 'removed what killed runs left' "$T/$name.err"
		fi && ok
}

case_ "SIGKILL while compiling: nothing loaded or attached; its instance and header tree stay"
# The kill must land between "[1/5] compile" and "[1/5] compiled": on a
# fast machine it may come late, so up to 3 tries (--no-cache: each one
# compiles).
for try in 1 2 3; do
	snapshot
	start_hello kill1 -v -p "$W" --no-cache
	K1=$HELLO_PID
	wait_line "$T/kill1.err" '\[1/5\] compile:' 60
	kill -9 "$K1"
	wait_gone "$K1" 20
	grep -q '\[1/5\] compiled' "$T/kill1.err" || break
	echo "# try $try: the kill came after the compile; again"
	[ -n "$(instance_of "$K1")" ] && in_tracefs "rmdir \$TFS/instances/bcc-hello-$K1"
done
stray=$(stray_programs)
note_left "$K1" kill1
expect "killed by SIGKILL (exit 137)" "exit $RC: $(tail -2 "$T/kill1.err")" [ "$RC" = 137 ] &&
	expect "killed while compiling: '[1/5] compile:', no '[1/5] compiled'" "$(grep '\[1/5\]' "$T/kill1.err")" \
		sh -c "grep -q '\[1/5\] compile:' '$T/kill1.err' && ! grep -q '\[1/5\] compiled' '$T/kill1.err'" &&
	expect "no program loaded and left in the kernel" "$stray" [ -z "$stray" ] &&
	expect "nothing on stdout" "$(head -2 "$T/kill1.out")" [ ! -s "$T/kill1.out" ] &&
	expect "its header tree $KILLED_TREE still there" "gone" tree_stays && ok

case_ "the next run removes the instance and the header tree of the run killed while compiling"
recheck_left "$K1"
start_hello kill2 -v -p "$W"
K2=$HELLO_PID
if wait_for "$T/kill2.out" "PID $W\.\$" 60; then
	cleaned_by kill2 "$K1"
else
	fail "expected run 2 to print events of $W, got: $(tail -3 "$T/kill2.err")"
fi

case_ "SIGKILL after the attach: the kernel detaches and frees its program"
ids=$(attached_by "$K2")
kill -9 "$K2"
wait_gone "$K2" 20
rc=$RC
after=$(attached_by "$K2")
loaded=$(still_loaded $ids)
note_left "$K2" kill2
expect "a program attached by run $K2 before the kill" "none (bpftool perf: $(bpftool perf 2>&1 | head -3))" [ -n "$ids" ] &&
	expect "killed by SIGKILL (exit 137)" "exit $rc" [ "$rc" = 137 ] &&
	expect "no attachment of $K2 left (bpftool perf)" "$after" [ -z "$after" ] &&
	expect "its program $(echo $ids) freed (bpftool prog show)" "still loaded: $loaded" [ -z "$loaded" ] &&
	expect "its header tree $KILLED_TREE still there" "gone" tree_stays && ok

case_ "the next run removes what the run killed after its attach left"
start_flood
recheck_left "$K2"
start_hello kill3 -v -p "$F"
K3=$HELLO_PID
if wait_count "$T/kill3.out" "PID $F\.\$" 2000 60; then
	cleaned_by kill3 "$K2"
else
	fail "expected run 3 to print 2000 events of the flood $F, got $(count "$T/kill3.out" "PID $F\.\$"): $(tail -3 "$T/kill3.err")"
fi

case_ "SIGKILL while reading a flood: the kernel detaches and frees its program"
ids=$(attached_by "$K3")
n1=$(count "$T/kill3.out" "PID $F\.\$")
sleep 0.5
n2=$(count "$T/kill3.out" "PID $F\.\$")
kill -9 "$K3"
wait_gone "$K3" 20
rc=$RC
after=$(attached_by "$K3")
loaded=$(still_loaded $ids)
flooding=no
kill -0 "$F" 2>/dev/null && flooding=yes
note_left "$K3" kill3
echo "# run $K3 printed $n2 events of the flood before the kill"
expect "reading the flood when killed" "$n1 then $n2 events" [ "$n2" -gt "$n1" ] &&
	expect "a program attached by run $K3 before the kill" "none" [ -n "$ids" ] &&
	expect "killed by SIGKILL (exit 137)" "exit $rc" [ "$rc" = 137 ] &&
	expect "no attachment of $K3 left" "$after" [ -z "$after" ] &&
	expect "its program $(echo $ids) freed" "still loaded: $loaded" [ -z "$loaded" ] &&
	expect "the flood still running, unharmed" "it stopped" [ "$flooding" = yes ] &&
	expect "its header tree $KILLED_TREE still there" "gone" tree_stays && ok
stop_flood

case_ "the next run removes the header tree of a killed run whose instance is already gone, and says so"
# Another bcc-hello on the machine may remove a killed run's instance
# first (this one does it here), leaving only its header tree to the next.
[ -n "$(instance_of "$K3")" ] && in_tracefs "rmdir \$TFS/instances/bcc-hello-$K3"
KILLED_INSTANCE=no
start_hello kill4 -v -p "$W" -c 2
wait_exit "$HELLO_PID" 60
rc=$RC
left=$(all_left "$HELLO_PID")
expect "exit 0 and 2 events of $W" "exit $rc, $(count "$T/kill4.out" "PID $W\.\$"): $(tail -2 "$T/kill4.err")" \
	[ "$rc/$(count "$T/kill4.out" "PID $W\.\$")" = 0/2 ] &&
	expect "nothing of its own left behind" "$left" [ -z "$left" ] &&
	cleaned_by kill4 "$K3"

# --- SIGINT while compiling ---------------------------------------------

case_ "SIGINT while compiling: exit 0 within 5 s, nothing attached, nothing left"
# The compile runs in a child; the parent waits for it with the stop
# signals unblocked, and kills it at once on one. --no-cache: a compile,
# not the program an earlier case cached.
start_hello int -v -p "$W" --no-cache
wait_line "$T/int.err" '\[1/5\] compile:' 60
early=$(grep -c '\[1/5\] compiled' "$T/int.err")
t0=$(now)
kill -INT "$HELLO_PID"
wait_gone "$HELLO_PID" 30
secs=$(since "$t0")
left=$(all_left "$HELLO_PID")
echo "# SIGINT to exit: $secs s"
expect "the signal sent while compiling" "'[1/5] compiled' already said" [ "$early" = 0 ] &&
	expect "exit 0" "exit $RC: $(tail -3 "$T/int.err")" [ "$RC" = 0 ] &&
	expect "within 5 s of the signal" "$secs s" awk -v s="$secs" 'BEGIN { exit !(s < 5) }' &&
	expect "no attach and no read" "$(grep -E '\[[345]/5\]' "$T/int.err")" sh -c "! grep -Eq '\[[345]/5\]' '$T/int.err'" &&
	expect "nothing on stdout" "$(head -2 "$T/int.out")" [ ! -s "$T/int.out" ] &&
	expect "nothing left behind (program, instance, mount, header tree)" "$left" [ -z "$left" ] && ok

# --- someone removes the instance ----------------------------------------

case_ "rmdir of its instance while it reads is refused (busy): it keeps reading, then stops cleanly"
start_hello rmdir -v -p "$W"
if wait_for "$T/rmdir.out" "PID $W\.\$" 60; then
	in_tracefs "for i in 1 2 3 4 5; do rmdir \$TFS/instances/bcc-hello-$HELLO_PID; sleep 0.1; done" 2>"$T/rmdir.tries"
	n1=$(count "$T/rmdir.out" "PID $W\.\$")
	sleep 1
	n2=$(count "$T/rmdir.out" "PID $W\.\$")
	running=no
	kill -0 "$HELLO_PID" 2>/dev/null && running=yes
	kill -INT "$HELLO_PID"
	wait_gone "$HELLO_PID" 20
	left=$(all_left "$HELLO_PID")
	echo "# rmdir said: $(head -1 "$T/rmdir.tries")"
	expect "every rmdir refused as busy" "$(cat "$T/rmdir.tries")" \
		[ "$(grep -c 'busy' "$T/rmdir.tries")" = 5 ] &&
		expect "still running, still receiving" "running: $running, $n1 then $n2 events" \
			[ "$running" = yes -a "$n2" -gt "$n1" ] &&
		expect "exit 0 after SIGINT, with the summary" "exit $RC: $(tail -2 "$T/rmdir.err")" \
			sh -c "[ $RC = 0 ] && grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' '$T/rmdir.err'" &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
else
	fail "expected events of $W, got: $(tail -3 "$T/rmdir.err")"
fi

case_ "rmdir racing its start: it runs, or fails with one line and exit 1; it never hangs or crashes"
# Between its mkdir and its open of trace_pipe the instance can be removed.
# A loop tries, every few milliseconds, from before bcc-hello makes it.
start_hello race -v -p "$W" -c 3
bg_in_tracefs "while [ ! -e '$T/race.stop' ]; do rmdir \$TFS/instances/bcc-hello-$HELLO_PID 2>/dev/null && echo removed; done" >"$T/race.rmdir"
RM=$!
wait_exit "$HELLO_PID" 60
rc=$RC
touch "$T/race.stop"
wait_exit "$RM" 10
left=$(all_left "$HELLO_PID")
said=$(grep '^bcc-hello: ' "$T/race.err" | grep -Ev '^bcc-hello: (\[|tracefs at|kernel headers|warning)' || true)
if [ "$rc" = 1 ]; then
	echo "# the rmdir won: $said"
	expect "one 'bcc-hello: ' line naming the instance" "'$said'" \
		sh -c '[ "$(printf "%s\n" "$1" | wc -l)" = 1 ] && printf "%s\n" "$1" | grep -q "instances/bcc-hello-"' _ "$said" &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
else
	echo "# bcc-hello won: exit $rc; the loop removed the instance $(grep -c removed "$T/race.rmdir") times"
	expect "exit 0 and 3 events of $W" "exit $rc, $(count "$T/race.out" "PID $W\.\$"): $(tail -2 "$T/race.err")" \
		[ "$rc/$(count "$T/race.out" "PID $W\.\$")" = 0/3 ] &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
fi

# --- the output goes nowhere ---------------------------------------------

case_ "stdout closed (>&-): it stops once attached, exit 0 with the summary, nothing left"
# fd 1 is free, so the first file bcc-hello opens takes it (trace_pipe):
# printing fails, which is a closed output.
snapshot
"$BCC_HELLO" -v -p "$W" </dev/null >&- 2>"$T/closed.err" &
HELLO_PID=$!
BG_PIDS+=($HELLO_PID)
wait_exit "$HELLO_PID" 60
rc=$RC
left=$(all_left "$HELLO_PID")
expect "exit 0" "exit $rc: $(tail -3 "$T/closed.err")" [ "$rc" = 0 ] &&
	expect "attached, then stopped: '[5/5] detach' and the summary" "$(tail -2 "$T/closed.err")" \
		sh -c "grep -q '\[5/5\] detach' '$T/closed.err' && grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' '$T/closed.err'" &&
	expect "no event line on stderr instead" "$(grep -m1 'PID [0-9]*\.$' "$T/closed.err")" \
		sh -c "! grep -q 'BPF triggered' '$T/closed.err'" &&
	expect "nothing left behind" "$left" [ -z "$left" ] && ok

case_ "bcc-hello | head -1 while a flood runs: exit 0 promptly (PIPESTATUS)"
start_flood
snapshot
t0=$(now)
timeout 60 "$BCC_HELLO" -v -p "$F" 2>"$T/head.err" | head -1 >"$T/head.out"
rcs=("${PIPESTATUS[@]}")
secs=$(since "$t0")
stop_flood
pid=$(sed -n 's/.*instances\/bcc-hello-\([0-9]*\)\/trace_pipe.*/\1/p' "$T/head.err")
left=$(all_left "${pid:-0}")
echo "# bcc-hello | head -1: ${rcs[*]} in $secs s (with the compile)"
expect "exit 0 (not 124: killed by timeout; not 141: SIGPIPE) and head's 0" "${rcs[*]}: $(tail -2 "$T/head.err")" \
	[ "${rcs[0]}/${rcs[1]}" = 0/0 ] &&
	expect "under 30 s in all" "$secs s" awk -v s="$secs" 'BEGIN { exit !(s < 30) }' &&
	expect "head's line: the header" "$(cat "$T/head.out")" grep -q '^TIME' "$T/head.out" &&
	expect "the summary" "$(tail -1 "$T/head.err")" grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' "$T/head.err" &&
	expect "nothing left behind" "$left" [ -z "$left" ] && ok

# start_unread NAME ARGS...: bcc-hello with stdout into a FIFO whose reader
# never reads and closes it once $T/NAME.close exists. PID in $HELLO_PID,
# the reader's in $READER.
start_unread() {
	local name="$1"
	shift
	mkfifo "$T/$name.fifo"
	sh -c 'while [ ! -e "$1" ]; do sleep 0.05; done' sh "$T/$name.close" <"$T/$name.fifo" &
	READER=$!
	BG_PIDS+=($READER)
	snapshot
	"$BCC_HELLO" "$@" </dev/null >"$T/$name.fifo" 2>"$T/$name.err" &
	HELLO_PID=$!
	BG_PIDS+=($HELLO_PID)
}

case_ "a pipe nobody reads for a while, then closed: exit 0 promptly after the close"
start_flood
start_unread unread -v -p "$F"
if wait_line "$T/unread.err" '\[4/5\] read' 60 && wait_blocked "$HELLO_PID" 30; then
	sleep 1
	blocked=no
	writing_stdout "$HELLO_PID" && blocked=yes
	t0=$(now)
	touch "$T/unread.close"
	wait_gone "$HELLO_PID" 20
	secs=$(since "$t0")
	left=$(all_left "$HELLO_PID")
	echo "# close to exit: $secs s"
	expect "blocked on its full stdout until the close" "blocked: $blocked" [ "$blocked" = yes ] &&
		expect "exit 0 (a closed output is a normal stop)" "exit $RC: $(tail -2 "$T/unread.err")" [ "$RC" = 0 ] &&
		expect "within 5 s of the close" "$secs s" awk -v s="$secs" 'BEGIN { exit !(s < 5) }' &&
		expect "the summary" "$(tail -1 "$T/unread.err")" \
			grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' "$T/unread.err" &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
else
	fail "expected bcc-hello blocked on its full stdout, got: $(cat "/proc/$HELLO_PID/syscall" 2>&1) $(tail -2 "$T/unread.err")"
	touch "$T/unread.close"
	wait_gone "$HELLO_PID" 20
fi
stop_flood

case_ "SIGTERM while its stdout pipe is full and nobody reads: exit 0 within 5 s, nothing left"
# Nobody may ever read: the pipe's reader can be stuck. SIGTERM is how
# a service manager, or timeout(1), stops it, and bcc-hello promises exit
# 0 and nothing left.
start_flood
start_unread term -v -p "$F"
if wait_line "$T/term.err" '\[4/5\] read' 60 && wait_blocked "$HELLO_PID" 30; then
	t0=$(now)
	kill -TERM "$HELLO_PID"
	wait_gone "$HELLO_PID" 5
	rc=$RC
	secs=$(since "$t0")
	if [ "$rc" = timeout ]; then
		echo "# still blocked 5 s after SIGTERM ($(cat "/proc/$HELLO_PID/syscall" 2>&1 | cut -d' ' -f1,2)); the reader closes the pipe now"
		touch "$T/term.close"
		wait_gone "$HELLO_PID" 20
	fi
	left=$(all_left "$HELLO_PID")
	expect "exit 0 within 5 s of SIGTERM" "exit $rc after $secs s" [ "$rc" = 0 ] &&
		expect "the summary" "$(tail -1 "$T/term.err")" \
			grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' "$T/term.err" &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
else
	fail "expected bcc-hello blocked on its full stdout, got: $(cat "/proc/$HELLO_PID/syscall" 2>&1) $(tail -2 "$T/term.err")"
	touch "$T/term.close"
	wait_gone "$HELLO_PID" 20
fi
touch "$T/term.close"
stop_flood

case_ "SIGINT while a flood outpaces its reader: exit 0 within 10 s, nothing left"
# The reader takes 64 KiB every 0.1 s (some 8,000 lines a second); the
# flood makes far more, so trace_pipe always has lines waiting.
start_flood
snapshot
("$BCC_HELLO" -v -p "$F" 2>"$T/slow.err" </dev/null & echo $! >"$T/slow.pid"; wait) |
	sh -c 'while n=$(head -c 65536 | wc -c) && [ "$n" -gt 0 ]; do sleep 0.1; done' &
SLOWPIPE=$!
BG_PIDS+=($SLOWPIPE)
if wait_line "$T/slow.err" '\[4/5\] read' 60; then
	HELLO_PID=$(cat "$T/slow.pid")
	BG_PIDS+=($HELLO_PID)
	sleep 2
	backlog=$(backlog_of "$HELLO_PID")
	t0=$(now)
	kill -INT "$HELLO_PID"
	for ((i = 0; i < 200; i++)); do
		kill -0 "$HELLO_PID" 2>/dev/null || break
		[ "$(since "$t0" | cut -d. -f1)" -ge 10 ] && break
		sleep 0.05
	done
	secs=$(since "$t0")
	stopped=yes
	if kill -0 "$HELLO_PID" 2>/dev/null; then
		stopped=no
		echo "# still running $secs s after SIGINT, $(backlog_of "$HELLO_PID") events waiting in its instance; the flood stops, the reader goes"
		stop_flood
		kill "$SLOWPIPE" 2>/dev/null # its head takes one more 64 KiB, then the pipe closes
	fi
	wait_exit "$SLOWPIPE" 60
	left=$(all_left "$HELLO_PID")
	echo "# $backlog events waiting at the SIGINT"
	expect "a backlog when SIGINT was sent" "$backlog" [ "$backlog" -gt 0 ] &&
		expect "stopped within 10 s of SIGINT" "still running after $secs s" [ "$stopped" = yes ] &&
		expect "the summary" "$(tail -1 "$T/slow.err")" \
			grep -Eq '^bcc-hello: [0-9]+ events?, [0-9]+ lost' "$T/slow.err" &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
else
	fail "expected bcc-hello to read, got: $(tail -2 "$T/slow.err")"
fi
stop_flood

# --- a reader that cannot keep up ----------------------------------------

case_ "a burst while its stdout is blocked: every write is printed, counted as lost, or counted as left by the stop"
# One process, pinned to one CPU, makes $BURST writes while bcc-hello is
# blocked on a pipe that is not read: the instance's buffer on that CPU
# (8 MiB, some 175,000 lines) overflows. Then SIGINT, with lines still
# waiting, and the pipe is read again. The exit summary must account for
# every write: events + lost + what the stop left unshown (still queued,
# or read after it) = $BURST; only what the kernel overwrote is lost.
#
# The kernel writes every BPF program's bpf_trace_printk lines into every
# instance that records them, and other tests may run beside this one:
# the program has its own message, and the instance is given a filter on
# the writer's PID, so that no other line reaches it or is counted lost.
# The stop interrupts the write blocked on the pipe: what stdio had not yet
# written is dropped with it (and the line it was in the middle of cut),
# though counted among the events; the sum still accounts for every write.
BURST=400000
cat >"$T/burst.c" <<'EOF'
int hello(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	bpf_trace_printk("t_faults burst from PID %d.\n", pid);
	return 0;
}
EOF
cpu=$(cut -d, -f1 /sys/devices/system/cpu/online | cut -d- -f1)
mkfifo "$T/burst.go" "$T/burst.fifo"
sh -c 'read go <"$1"; exec taskset -c "$2" dd if=/dev/zero of=/dev/null bs=1 count="$3" status=none' \
	sh "$T/burst.go" "$cpu" "$BURST" &
D=$!
BG_PIDS+=($D)
sh -c 'while [ ! -e "$1" ]; do sleep 0.05; done; exec cat' sh "$T/burst.release" <"$T/burst.fifo" >"$T/burst.out" &
READER=$!
BG_PIDS+=($READER)
snapshot
"$BCC_HELLO" -v -f "$T/burst.c" -p "$D" </dev/null >"$T/burst.fifo" 2>"$T/burst.err" &
HELLO_PID=$!
BG_PIDS+=($HELLO_PID)
if wait_line "$T/burst.err" '\[4/5\] read' 60; then
	in_tracefs "echo 'common_pid == $D' >\$TFS/instances/bcc-hello-$HELLO_PID/events/bpf_trace/bpf_trace_printk/filter"
	t0=$(now)
	echo go >"$T/burst.go"
	wait_exit "$D" 120
	drc=$RC
	secs=$(since "$t0")
	backlog=$(backlog_of "$HELLO_PID")
	blocked=no
	writing_stdout "$HELLO_PID" && blocked=yes
	kill -INT "$HELLO_PID"
	sleep 0.2
	touch "$T/burst.release"
	wait_exit "$HELLO_PID" 120
	rc=$RC
	wait_exit "$READER" 20
	read -r events lost <<<"$(summary burst)"
	read -r queued unshown <<<"$(not_shown burst)"
	events=${events:--1} lost=${lost:--1}
	mine=$(count "$T/burst.out" "^[0-9.]+ +dd +$D +[0-9]+ +t_faults burst from PID $D\.\$")
	notices=$(count "$T/burst.out" '\[LOST [0-9]+ EVENTS\]')
	others=$(grep -v '^TIME' "$T/burst.out" | grep -Evc "t_faults burst from PID $D\.\$|\[LOST [0-9]+ EVENTS\]")
	left=$(all_left "$HELLO_PID")
	echo "# burst: $BURST writes in $secs s; at the SIGINT $backlog lines waiting; $events events ($mine printed), $lost lost, $queued still queued at the stop, $unshown read after it"
	expect "the writer's $BURST writes done" "dd: exit $drc" [ "$drc" = 0 ] &&
		expect "bcc-hello blocked on its stdout, with a backlog, at the SIGINT" "blocked: $blocked, backlog $backlog" \
			[ "$blocked" = yes -a "$backlog" -gt 0 ] &&
		expect "exit 0 and the summary" "exit $rc: $(tail -2 "$T/burst.err")" [ "$rc" = 0 -a "$events" -ge 0 ] &&
		expect "the buffer overflowed: some lost" "$lost lost" [ "$lost" -gt 0 ] &&
		expect "no more lines printed than events counted, and at most one cut line" \
			"$events events, $mine lines of the burst, $others others: $(grep -v '^TIME' "$T/burst.out" | grep -Ev "burst from PID|LOST" | head -2)" \
			[ "$mine" -le "$events" -a "$others" -le 1 ] &&
		expect "events + lost + queued at the stop + read after it = $BURST writes" \
			"$events + $lost + $queued + $unshown = $((events + lost + queued + unshown))" \
			[ $((events + lost + queued + unshown)) = "$BURST" ] &&
		expect "the backlog at the SIGINT not called lost" "$queued + $unshown not shown" \
			[ $((queued + unshown)) -gt 0 ] &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok

	case_ "the kernel's '[LOST N EVENTS]' notice is not printed as the previous event's message"
	# trace_pipe says "CPU:0 [LOST 224230 EVENTS]" where it skipped what
	# was overwritten. It is not a continuation of the event before it.
	cont=$(grep -E '^ {18,}CPU:[0-9]+ \[LOST [0-9]+ EVENTS\]$' "$T/burst.out" | head -1)
	echo "# the notice: $notices lines on stdout${cont:+, e.g. '$cont'}"
	expect "no blank-columned '[LOST N EVENTS]' line (a continuation of the event above)" "'$cont'" [ -z "$cont" ] && ok
else
	fail "expected bcc-hello to read, got: $(tail -3 "$T/burst.err")"
	touch "$T/burst.release"
fi

finish
