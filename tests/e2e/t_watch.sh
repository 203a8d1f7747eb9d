# t_watch.sh: --watch, as a learner uses it. They run their copy of
# hello.c once, then edit and save it again and again, with sed -i (a
# rename, like vim), by writing in place, by deleting and re-creating it;
# each save swaps the running program for the new one, a broken save
# leaves the last good one running, and SIGHUP reloads on demand.
#
# The last case reloads BCC_HELLO_RELOADS times (default 200, 50 under AddressSanitizer; each reload
# is one compile, 0.6 to 1.8 s depending on the machine's load) and checks
# that the file descriptors and the memory stay flat.
. "$(dirname "$0")/lib.sh"

# A usage error needs no BPF: it runs everywhere.
case_ "--watch without -f is a usage error (exit 2)"
"$BCC_HELLO" --watch -d 1 >"$T/usage.out" 2>"$T/usage.err"
rc=$?
expect "exit 2 and a 'bcc-hello: ' line naming --watch" "exit $rc: $(cat "$T/usage.err")" \
	sh -c "[ $rc = 2 ] && grep -q '^bcc-hello: .*--watch' '$T/usage.err'" &&
	expect "nothing on stdout" "'$(head -3 "$T/usage.out")'" [ ! -s "$T/usage.out" ] && ok

require_bpf

