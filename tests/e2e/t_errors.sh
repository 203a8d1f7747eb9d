# t_errors.sh: every mistake a user can make, and what bcc-hello says.
#
# Each error is one line on stderr, "bcc-hello: ...", said once, after
# whatever the compiler or the verifier printed; nothing on stdout; exit 2
# for a usage error, 1 for any other; never a crash; and nothing left
# behind: no ftrace instance, no program in the kernel, no tracefs mount.
. "$(dirname "$0")/lib.sh"
require_bpf

# Others may run BPF tools on this machine meanwhile, so "nothing left"
# is checked for the run's own PID and against what existed before it.

not_virtual() { ! grep -q /virtual/main.c "$1"; }

# run NAME ARGS...: bcc-hello with stdout in $T/NAME.out, stderr in
# $T/NAME.err, exit status in $RC ("timeout" after 30 s), PID in $RUN_PID.
run() {
	local name="$1"
	shift
	snapshot
	"${RUNNER[@]}" "$BCC_HELLO" "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err" &
	RUN_PID=$!
	wait_exit "$RUN_PID" 30 || kill -9 "$RUN_PID" 2>/dev/null
}
RUNNER=()

# bcc-hello's own lines on stderr, without the header-version warning
# that this machine's kernel causes before some errors.
said() { grep '^bcc-hello: ' "$T/$1.err" | grep -v '^bcc-hello: warning: ' || true; }

# check_error NAME CODE REGEX: the error of run NAME is exit CODE, no
# output, one "bcc-hello: " line matching REGEX (last on stderr), no line
# twice, nothing left behind. Ends the case with ok or fail.
check_error() {
	local name="$1" code="$2" re="$3" err lines last dup left
	err=$(cat "$T/$name.err")
	if [ "$RC" = timeout ]; then
		fail "expected exit $code, got no exit within 30 s (killed); stderr: $err"
		return
	fi
	if [ "$RC" -ge 128 ]; then
		fail "expected exit $code, got signal $((RC - 128)) (exit $RC); stderr: $err"
		return
	fi
	lines=$(said "$name")
	last=$(tail -n 1 "$T/$name.err")
	# said twice: a message of ours, or a diagnostic of clang's (its
	# excerpts of the source and carets may repeat, one per diagnostic)
	dup=$(grep -E '^bcc-hello: |(error|warning|note): ' "$T/$name.err" | sort | uniq -d | head -3)
	left=$(left_behind "$RUN_PID")
	expect "exit $code" "exit $RC; stderr: $err" [ "$RC" = "$code" ] &&
		expect "nothing on stdout" "'$(head -3 "$T/$name.out")'" [ ! -s "$T/$name.out" ] &&
		expect "one 'bcc-hello: ' error line" "$(printf '%s\n' "$lines" | grep -c .) in: $err" \
			[ "$(printf '%s\n' "$lines" | grep -c .)" = 1 ] &&
		expect "the error line last on stderr" "last line '$last'" [ "$last" = "$lines" ] &&
		expect "a line matching /$re/" "'$lines'" grep -Eq -- "$re" <<<"$lines" &&
		expect "no line said twice" "'$dup'" [ -z "$dup" ] &&
		expect "nothing left behind" "$left" [ -z "$left" ] && ok
}

# A usage error is also the only line on stderr: nothing ran before it.
check_usage() {
	local name="$1" n
	n=$(wc -l <"$T/$name.err")
	if [ "$n" != 1 ]; then
		fail "expected stderr to be one line, got $n: $(cat "$T/$name.err")"
	else
		check_error "$@"
	fi
}

# --- usage errors: exit 2 ---------------------------------------------

case_ "an unknown option is a usage error that names it"
run unknown --frobnicate
check_usage unknown 2 "^bcc-hello: .*--frobnicate"

for v in 0 -1 abc 99999999999 ""; do
	case_ "-p '$v' is refused: a PID is 1 to the kernel's limit"
	run "pid$v" -p "$v"
	check_usage "pid$v" 2 "^bcc-hello: -p '$v'"
done

for v in 0 x; do
	case_ "-c '$v' is refused: a count is at least 1"
	run "count$v" -c "$v"
	check_usage "count$v" 2 "^bcc-hello: -c '$v'"
done

for v in 0 -1 abc; do
	case_ "-d '$v' is refused: a duration is more than 0 seconds"
	run "dur$v" -d "$v"
	check_usage "dur$v" 2 "^bcc-hello: -d '$v'"
done

