# t_compiler.sh: the compiler runs in a child process, and the tracer
# never has it.
#
# The bcc-hello binary links no compiler, and a running tracer has no
# clang or LLVM mapped, whatever its program holds (trace_pipe, a ring
# buffer, a hash map). What ends the compiler's process is said, in one
# line naming the user's file: LLVM's own fatal errors (a stack over 512
# bytes, a memset it cannot emit), a crash; an expression clang needs a
# deep stack for compiles; a stop signal ends a long compile at once; a
# --watch save the compiler dies on keeps the last good version running.
. "$(dirname "$0")/lib.sh"
require_bpf
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"

start_writer
W=$!

# The compiler's libraries, as /proc/PID/maps or ldd name them.
COMPILER_LIBS='libLLVM|libclang|libbcc\.so|bcc-hello-compiler\.so'
compiler_maps() { grep -E "$COMPILER_LIBS" "/proc/$1/maps" 2>/dev/null | awk '{ print $NF }' | sort -u | tr '\n' ' '; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Processes whose parent is PID (the compiler's child, while it runs).
children_of() { pgrep -P "$1" | tr '\n' ' '; }
# The header trees runs left in our $TMPDIR, and our instances.
leftovers() {
	ls "$TMPDIR" | grep '^bcc-hello-headers-' | tr '\n' ' '
	instances | grep -x "bcc-hello-$1" || true
}
said() { grep '^bcc-hello: ' "$T/$1.err" | grep -v '^bcc-hello: warning: ' || true; }

case_ "the bcc-hello binary links no compiler: no libbcc, no LLVM, no bpf_module_* symbol"
libs=$(ldd "$BCC_HELLO" | grep -E "$COMPILER_LIBS" | awk '{ print $1 }' | tr '\n' ' ')
syms=$(nm -D --undefined-only "$BCC_HELLO" | grep -E 'bpf_module_|bcc_func_load|bpf_table_' | tr '\n' ' ')
expect "no compiler library in ldd" "$libs" [ -z "$libs" ] &&
	expect "no bpf_module_*, bcc_func_load or bpf_table_* symbol" "$syms" [ -z "$syms" ] && ok

case_ "-V, -h, -l and a bad option never load the compiler"
loaded=
for args in "-V" "-h" "-l syscalls:sys_enter_write" "--no-such-option"; do
	# shellcheck disable=SC2086 # each set of arguments, split
	l=$(LD_DEBUG=files "$BCC_HELLO" $args 2>&1 >/dev/null | grep -E 'file=.*('"$COMPILER_LIBS"')' | head -1)
	[ -n "$l" ] && loaded="$loaded [$args: $l]"
done
expect "no compiler library opened" "$loaded" [ -z "$loaded" ] && ok

# Each program, running: its events arrive, and its maps hold no compiler.
for prog in hello.c hello_ringbuf.c write_counter.c; do
	case_ "a tracer running $prog has no compiler mapped"
	start_hello "run_$prog" -f "$BCC_HELLO_SRC/programs/$prog" -p "$W" -i 1
	if wait_for "$T/run_$prog.out" "$W" 60; then
		maps=$(compiler_maps "$HELLO_PID")
		echo "# $prog: VmRSS $(rss_kib "$HELLO_PID") KiB"
		kill -INT "$HELLO_PID"
		wait_exit "$HELLO_PID" 20
		expect "no compiler library in /proc/$HELLO_PID/maps" "$maps" [ -z "$maps" ] &&
			expect "exit 0" "exit $RC: $(tail -2 "$T/run_$prog.err")" [ "$RC" = 0 ] && ok
	else
		fail "expected events of $W, got: $(tail -3 "$T/run_$prog.err")"
	fi
done

# check_died NAME REGEX: run NAME (killed by what ended its compiler)
# exited 1 with one line matching REGEX, nothing on stdout, nothing left.
check_died() {
	local name="$1" re="$2" lines left
	lines=$(said "$name")
	left=$(leftovers "$RUN_PID")
	expect "exit 1" "exit $RC" [ "$RC" = 1 ] &&
		expect "one line matching '$re'" "$lines" \
			sh -c '[ "$(printf "%s\n" "$1" | wc -l)" = 1 ] && printf "%s\n" "$1" | grep -Eq -- "$2"' _ "$lines" "$re" &&
		expect "nothing on stdout" "$(head -2 "$T/$name.out")" [ ! -s "$T/$name.out" ] &&
		expect "nothing left" "$left" [ -z "$left" ] && ok
}
run_file() {
	local name="$1"
	shift
	start_hello "$name" "$@"
	RUN_PID=$HELLO_PID
	wait_exit "$RUN_PID" 60 || kill -9 "$RUN_PID"
}

case_ "a stack over 512 bytes: LLVM's reason, on the user's file, with what to do"
cat >"$T/stack.c" <<'EOF'
TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	char buf[1024];

	bpf_probe_read_user(buf, sizeof(buf), args->buf);
	bpf_trace_printk("%d\n", buf[args->count & 1023]);
	return 0;
}
EOF
run_file stack -f "$T/stack.c" -p "$W"
check_died stack '^bcc-hello: .*stack\.c: in tracepoint__syscalls__sys_enter_write\(\): Looks like the BPF stack limit of 512 bytes is exceeded.*; keep the program.s stack under 512 bytes'

case_ "a memset LLVM cannot emit: its reason, at the user's line"
cat >"$T/memset.c" <<'EOF'
TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	char buf[256];

	__builtin_memset(buf, 0, args->count & 255);
	bpf_probe_read_user(buf, 8, args->buf);
	bpf_trace_printk("%d\n", buf[3]);
	return 0;
}
EOF
run_file memset -f "$T/memset.c" -p "$W"
check_died memset "^bcc-hello: (.*/)?memset\.c:5:[0-9]+: in tracepoint__syscalls__sys_enter_write\(\): A call to built-in function 'memset' is not supported; "