# wait_count FILE REGEX N [SECONDS]: true once N lines match. Timed by
# the clock, not by a number of polls, so that a busy machine waits as long.
wait_count() {
	local end=$((${EPOCHREALTIME/./} + ${4:-20} * 1000000))
	while [ "$(count "$1" "$2")" -lt "$3" ]; do
		[ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
		sleep 0.02
	done
}
# wait_line FILE REGEX [SECONDS]: true once a line matches.
wait_line() { wait_count "$1" "$2" 1 "${3:-20}"; }
# The compile time of the last reload line, for messages.
compiled() { grep -Eo 'compiled in [0-9.]+ s' "$ERR" | tail -1; }
# programs/hello.c with its message "BPF triggered" replaced by $1.
hello_saying() {
	sed "s/BPF triggered from PID/$1 from PID/" "$BCC_HELLO_SRC/programs/hello.c"
}
# The process's open files other than /proc ones (see lib.sh's open_files)
# and its resident memory (kB).
fd_count() { open_files "$1" | cut -d' ' -f1; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Programs attached by PID (bpftool perf: "pid P  fd F: prog_id I ...").
attached_by() {
	bpftool perf 2>/dev/null | awk -v p="$1" '$2 == p { for (i = 1; i < NF; i++) if ($i == "prog_id") print $(i + 1) }' | sort -u
}

start_writer
W=$!
start_writer
OTHER=$!
F=$T/hello.c
OUT=$T/watch.out
ERR=$T/watch.err
# The reload lines, exactly as promised (the file is named as given).
TIME_RE='[0-2][0-9]:[0-5][0-9]:[0-6][0-9]'
RELOADED="^bcc-hello: $TIME_RE reloaded $F \(compiled in [0-9]+\.[0-9]+ s\)\$"
FAILED_RE="^bcc-hello: $TIME_RE reload of $F failed; the previous version keeps running\$"
reloads() { count "$ERR" "$RELOADED"; }
failures() { count "$ERR" "$FAILED_RE"; }
started=$(now)

# saved_and_seen MSG [LIMIT]: after a save of MSG (done just before, at
# $t0, with $r0 reload lines and $e0 stderr lines), MSG from $W arrives
# within LIMIT seconds (2), one reload line and nothing else is added to
# stderr, and once ten new lines have come, the last five are all new.
saved_and_seen() {
	local msg="$1" limit="${2:-2}" dt n last5
	if ! wait_line "$OUT" "$msg from PID $W\.\$" 10; then
		fail "expected '$msg from PID $W.' after the save, got none in 10 s; stderr: $(tail -5 "$ERR")"
		return 1
	fi
	dt=$(since "$t0")
	wait_count "$ERR" "$RELOADED" $((r0 + 1)) 5
	n=$(count "$OUT" "$msg from PID $W\.\$")
	wait_count "$OUT" "$msg from PID $W\.\$" $((n + 10)) 5
	last5=$(tail -5 "$OUT")
	expect "'$msg from PID $W.' within $limit s of the save" "it after $dt s ($(compiled))" \
		awk -v s="$dt" -v l="$limit" 'BEGIN { exit !(s <= l) }' &&
		expect "one more reload line ($((r0 + 1))), nothing else on stderr" \
			"$(reloads) reload lines; stderr added: $(tail -n +$((e0 + 1)) "$ERR")" \
			[ "$(reloads)/$(wc -l <"$ERR")" = "$((r0 + 1))/$((e0 + 1))" ] &&
		expect "the last 5 lines all '$msg' (the old program detached)" "$last5" \
			[ "$(grep -c "$msg from PID $W\.\$" <<<"$last5")" = 5 ]
}
# mark: note the time, the reload lines and the stderr lines before a save.
mark() { t0=$(now); r0=$(reloads); e0=$(wc -l <"$ERR"); }

case_ "a copy of hello.c runs under --watch and prints its message"
hello_saying "BPF triggered" >"$F"
start_hello watch -f "$F" --watch -p "$W"
if wait_line "$OUT" "BPF triggered from PID $W\.\$" 60; then ok
else fail "expected 'BPF triggered from PID $W.', got: $(head -3 "$OUT") $(cat "$ERR")"; fi

case_ "a save by sed -i (a rename) swaps the message within 2 s"
sleep 0.3 # a save now is not part of a burst from the start
mark
sed -i 's/BPF triggered from PID/Renamed by sed from PID/' "$F"
saved_and_seen "Renamed by sed" && ok

case_ "a save in place (cat new > file) swaps the message within 2 s"
hello_saying "Written in place" >"$T/new.c"
mark
cat "$T/new.c" >"$F"
saved_and_seen "Written in place" && ok

case_ "a file deleted, then re-created half a second later, is reloaded"
mark
rm "$F"
sleep 0.5
e_gone=$(wc -l <"$ERR")
t0=$(now) # the save is the creation
hello_saying "Re-created" >"$F"
expect "nothing on stderr while the file is gone" "$(tail -n +$((e0 + 1)) "$ERR")" \
	[ "$e_gone" = "$e0" ] && saved_and_seen "Re-created" && ok

case_ "a broken save prints the error with file and line, and the last good version keeps running"
line=$(grep -n 'bpf_trace_printk("' "$F" | cut -d: -f1)
mark
f0=$(failures)
sed -i "${line}i\\	this is not C;" "$F"
if wait_count "$ERR" "$FAILED_RE" $((f0 + 1)) 10; then
	added=$(tail -n +$((e0 + 1)) "$ERR")
	diag=$(grep -n -m1 -F "$F:$line:" <<<"$added" | cut -d: -f1)
	failed_at=$(grep -n -E "$FAILED_RE" <<<"$added" | cut -d: -f1)
	n1=$(count "$OUT" "Re-created from PID $W\.\$")
	sleep 1
	n2=$(count "$OUT" "Re-created from PID $W\.\$")
	in_order=no
	[ -n "$diag" ] && [ -n "$failed_at" ] && [ "$diag" -lt "$failed_at" ] && in_order=yes
	expect "a diagnostic naming $F:$line, before the 'reload failed' line" "stderr: $added" \
		[ "$in_order" = yes ] &&
		expect "no reload line" "$(reloads) (before: $r0)" [ "$(reloads)" = "$r0" ] &&
		expect "'Re-created' lines still growing after the failure" "$n1, then $n2 a second later" \
			[ "$n2" -gt "$n1" ] &&
		expect "still the last good message last" "$(tail -1 "$OUT")" \
			grep -q "Re-created from PID $W\.\$" <(tail -1 "$OUT") && ok
else
	fail "expected '... reload of $F failed; the previous version keeps running', got: $(tail -n +$((e0 + 1)) "$ERR")"
fi

case_ "repairing the broken file reloads it"
mark
sed -i -e "${line}d" -e 's/Re-created from PID/Repaired from PID/' "$F"
saved_and_seen "Repaired" 10 && ok

case_ "SIGHUP reloads the unchanged file"
mark
sed -i 's/Repaired from PID/Before SIGHUP from PID/' "$F"
if saved_and_seen "Before SIGHUP" 10; then
	sleep 0.3
	r1=$(reloads)
	kill -HUP "$HELLO_PID"
	if wait_count "$ERR" "$RELOADED" $((r1 + 1)) 10; then
		sleep 0.5
		n1=$(count "$OUT" "Before SIGHUP from PID $W\.\$")
		sleep 0.5
		n2=$(count "$OUT" "Before SIGHUP from PID $W\.\$")
		expect "exactly one more reload line ($((r1 + 1)))" "$(reloads)" [ "$(reloads)" = $((r1 + 1)) ] &&
			expect "still alive, with the same message" "$n1 then $n2 lines" [ "$n2" -gt "$n1" ] && ok
	else
		fail "expected a reload line after SIGHUP, got: $(tail -n +$((e0 + 1)) "$ERR"); alive: $(kill -0 "$HELLO_PID" 2>&1 && echo yes)"
	fi
fi

case_ "after the reloads: one program attached, -p kept (no other PID), the header printed once"
others=$(grep -Ev "PID $W\.\$|^TIME" "$OUT" | head -3)
att=$(attached_by "$HELLO_PID" | wc -l)
headers=$(grep -c '^TIME' "$OUT")
expect "only PID $W's lines (not $OTHER's)" "$others" [ -z "$others" ] &&
	expect "1 program attached by bcc-hello" "$att: $(bpftool perf | grep -w "$HELLO_PID")" [ "$att" = 1 ] &&
	expect "one header line" "$headers" [ "$headers" = 1 ] && ok

case_ "SIGINT exits 0 and leaves nothing behind"
kill -INT "$HELLO_PID"
wait_exit "$HELLO_PID" 20
left=$(left_behind "$HELLO_PID")
expect "exit 0" "exit $RC: $(tail -3 "$ERR")" [ "$RC" = 0 ] &&
	expect "nothing left behind" "$left" [ -z "$left" ] && ok

case_ "a libbpf-style program keeps -p and -D across reloads"
LB=$T/tutorial.c
cat >"$LB" <<'EOF'
/* The eunomia tutorial's Hello World, with a macro to print. */
#define BPF_NO_GLOBAL_DATA
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#ifndef MSG
#define MSG 0
#endif

typedef unsigned int u32;
typedef int pid_t;
const pid_t pid_filter = 0;

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;

	if (pid_filter && pid != pid_filter)
		return 0;
	bpf_printk("First MSG=%d from PID %d.\n", MSG, pid);
	return 0;
}
EOF
start_hello lb -f "$LB" --watch -p "$W" -D MSG=4242
if wait_line "$T/lb.out" "First MSG=4242 from PID $W\.\$" 60; then
	sleep 0.3
	t0=$(now)
	sed -i 's/First MSG/Second MSG/' "$LB"
	if wait_line "$T/lb.out" "Second MSG=[0-9]+ from PID [0-9]+\.\$" 10; then
		dt=$(since "$t0")
		sleep 1
		after=$(sed -n '/Second MSG/,$p' "$T/lb.out")
		bad=$(grep -v "Second MSG=4242 from PID $W\.\$" <<<"$after" | grep -v "First MSG=4242 from PID $W\.\$" | head -3)
		n=$(grep -c "Second MSG=4242 from PID $W\.\$" <<<"$after")
		expect "the new message within 2 s" "it after $dt s ($(grep -Eo 'compiled in [0-9.]+ s' "$T/lb.err" | tail -1))" awk -v s="$dt" 'BEGIN { exit !(s <= 2) }' &&
			expect "after the reload, only 'Second MSG=4242 from PID $W.' (not $OTHER, not MSG=0)" "$bad" [ -z "$bad" ] &&
			expect "several of them" "$n" [ "$n" -gt 5 ] && ok
	else
		fail "expected 'Second MSG=4242 from PID $W.' after the save, got: $(tail -3 "$T/lb.out") $(tail -5 "$T/lb.err")"
	fi
else
	fail "expected 'First MSG=4242 from PID $W.', got: $(head -3 "$T/lb.out") $(cat "$T/lb.err")"
fi
kill -INT "$HELLO_PID"
wait_exit "$HELLO_PID" 20
left=$(left_behind "$HELLO_PID")
[ "$RC" = 0 ] && [ -z "$left" ] ||
	fail "expected exit 0 and nothing left behind, got exit $RC, left: $left"
echo "(the cases so far took $(since "$started") s)"

# Under AddressSanitizer each reload is slower: fewer by default.
if [ "${BCC_HELLO_SANITIZED:-0}" = 1 ]; then N=${BCC_HELLO_RELOADS:-50}; else N=${BCC_HELLO_RELOADS:-200}; fi
case_ "$N reloads by SIGHUP keep the file descriptors and the memory flat"
cat >"$T/tiny.c" <<'EOF'
int hello(void *ctx)
{
	if (PID_FILTER && bpf_get_current_pid_tgid() >> 32 != PID_FILTER)
		return 0;
	bpf_trace_printk("tiny\n");
	return 0;
}
EOF
ERR=$T/tiny.err
F=$T/tiny.c
RELOADED="^bcc-hello: $TIME_RE reloaded $F \(compiled in [0-9]+\.[0-9]+ s\)\$"
start_hello tiny -f "$F" --watch -p "$W"
loop_start=$(now)
if wait_line "$T/tiny.out" "tiny\$" 60; then
	for ((i = 1; i <= N; i++)); do
		kill -HUP "$HELLO_PID"
		wait_count "$ERR" "$RELOADED" "$i" 30 || break
		if [ "$i" = 1 ]; then
			fd1=$(fd_count "$HELLO_PID")
			rss1=$(rss_kb "$HELLO_PID")
		fi
	done
	done_n=$(reloads)
	if [ "$done_n" -ge "$N" ]; then
		fdN=$(fd_count "$HELLO_PID")
		rssN=$(rss_kb "$HELLO_PID")
		att=$(attached_by "$HELLO_PID" | wc -l)
		growth=$((rssN - rss1))
		echo "after reload 1: $fd1 fds, VmRSS $rss1 kB; after reload $N: $fdN fds, VmRSS $rssN kB (+$growth kB); $(since "$loop_start") s"
		expect "the same fd count" "$fd1 then $fdN: $(ls -l "/proc/$HELLO_PID/fd" | tail -n +2 | awk '{ print $NF }' | sort | uniq -c | sort -rn | head -5)" \
			[ "$fd1" = "$fdN" ] &&
			expect "VmRSS growth under 16 MiB (not measured under AddressSanitizer, which keeps freed memory in quarantine: CI measures it on the plain build)" \
				"$growth kB" [ "${BCC_HELLO_SANITIZED:-0}" = 1 -o "$growth" -lt 16384 ] &&
			expect "1 program attached" "$att" [ "$att" = 1 ] && ok
	else
		fail "expected $N reload lines, got $done_n (waited 30 s for reload $i); stderr: $(tail -5 "$ERR")"
	fi
else
	fail "expected 'tiny' lines, got: $(head -3 "$T/tiny.out") $(cat "$ERR")"
fi
kill -INT "$HELLO_PID"
wait_exit "$HELLO_PID" 20

finish