i=0
for v in syscalls 'a/b:c' '../x:y' 'sys calls:x'; do
	i=$((i + 1))
	case_ "-t '$v' is refused: CATEGORY:EVENT of letters, digits and '_'"
	run "tp$i" -t "$v"
	check_usage "tp$i" 2 "^bcc-hello: -t '$(sed 's/\./\\./g' <<<"$v")'"
done

case_ "-p without a value says it needs one"
run novalue -p
check_usage novalue 2 "^bcc-hello: -p .*value"

case_ "a stray argument is a usage error that names it"
run stray -p 1 hello.c
check_usage stray 2 "^bcc-hello: .*'hello\.c'"

case_ "-p of a process that does not exist says so, and that it must run first"
# A PID no process has now: past the last one the kernel gave.
GONE=$(($(cat /proc/sys/kernel/pid_max) - 1))
while kill -0 "$GONE" 2>/dev/null; do GONE=$((GONE - 1)); done
run nopid -p "$GONE" -c 1
check_usage nopid 2 "^bcc-hello: -p $GONE: no such process.*start it first"

case_ "-p of a thread that does not lead its process names the process's PID"
# The filter compares the process's PID (tgid): a thread's would never match.
python3 -c 'import threading, time
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
time.sleep(60)' &
TP=$!
BG_PIDS+=($TP)
TID=
for ((i = 0; i < 100; i++)); do
	TID=$(ls "/proc/$TP/task" 2>/dev/null | grep -vx "$TP" | head -1)
	[ -n "$TID" ] && break
	sleep 0.05
done
run thread -p "$TID" -c 1
check_usage thread 2 "^bcc-hello: -p $TID: a thread of process $TP; .*give -p $TP\$"
kill "$TP" 2>/dev/null

# --- errors of the run: exit 1 ----------------------------------------

case_ "an unknown tracepoint is named in the error"
run notp -t nosuch:event
check_error notp 1 "^bcc-hello: .*nosuch:event"

case_ "--dry-run checks that each tracepoint exists, as the attach would"
cat >"$T/typo_tp.c" <<'EOF'
TRACEPOINT_PROBE(syscalls, sys_enter_wirte)
{
	bpf_trace_printk("write\n");
	return 0;
}
EOF
run typo_tp -f "$T/typo_tp.c" --dry-run
check_error typo_tp 1 "^bcc-hello: tracepoint syscalls:sys_enter_wirte .*does not exist.*bcc-hello -l syscalls:"

case_ "a misspelt helper is an error that names it and the helper meant"
sed 's/bpf_get_current_pid_tgid()/bpf_get_current_pid()/' "$BCC_HELLO_SRC/programs/hello.c" >"$T/typo_helper.c"
run typo_helper -f "$T/typo_helper.c" -c 1
if expect "clang's error names the function" "$(grep -m2 'bpf_get_current_pid\b' "$T/typo_helper.err")" \
	grep -q "implicit declaration of function 'bpf_get_current_pid'" "$T/typo_helper.err" &&
	expect "and the helper meant" "$(grep -m2 'did you mean' "$T/typo_helper.err")" \
		grep -q "did you mean 'bpf_get_current_pid_tgid'" "$T/typo_helper.err" &&
	expect "no verifier refusal" "$(grep -m1 -i verifier "$T/typo_helper.err")" \
		sh -c "! grep -qi 'verifier refused' '$T/typo_helper.err'"; then
	check_error typo_helper 1 "^bcc-hello: .*typo_helper\.c.*compil"
fi

case_ "-f with a missing file says so"
run nofile -f "$T/missing.c"
check_error nofile 1 "^bcc-hello: .*$T/missing\.c.*no such file"

case_ "-f with a folder says it is not a file"
mkdir "$T/folder.c"
run folder -f "$T/folder.c"
check_error folder 1 "^bcc-hello: .*$T/folder\.c.*folder"

case_ "-f with an empty file says it is empty"
: >"$T/empty.c"
run empty -f "$T/empty.c"
check_error empty 1 "^bcc-hello: .*$T/empty\.c.*empty"

case_ "-f with a binary file (NUL bytes) says it is not C source"
printf 'int hello(void *ctx)\n\0\0\1\2{ return 0; }\n' >"$T/binary.c"
run binary -f "$T/binary.c"
check_error binary 1 "^bcc-hello: .*$T/binary\.c.*not a C source"

case_ "-f with a FIFO fails at once instead of waiting for a writer"
mkfifo "$T/fifo.c"
start=$(date +%s)
run fifo -f "$T/fifo.c"
secs=$(($(date +%s) - start))
if [ "$secs" -lt 20 ]; then
	check_error fifo 1 "^bcc-hello: .*$T/fifo\.c.*regular file"
