# t_files.sh: the -f workflow. A learner copies programs/hello.c, edits it,
# and runs it again at once: libbcc compiles it at run time, so no rebuild.
# Then the same program on another tracepoint, with -t.
. "$(dirname "$0")/lib.sh"
require_bpf

# sha256 of the binary, to show that nothing was rebuilt between runs.
binary_sum() { sha256sum "$BCC_HELLO" | cut -d' ' -f1; }

case_ "an edited copy of hello.c prints its new message, without a rebuild"
start_writer
W=$!
sum_before=$(binary_sum)
sed 's/BPF triggered from PID %d\./Hello from PID %d!/' \
	"$BCC_HELLO_SRC/programs/hello.c" >"$T/my_hello.c"
if ! grep -q 'Hello from PID %d!' "$T/my_hello.c"; then
	fail "expected to edit the message 'BPF triggered from PID %d.' of programs/hello.c, it is not there"
else
	start_hello edited -f "$T/my_hello.c" -p "$W" -c 2
	if wait_exit "$HELLO_PID" 60; then
		new=$(grep -c "Hello from PID $W!\$" "$T/edited.out")
		old=$(grep -c 'BPF triggered' "$T/edited.out")
		expect "exit 0" "exit $RC: $(cat "$T/edited.err")" [ "$RC" = 0 ] &&
			expect "2 lines 'Hello from PID $W!' and none of the old message" \
				"$new new, $old old in: $(head -4 "$T/edited.out")" [ "$new/$old" = 2/0 ] &&
			expect "the same binary as before (no rebuild)" "a different one" \
				[ "$(binary_sum)" = "$sum_before" ] && ok
	else
		fail "expected bcc-hello -f -c 2 to stop, it still runs; stderr: $(cat "$T/edited.err")"
	fi
fi

case_ "the embedded program still prints the lesson's message after an -f run"
start_hello embedded -p "$W" -c 1
wait_exit "$HELLO_PID" 60
expect "'BPF triggered from PID $W.'" "exit $RC: $(head -3 "$T/embedded.out") $(cat "$T/embedded.err")" \
	grep -q "BPF triggered from PID $W\.\$" "$T/embedded.out" && ok

case_ "a file given by a relative path works, and names itself in -v"
cp "$T/my_hello.c" "$T/rel.c"
(cd "$T" && exec "$BCC_HELLO" -v -f rel.c -p "$W" -c 1 >"$T/rel.out" 2>"$T/rel.err")
rc=$?
expect "exit 0 and a 'Hello from PID $W!' line" "exit $rc: $(head -3 "$T/rel.out") $(tail -3 "$T/rel.err")" \
	sh -c "[ $rc = 0 ] && grep -q 'Hello from PID $W!\$' '$T/rel.out'" &&
	expect "the -v narration naming rel.c" "$(grep -m2 compile "$T/rel.err")" \
		grep -q 'compile.*rel\.c' "$T/rel.err" && ok

case_ "a file with two entry points is refused, naming both"
cat >"$T/two.c" <<'EOF'
/* Two non-static functions: which one should be attached? */
int first_entry(void *ctx)
{
	bpf_trace_printk("first\n");
	return 0;
}

int second_entry(void *ctx)
{
	bpf_trace_printk("second\n");
	return 0;
}
EOF
"$BCC_HELLO" -f "$T/two.c" -c 1 </dev/null >"$T/two.out" 2>"$T/two.err"
rc=$?
msg=$(grep '^bcc-hello: ' "$T/two.err" | grep -v '^bcc-hello: warning:')
expect "exit 1" "exit $rc: $msg" [ "$rc" = 1 ] &&
	expect "one error line naming first_entry and second_entry" "'$msg'" \
		sh -c "[ \$(printf '%s\n' \"\$1\" | wc -l) = 1 ] && printf '%s\n' \"\$1\" | grep -q first_entry && printf '%s\n' \"\$1\" | grep -q second_entry" _ "$msg" &&
	expect "nothing on stdout" "$(head -3 "$T/two.out")" [ ! -s "$T/two.out" ] && ok

case_ "a static inline helper beside one entry point is fine"
cat >"$T/helper.c" <<'EOF'
/* One entry point; the helper is static inline, so it is not one. */
static inline u32 current_pid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

int hello(void *ctx)
{
	u32 pid = current_pid();

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	bpf_trace_printk("helped %d\n", pid);
	return 0;
}
EOF
start_hello helper -f "$T/helper.c" -p "$W" -c 1
wait_exit "$HELLO_PID" 60
expect "exit 0 and 'helped $W'" "exit $RC: $(head -3 "$T/helper.out") $(tail -2 "$T/helper.err")" \
	sh -c "[ '$RC' = 0 ] && grep -q 'helped $W\$' '$T/helper.out'" && ok

case_ "a program without PID_FILTER gets a warning that -p filters nothing"
printf 'int hello(void *ctx)\n{\n\tbpf_trace_printk("anyone\\n");\n\treturn 0;\n}\n' >"$T/nofilter.c"
start_hello nofilter -f "$T/nofilter.c" -p "$W" -c 1
wait_exit "$HELLO_PID" 60
expect "exit 0 and a warning naming PID_FILTER" "exit $RC: $(cat "$T/nofilter.err")" \
	sh -c "[ '$RC' = 0 ] && grep -q '^bcc-hello: warning: .*PID_FILTER' '$T/nofilter.err'" && ok

case_ "-t syscalls:sys_enter_openat shows the files a cat opens, from cat's PID"
# cat is a child of the loop's shell: its own PID calls openat, so the
# run is without -p and looks for cat's lines.
sh -c 'while :; do cat /etc/hostname >/dev/null; sleep 0.05; done' &
BG_PIDS+=($!)
start_hello openat -t syscalls:sys_enter_openat -d 2
wait_exit "$HELLO_PID" 60
# A cat line: TIME cat PID CPU BPF triggered from PID <the same PID>.
cats=$(awk '$2 == "cat" && $(NF - 1) == "PID" && $NF == ($3 ".") { n++ } END { print n + 0 }' "$T/openat.out")
expect "exit 0" "exit $RC: $(cat "$T/openat.err")" [ "$RC" = 0 ] &&
	expect "lines of COMM cat whose message names cat's PID" \
		"$cats in: $(grep -m3 ' cat ' "$T/openat.out"; head -3 "$T/openat.out")" [ "$cats" -gt 0 ] && ok

case_ "-t syscalls:sys_enter_openat with -p: the writer's '>/dev/null' is an openat"
# The writer's shell opens /dev/null for each redirection, itself.
start_hello openat_w -t syscalls:sys_enter_openat -p "$W" -c 2
wait_exit "$HELLO_PID" 60
n=$(grep -c "^[0-9.]* *sh *$W .*PID $W\\.\$" "$T/openat_w.out")
others=$(grep -Ev "PID $W\\.\$|^TIME" "$T/openat_w.out" | head -3)
expect "exit 0, 2 lines of sh $W and no others" "exit $RC, $n lines; others: '$others'; $(tail -1 "$T/openat_w.err")" \
	sh -c "[ '$RC' = 0 ] && [ '$n' = 2 ] && [ -z \"\$1\" ]" _ "$others" && ok

finish
