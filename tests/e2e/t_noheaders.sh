# t_noheaders.sh: a machine without any kernel-headers package.
#
# In a private mount namespace, tmpfs hides /usr/src and /lib/modules, so
# that no linux-headers package is there (the machine's own folders are
# never touched). There, the Hello World runs, every program in programs/
# compiles and loads, a program that reads kernel structs compiles with
# the kernel's own types from its BTF, and then every other end-to-end
# test file runs again, whole.
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

# A program that reads a kernel struct needs the kernel's own types: with
# no headers installed, they come from its BTF (t_btf tests what happens
# when there is no BTF either).
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

case_ "a program reading kernel structs compiles there, with the kernel's own types from BTF"
hidden "$BCC_HELLO" -f "$T/task.c" --dry-run -v >"$T/task.out" 2>"$T/task.err"
RC=$?
expect "exit 0" "exit $RC: $(grep '^bcc-hello: ' "$T/task.err" | tail -3)" [ "$RC" = 0 ] &&
	expect "-v naming struct task_struct as from the kernel's BTF" "$(grep BTF "$T/task.err")" \
		grep -Fxq "bcc-hello: [1/5] from the kernel's BTF: struct task_struct" "$T/task.err" &&
	expect "no warning" "$(grep warning "$T/task.err")" \
		[ "$(grep -c warning "$T/task.err")" = 0 ] && ok

# The rest of the suite, once more, where no header package is visible.
for t in "$SRC"/tests/e2e/t_*.sh; do
	name=$(basename "$t" .sh)
	# t_coverage compiles against the tree bcc-hello makes whatever is
	# installed; t_soak, t_faults, t_side and t_badinput test signals,
	# throughput and input checks with the embedded program, which this
	# file's first cases already run here: none needs a second run.
	# t_btf hides the headers itself.
	case $name in
	t_noheaders | t_btf | t_coverage | t_soak | t_faults | t_side | t_shared | t_badinput) continue ;;
	esac
	case_ "$name passes where no header package is visible"
	BCC_HELLO_RELOADS=20 hidden bash "$t" >"$T/$name.log" 2>&1
	rc=$?
	expect "exit 0" "exit $rc; $(grep -E '^FAIL|passed' "$T/$name.log" | head -5)" \
		[ "$rc" = 0 ] && ok
done

finish