else
	fail "expected an error within 20 s, got none in $secs s (exit $RC)"
fi

case_ "-f with a file over 1 MiB is refused with its size"
yes '/* padding: a BPF program is never this long */' | head -c 1200000 >"$T/big.c"
run big -f "$T/big.c"
check_error big 1 "^bcc-hello: .*$T/big\.c.*1200000 bytes"

case_ "a compile error names the user's file and line, not libbcc's virtual file"
sed 's/^\(\s*u32 pid = bpf_get_current_pid_tgid() >> 32\);$/\1 +;/' \
	"$BCC_HELLO_SRC/programs/hello.c" >"$T/broken.c"
N=$(grep -n '>> 32 +;$' "$T/broken.c" | cut -d: -f1)
if [ -z "$N" ]; then
	fail "expected to break the line 'u32 pid = ...' of programs/hello.c, it is not there"
else
	run broken -f "$T/broken.c"
	if expect "'$T/broken.c:$N:' in the compiler's messages" "$(head -5 "$T/broken.err")" \
		grep -q "^$T/broken\.c:$N:" "$T/broken.err" &&
		expect "no '/virtual/main.c'" "$(grep -m1 /virtual/main.c "$T/broken.err")" \
			not_virtual "$T/broken.err"; then
		check_error broken 1 "^bcc-hello: .*$T/broken\.c.*compil"
	fi
fi

case_ "a program the verifier refuses shows its log and says the verifier refused it"
cat >"$T/unsafe.c" <<'EOF'
/* Reads a kernel address directly, without bpf_probe_read. */
int hello(void *ctx)
{
	char *p = (char *)0x1234;

	return *p;
}
EOF
run unsafe -f "$T/unsafe.c"
if expect "the verifier's log (its 'processed N insns' line)" "$(head -5 "$T/unsafe.err")" \
	grep -q '^processed [0-9]* insns' "$T/unsafe.err" &&
	expect "the reason 'invalid mem access' in the log" "$(tail -4 "$T/unsafe.err")" \
		grep -q 'invalid mem access' "$T/unsafe.err"; then
	check_error unsafe 1 "^bcc-hello: .*verifier.*refused|^bcc-hello: .*refused.*verifier"
fi

case_ "the verifier's log points at the refused line of the user's file"
# 'return *p;' is line 6 of unsafe.c: the log names it in its '; ... @ FILE:LINE'.
where=$(grep -o "@ $T/unsafe\.c:[0-9]*\|@ unsafe\.c:[0-9]*" "$T/unsafe.err" | tail -1)
expect "'@ unsafe.c:6' on the last source line of the log" "'$where' in: $(grep '@' "$T/unsafe.err" | tr '\n' '|')" \
	grep -q 'unsafe\.c:6$' <<<"$where" && ok

case_ "a user without CAP_BPF or root is told what is missing"
mkdir "$T/bin"
cp "$BCC_HELLO" "$T/bin/bcc-hello"
chmod 755 "$T" "$T/bin" "$T/bin/bcc-hello"
RUNNER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
BCC_HELLO_ROOT=$BCC_HELLO BCC_HELLO=$T/bin/bcc-hello
run user -c 1
BCC_HELLO=$BCC_HELLO_ROOT
RUNNER=()
check_error user 1 "^bcc-hello: .*(CAP_BPF|root)"

case_ "-K with a missing folder names it"
run knone -K "$T/no-headers"
check_error knone 1 "^bcc-hello: .*$T/no-headers"

case_ "-K with a folder that is not a kernel header tree says so"
mkdir -p "$T/not-headers/include"
run kbad -K "$T/not-headers"
check_error kbad 1 "^bcc-hello: .*$T/not-headers.*header"

# --- not errors: help and version ---------------------------------------

case_ "--help exits 0 and teaches with EXAMPLES"
run help --help
expect "exit 0" "exit $RC" [ "$RC" = 0 ] &&
	expect "a Usage line and an EXAMPLES section with commands on stdout" "$(head -3 "$T/help.out")" \
		sh -c "grep -q '^Usage: bcc-hello' '$T/help.out' && grep -A1 '^EXAMPLES:' '$T/help.out' | grep -q 'bcc-hello '" &&
	expect "nothing on stderr" "$(cat "$T/help.err")" [ ! -s "$T/help.err" ] && ok

case_ "-V prints the version"
run version -V
expect "exit 0 and 'bcc-hello <version>'" "exit $RC: '$(cat "$T/version.out")'" \
	sh -c "[ $RC = 0 ] && grep -Eq '^bcc-hello [0-9]+\.[0-9]+' '$T/version.out'" && ok

finish
