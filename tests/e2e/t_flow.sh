# t_flow.sh: the Hello World flow end to end, as a learner runs it.
. "$(dirname "$0")/lib.sh"
require_bpf

case_ "a writing process's PID appears with the lesson's message"
start_writer
W=$!
start_hello flow -p "$W" -c 3
if wait_exit "$HELLO_PID" 60; then
	expect "exit 0" "exit $RC" [ "$RC" = 0 ]
	n=$(grep -c "BPF triggered from PID $W\.\$" "$T/flow.out")
	expect "3 lines 'BPF triggered from PID $W.'" "$n in: $(head -5 "$T/flow.out")" [ "$n" = 3 ] && ok
else
	fail "expected bcc-hello -c 3 to stop, it still runs; stderr: $(cat "$T/flow.err")"
fi

case_ "the columns are time, command, PID, CPU and the message"
line=$(grep -m1 'BPF triggered' "$T/flow.out")
if [[ "$line" =~ ^[0-9]+\.[0-9]+\ +sh\ +$W\ +[0-9]+\ +BPF\ triggered\ from\ PID\ $W\.$ ]]; then ok
else fail "expected 'TIME sh $W CPU BPF triggered from PID $W.', got '$line'"; fi

case_ "the exit summary counts the events and the lost ones"
expect "'bcc-hello: 3 events, 0 lost' on stderr" "$(tail -1 "$T/flow.err")" \
	grep -Eq '^bcc-hello: 3 events, 0 lost' "$T/flow.err" && ok

case_ "-p excludes other processes"
start_writer
OTHER=$!
start_hello pfilter -p "$W" -d 2
wait_exit "$HELLO_PID" 30
others=$(grep -Ev "PID $W\.\$|^TIME" "$T/pfilter.out" | head -3)
mine=$(grep -c "PID $W\.\$" "$T/pfilter.out")
expect "only PID $W's lines" "$others" [ -z "$others" ] &&
	expect "some lines of PID $W" "$mine" [ "$mine" -gt 0 ] && ok

case_ "without -p, events of other processes appear too"
start_hello all -d 2
wait_exit "$HELLO_PID" 30
expect "lines of $W and $OTHER" "$(head -5 "$T/all.out")" \
	sh -c "grep -q 'PID $W\.\$' '$T/all.out' && grep -q 'PID $OTHER\.\$' '$T/all.out'" && ok

case_ "-d stops after the duration with exit 0"
start=$(date +%s.%N)
"$BCC_HELLO" -d 1 >"$T/dur.out" 2>"$T/dur.err"
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
expect "exit 0" "exit $rc: $(cat "$T/dur.err")" [ "$rc" = 0 ] &&
	expect "a run of about 1 s after compiling (under 15 s)" "$secs s" \
		awk -v s="$secs" 'BEGIN { exit !(s >= 1 && s < 15) }' && ok

case_ "SIGINT detaches, removes the instance and exits 0"
start_hello sigint -p "$W"
if wait_for "$T/sigint.out" "PID $W\." 60; then
	attached=$(held_by_others 0 | wc -l)
	kill -INT "$HELLO_PID"
	wait_exit "$HELLO_PID" 20
	left=$(left_behind "$HELLO_PID")
	expect "a program attached while it ran" "$attached attached" [ "$attached" -gt 0 ] &&
		expect "exit 0" "exit $RC: $(cat "$T/sigint.err")" [ "$RC" = 0 ] &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
else
	fail "expected PID $W's events before SIGINT, got: $(cat "$T/sigint.err")"
fi

case_ "--raw prints the kernel's lines unchanged"
start_hello raw --raw -p "$W" -c 2
wait_exit "$HELLO_PID" 60
expect "trace_pipe lines with 'bpf_trace_printk: BPF triggered from PID $W.'" \
	"$(head -3 "$T/raw.out")" grep -Eq "^ +sh-$W +\[[0-9]+\] .* [0-9]+\.[0-9]+: bpf_trace_printk: BPF triggered from PID $W\.\$" "$T/raw.out" && ok

finish
