# t_side.sh: bcc-hello side by side with itself and with a reader of the
# shared trace_pipe. Four runs of the same program (programs/hello.c, the
# default) attach to the same tracepoint at once: two with -p of the same
# writer, one with -p of another, one without -p, while a `cat` of
# /sys/kernel/tracing/trace_pipe runs beside them. Each run prints every
# event of its own program exactly once, and none of the others': the -p
# runs show no other process; the run without -p shows each writer's
# events once; the cat receives none of their lines. Last, a --dry-run
# beside the shared pipe must leave it as it was too.
#
# The kernel writes every BPF program's bpf_trace_printk lines into every
# buffer that records the event, and the four programs print the same
# text: only each run's mark (tutorial.h) tells its program's lines from
# the others'. So the counts are exact: a run that took the other
# programs' lines would print the same line twice or four times.
#
# The writers wait for a go, then make exactly $N write(2) calls each.
. "$(dirname "$0")/lib.sh"
require_bpf
N=3000

# wait_count FILE REGEX N [SECONDS]: true once N lines match (by the clock).
wait_count() {
	local end=$((${EPOCHREALTIME/./} + ${4:-20} * 1000000))
	while [ "$(count "$1" "$2")" -lt "$3" ]; do
		[ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
		sleep 0.05
	done
}
# The line hello.c prints for a write of process P.
line_of() { echo "BPF triggered from PID $1\\.\$"; }

start_counted w1 "$N"
W1=$WP
start_counted w2 "$N"
W2=$WP
start_counted w3 "$N"
W3=$WP
WRITERS=("$W1" "$W2" "$W3")

trap 'touch "$T/sampler.stop"; restore_top; cleanup' EXIT

# Other bcc-hello runs on this machine (other tests: a --dry-run, say) may
# turn the event on meanwhile. Every bcc-hello process is recorded every
# 50 ms (a run lives at least as long as its compile, 0.3 s or more) with
# the time it started: "TIME PID STARTED".
( declare -A started
while [ ! -e "$T/sampler.stop" ]; do
	t=$EPOCHREALTIME
	for p in $(pgrep -x bcc-hello); do
		[ -n "${started[$p]:-}" ] || started[$p]=$(awk -v t="$t" -v e="$(ps -o etimes= -p "$p")" 'BEGIN { printf "%.0f", t - e }')
		echo "$t $p ${started[$p]}"
	done
	sleep 0.05
done ) >"$T/seen" &
BG_PIDS+=($!)
# others_between T0 T1 OURS...: bcc-hello processes, not ours, alive
# between T0 and T1 that started less than 2 minutes before T0. Those
# running longer (a long read, a --watch) loaded their program before, or
# reload it with the same care.
others_between() {
	local a="$1" b="$2"
	shift 2
	awk -v a="$a" -v b="$b" '$1 >= a && $1 <= b && $3 > a - 120 { print $2 }' "$T/seen" | sort -u |
		grep -vxF -f <(printf '%s\n' "$@") | tr '\n' ' ' || true
}

top_off
EN0=$(top_enable)
holders=$(pipe_holders)
bg_in_tracefs 'exec timeout 120 cat $TFS/trace_pipe' >"$T/cat.out" 2>"$T/cat.err"
CAT=$!
sleep 0.3

t0=$(now)
start_hello r1 -v -p "$W1"
R1=$HELLO_PID
start_hello r2 -v -p "$W1"
R2=$HELLO_PID
start_hello r3 -v -p "$W2"
R3=$HELLO_PID
start_hello all -v
RALL=$HELLO_PID
RUNS=("$R1" "$R2" "$R3" "$RALL")
NAMES=(r1 r2 r3 all)
WATCHED=("$W1" "$W1" "$W2")

case_ "four runs on the same tracepoint all start reading"
ready=0
for name in "${NAMES[@]}"; do
	wait_count "$T/$name.err" '\[4/5\] read' 1 120 && ready=$((ready + 1))
done
secs=$(since "$t0")
echo "# four compiles and attaches at once: $secs s"
attached=$(bpftool perf 2>/dev/null | awk -v a="$R1" -v b="$R2" -v c="$R3" -v d="$RALL" \
	'$1 == "pid" && ($2 == a || $2 == b || $2 == c || $2 == d) { print $2 }' | sort -u | wc -l)
expect "all four at '[4/5] read'" "$ready: $(for n in "${NAMES[@]}"; do tail -1 "$T/$n.err"; done)" [ "$ready" = 4 ] &&
	expect "four processes with an attachment (bpftool perf)" "$attached" [ "$attached" = 4 ] && ok

# The kernel turns the event on after each load, from a workqueue, and
# bcc-hello turns it off again at once, then watches 0.5 s for a late one:
# lines that programs print in that moment (the runs' own narration, say,
# which run 4 traces) reach the shared buffer, as exactly as the kernel
# allows. The writers start after that: none of their lines may.
sleep 0.6
EN1=$(top_enable)
for w in w1 w2 w3; do echo go >"$T/$w.go"; done
for w in w1 w2 w3; do wait_file "$T/$w.go.done" 30; done
# Each run's own lines, then those of the run without -p, arrive.
wait_count "$T/r1.out" "$(line_of "$W1")" "$N" 30
wait_count "$T/r2.out" "$(line_of "$W1")" "$N" 30
wait_count "$T/r3.out" "$(line_of "$W2")" "$N" 30
for w in "${WRITERS[@]}"; do wait_count "$T/all.out" "$(line_of "$w")" "$N" 30; done
sleep 0.5 # a duplicate would arrive now
EN2=$(top_enable)
for r in "${RUNS[@]}"; do kill -INT "$r"; done
for i in 0 1 2 3; do
	wait_exit "${RUNS[$i]}" 30
	RCS[$i]=$RC
done
cat_alive=no
kill -0 "$CAT" 2>/dev/null && cat_alive=yes
kill -TERM "$CAT" 2>/dev/null # timeout passes it to cat
wait_exit "$CAT" 10

for i in 0 1 2; do
	n=$((i + 1))
	name=${NAMES[$i]}
	w=${WATCHED[$i]}
	case_ "run $n (-p $w) prints each of its writer's $N writes exactly once, and no other line"
	mine=$(count "$T/$name.out" "$(line_of "$w")")
	strays=$(awk -v w="$w" 'NR > 1 && $3 != w' "$T/$name.out" | wc -l)
	said=$(tail -1 "$T/$name.err")
	echo "# run $n: ${said#bcc-hello: }"
	expect "exit 0 after SIGINT" "exit ${RCS[$i]}: $(tail -2 "$T/$name.err")" [ "${RCS[$i]}" = 0 ] &&
		expect "$N lines '$(line_of "$w" | tr -d '\\$')'" "$mine" [ "$mine" = "$N" ] &&
		expect "no line of another process" "$strays: $(awk -v w="$w" 'NR > 1 && $3 != w' "$T/$name.out" | head -2)" [ "$strays" = 0 ] &&
		expect "'$N events, 0 lost' said" "$said" grep -Eq "^bcc-hello: $N events, 0 lost( |\$)" <<<"$said" &&
		left=$(left_behind "${RUNS[$i]}") &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
done

case_ "the run without -p prints each of the three writers' $N writes exactly once"
got=
for w in "${WRITERS[@]}"; do got="$got $(count "$T/all.out" "$(line_of "$w")")"; done
echo "# run 4: $(tail -1 "$T/all.err" | sed 's/^bcc-hello: //')"
expect "exit 0 after SIGINT" "exit ${RCS[3]}: $(tail -2 "$T/all.err")" [ "${RCS[3]}" = 0 ] &&
	expect "$N lines of each writer" "$got" [ "$got" = " $N $N $N" ] &&
	left=$(left_behind "$RALL") &&
	expect "nothing left behind" "$left" [ -z "$left" ] && ok

case_ "the cat of the shared trace_pipe beside them receives none of their writers' lines"
ours=$(count "$T/cat.out" "BPF triggered from PID ($W1|$W2|$W3)\.\$")
window=$(count "$T/cat.out" 'BPF triggered from PID ')
echo "# the shared pipe: $window lines of the four programs in all, from the moments after their loads"
others=$(others_between "$t0" "$(now)" "${RUNS[@]}")
echo "# bpf_trace_printk in the top-level buffer: '$EN0' before the runs, '$EN1' before the writes, '$EN2' after"
if grep -q busy "$T/cat.err"; then
	skip_this "another process reads the shared trace_pipe: ${holders:-$(pipe_holders)}"
elif [ "$EN0" != 0 ]; then
	# Someone reads the shared pipe and wants the event on: it stays on,
	# and the shared pipe gets every line.
	echo "# bpf_trace_printk on in the top-level buffer, as someone else set it; the cat received $ours of our lines"
	expect "the event on all along" "'$EN0/$EN1/$EN2'" [ "$EN0/$EN1/$EN2" = 1/1/1 ] && ok
elif [ "$EN1/$EN2" != 0/0 ] && [ -n "$others" ]; then
	skip_this "the event was turned on meanwhile, and other bcc-hello runs were loading programs: $others"
else
	expect "the cat still reading when the runs stopped" "it had exited: $(cat "$T/cat.err")" [ "$cat_alive" = yes ] &&
		expect "bpf_trace_printk still off in the top-level buffer after four loads" "'$EN1' before the writes, '$EN2' after" \
			[ "$EN1/$EN2" = 0/0 ] &&
		expect "no line of the writers in the shared pipe" \
			"$ours: $(grep -Em2 "PID ($W1|$W2|$W3)\.\$" "$T/cat.out")" [ "$ours" = 0 ] && ok
fi

case_ "--dry-run leaves the shared pipe as it was: bpf_trace_printk stays off in the top-level buffer"
# Loading a program that calls bpf_trace_printk makes the kernel turn the
# event on in the top-level buffer (since Linux 6.14 from a workqueue,
# shortly after); a run that reads its own instance turns it off again.
# A dry run attaches nothing and prints nothing: it must not leave every
# BPF program's lines flowing into the shared trace_pipe either.
top_off
before=$(top_enable)
t1=$(now)
"$BCC_HELLO" --dry-run </dev/null >"$T/dry.out" 2>"$T/dry.err" &
DRY=$!
BG_PIDS+=($DRY)
wait_exit "$DRY" 60
rc=$RC
sleep 0.5 # the kernel's deferred enabling
after=$(top_enable)
others=$(others_between "$t1" "$(now)" "$DRY")
if [ "$before" != 0 ]; then
	h=$(pipe_holders)
	skip_this "bpf_trace_printk is on in the top-level buffer: ${h:+someone reads the shared trace_pipe: $h}${h:-another run on this machine turned it on again at once}"
elif [ "$after" != 0 ] && [ -n "$others" ]; then
	skip_this "the event was turned on, and other bcc-hello runs were loading programs meanwhile: $others"
else
	expect "exit 0" "exit $rc: $(tail -2 "$T/dry.err")" [ "$rc" = 0 ] &&
		expect "bpf_trace_printk off in the top-level buffer, as before the dry run" "'$after' (before: '$before')" \
			[ "$after" = 0 ] && ok
fi
touch "$T/sampler.stop"

finish
