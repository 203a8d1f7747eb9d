# t_noheaders.sh: a machine without any kernel-headers package.
#
# In a private mount namespace, tmpfs hides /usr/src and /lib/modules, so
# that no linux-headers package is there (the machine's own folders are
# never touched). There, the Hello World runs, every program in programs/
# compiles and loads, a program that reads kernel structs is refused with
# a clear message (and, with the folders visible, compiles against the
# installed headers with a warning), and then every other end-to-end test
# file runs again, whole.
. "$(dirname "$0")/lib.sh"
require_bpf

SRC="${BCC_HELLO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"

# hidden CMD ARGS...: run it where /usr/src and /lib/modules are empty.
hidden() {
	unshare -m sh -c 'for d in /usr/src /lib/modules; do
			[ -d "$d" ] && mount -t tmpfs -o size=1m bcc-hello-test "$d"
		done
		exec "$@"' hidden "$@"
}

case_ "the namespace hides every header package"
n=$(hidden find /usr/src /lib/modules -mindepth 1 | wc -l)
expect "no entries in /usr/src and /lib/modules" "$n" [ "$n" = 0 ] && ok

# Where bcc-hello makes its tree: $TMPDIR, else /dev/shm if it is a tmpfs
# (links there take milliseconds, not a third of a second), else /tmp.
if [ -n "${TMPDIR:-}" ]; then TREE_DIR=$TMPDIR
elif [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then TREE_DIR=/dev/shm
else TREE_DIR=/tmp; fi
tree_made_and_removed() {
	local tree
	tree=$(grep -o "made into [^ ]*" "$1" | cut -d' ' -f3)
	[ "${tree%/bcc-hello-headers-*}" = "$TREE_DIR" ] && [ ! -e "$tree" ]
}

case_ "Hello World runs there, on the synthesized tree, and reports a known writer"
start_writer
W=$!
hidden "$BCC_HELLO" -v -p "$W" -c 2 >"$T/hello.out" 2>"$T/hello.err" &
H=$!
wait_exit "$H" 60 || kill -9 "$H" 2>/dev/null
n=$(grep -c "BPF triggered from PID $W\.$" "$T/hello.out" || true)
expect "exit 0 and 2 events of $W" "exit $RC, $n events; $(cat "$T/hello.err")" \
	[ "$RC" = 0 ] && expect "2 events" "$n" [ "$n" = 2 ] &&
	expect "-v naming the tree made from the user-space API headers" "$(grep 'kernel headers' "$T/hello.err")" \
		grep -q 'kernel headers: .*made into' "$T/hello.err" &&
	expect "the tree made in $TREE_DIR, and removed at exit" "$(grep 'kernel headers' "$T/hello.err")" \
		tree_made_and_removed "$T/hello.err" &&
	expect "no warning about mismatched headers" "$(grep warning "$T/hello.err")" \
		[ "$(grep -c warning "$T/hello.err")" = 0 ] && ok
kill "$W" 2>/dev/null

case_ "every program in programs/ compiles and loads there"
bad=""
for p in "$SRC"/programs/*.c; do
	if ! hidden "$BCC_HELLO" -f "$p" --dry-run >"$T/p.out" 2>"$T/p.err" ||
		grep -q warning "$T/p.err"; then
		bad="$bad $(basename "$p"): $(head -3 "$T/p.err")"
	fi
done
expect "all to compile and load without a warning" "${bad}" [ -z "$bad" ] && ok

# A program that reads a kernel struct needs the kernel's own headers.
cat >"$T/task.c" <<'EOF'
#include <linux/sched.h>

TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	int pid = 0;

	bpf_probe_read_kernel(&pid, sizeof(pid), &t->pid);
	return pid == 0;
}
EOF

case_ "a program reading kernel structs is refused there, saying what to install"
hidden "$BCC_HELLO" -f "$T/task.c" --dry-run >"$T/task.out" 2>"$T/task.err"
RC=$?
msg=$(grep '^bcc-hello: ' "$T/task.err" | tail -1)
expect "exit 1 and one line naming struct task_struct, linux-headers-amd64 and -K" \
	"exit $RC: $msg" [ "$RC" = 1 ] &&
	expect "the message" "$msg" grep -q 'struct task_struct.*linux-headers-amd64.*-K' <<<"$msg" && ok

case_ "with the installed headers visible, it compiles against them, with a warning"
if ls -d /usr/src/linux-headers-*-common >/dev/null 2>&1; then
	"$BCC_HELLO" -f "$T/task.c" --dry-run >"$T/task2.out" 2>"$T/task2.err"
	RC=$?
	expect "exit 0 and a warning naming struct task_struct" "exit $RC: $(cat "$T/task2.err")" \
		[ "$RC" = 0 ] && expect "the warning" "$(cat "$T/task2.err")" \
		grep -q 'warning: .*needs kernel-internal headers (struct task_struct)' "$T/task2.err" && ok
else
	echo "# (no linux-headers package installed: nothing to fall back on)"
	ok
fi

# The rest of the suite, once more, where no header package is visible.
for t in "$SRC"/tests/e2e/t_*.sh; do
	name=$(basename "$t" .sh)
	# t_coverage compiles against the tree bcc-hello makes whatever is
	# installed; t_soak, t_faults, t_side and t_badinput test signals,
	# throughput and input checks with the embedded program, which this
	# file's first cases already run here: none needs a second run.
	case $name in
	t_noheaders | t_coverage | t_soak | t_faults | t_side | t_badinput) continue ;;
	esac
	case_ "$name passes where no header package is visible"
	BCC_HELLO_RELOADS=20 hidden bash "$t" >"$T/$name.log" 2>&1
	rc=$?
	expect "exit 0" "exit $rc; $(grep -E '^FAIL|passed' "$T/$name.log" | head -5)" \
		[ "$rc" = 0 ] && ok
done

finish