# doubling NAME LEVELS: a program whose expression doubles LEVELS times
# (2^LEVELS terms of v, nested as deep): v * 2^LEVELS.
doubling() {
	{
		echo '#define D0(x) (x)'
		for ((i = 1; i <= $2; i++)); do echo "#define D$i(x) D$((i - 1))(x) + D$((i - 1))(x)"; done
		echo 'TRACEPOINT_PROBE(syscalls, sys_enter_write)'
		echo '{'
		echo '	u64 v = args->count;'
		echo '	if ((bpf_get_current_pid_tgid() >> 32) != PID_FILTER)'
		echo '		return 0;'
		echo "	bpf_trace_printk(\"doubled %llu\\n\", D$2(v));"
		echo '	return 0;'
		echo '}'
	} >"$T/$1.c"
}

case_ "an expression 65536 terms deep compiles (clang's stack is large enough), and computes"
doubling deep 16
start_hello deep -f "$T/deep.c" -p "$W"
# the writer writes "hello\n": 6 bytes, doubled 16 times
if wait_for "$T/deep.out" "doubled $((6 * 65536))\$" 120; then
	kill -INT "$HELLO_PID"
	wait_exit "$HELLO_PID" 20
	expect "exit 0" "exit $RC" [ "$RC" = 0 ] && ok
else
	fail "expected 'doubled $((6 * 65536))' from $W, got: $(tail -3 "$T/deep.out") $(tail -3 "$T/deep.err")"
fi

# A compile that takes many seconds: 2^20 terms.
doubling long 20
for sig in INT TERM; do
	case_ "SIG$sig during a long compile: the compiler's child is ended at once, exit 0, nothing left"
	start_hello "long_$sig" -v -f "$T/long.c" -p "$W"
	wait_for "$T/long_$sig.err" '\[1/5\] compile:' 60
	sleep 0.5
	kids=$(children_of "$HELLO_PID")
	t0=$EPOCHREALTIME
	kill -"$sig" "$HELLO_PID"
	wait_exit "$HELLO_PID" 60
	took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	echo "# SIG$sig: exit $RC after $took s; the compiler's process was $kids"
	alive=
	for k in $kids; do kill -0 "$k" 2>/dev/null && alive="$alive $k"; done
	# the compile alone takes far longer than 5 s
	expect "a compiler child while compiling" "none" [ -n "$kids" ] &&
		expect "exit 0 within 5 s" "exit $RC after $took s" sh -c "[ '$RC' = 0 ] && awk 'BEGIN { exit !($took < 5) }'" &&
		expect "no '[1/5] compiled'" "$(grep '\[1/5\] compiled' "$T/long_$sig.err")" sh -c "! grep -q '\[1/5\] compiled' '$T/long_$sig.err'" &&
		expect "the compiler's process gone" "alive:$alive" [ -z "$alive" ] &&
		expect "nothing left" "$(leftovers "$HELLO_PID")" [ -z "$(leftovers "$HELLO_PID")" ] && ok
done

case_ "a compiler killed: the signal is said, on the user's file; exit 1, nothing left"
start_hello crash -f "$T/long.c" -p "$W"
RUN_PID=$HELLO_PID
# its one child, once it compiles (no -v here: one line is checked)
for ((i = 0; i < 600; i++)); do
	kids=$(children_of "$RUN_PID")
	[ -n "$kids" ] && break
	sleep 0.1
done
sleep 0.5
# shellcheck disable=SC2086 # the child's PID(s)
[ -n "$kids" ] && kill -KILL $kids
wait_exit "$RUN_PID" 60
check_died crash "^bcc-hello: (.*/)?long\.c: the compiler crashed \(Killed\)"

case_ "--watch: a save the compiler dies on keeps the last good version running"
cp "$BCC_HELLO_SRC/programs/hello.c" "$T/w.c"
start_hello watch --watch -f "$T/w.c" -p "$W"
if wait_for "$T/watch.out" "PID $W\.\$" 60; then
	cp "$T/stack.c" "$T/w.c.new" && mv "$T/w.c.new" "$T/w.c"
	if wait_for "$T/watch.err" 'reload of .* failed' 60; then
		n=$(grep -c "PID $W\.\$" "$T/watch.out")
		wait_count_ok=0
		for ((i = 0; i < 200; i++)); do
			[ "$(grep -c "PID $W\.\$" "$T/watch.out")" -gt "$n" ] && wait_count_ok=1 && break
			sleep 0.05
		done
		kill -INT "$HELLO_PID"
		wait_exit "$HELLO_PID" 20
		expect "LLVM's reason said" "$(said watch)" grep -q 'Looks like the BPF stack limit' "$T/watch.err" &&
			expect "events after the failed reload" "none after $n" [ "$wait_count_ok" = 1 ] &&
			expect "exit 0" "exit $RC" [ "$RC" = 0 ] && ok
	else
		fail "expected 'reload ... failed', got: $(tail -3 "$T/watch.err")"
	fi
else
	fail "expected events of $W, got: $(tail -3 "$T/watch.err")"
fi

finish
