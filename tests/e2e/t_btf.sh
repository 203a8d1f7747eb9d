# t_btf.sh: kernel types from the running kernel's BTF.
#
# In a private mount namespace, tmpfs hides /usr/src and /lib/modules, so
# that no linux-headers package is there and bcc-hello makes its own tree
# (the machine's own folders are never touched). There, a BCC program that
# reads struct task_struct and TASK_COMM_LEN, and a libbpf-style program
# that includes vmlinux.h, get the kernel's own types from its BTF, and
# report the true parent, name and write size of a writer this file
# starts, checked against /proc. Then, with an empty file bound over
# /sys/kernel/btf/vmlinux in the namespace (the kernel seems to have no
# BTF): with no headers either, both programs are refused, each with one
# line saying what to do; with the installed headers visible, the BCC
# program compiles against them, with a warning. Last, none of these runs
# left its header tree or its tracefs instance.
. "$(dirname "$0")/lib.sh"
require_bpf
bpftool btf dump file /sys/kernel/btf/vmlinux >/dev/null 2>&1 ||
	skip "this kernel has no readable BTF at /sys/kernel/btf/vmlinux"

# hidden CMD ARGS...: run it where /usr/src and /lib/modules are empty.
# (t_noheaders' own; with IN_BG set, as in run below, the subshell that
# calls it becomes unshare, then sh, then CMD, which keeps its PID.)
hidden() {
	${IN_BG:+exec} unshare -m sh -c 'for d in /usr/src /lib/modules; do
			[ -d "$d" ] && mount -t tmpfs -o size=1m bcc-hello-test "$d"
		done
		exec "$@"' hidden "$@"
}

# nobtf "DIRS" CMD ARGS...: run it where each of DIRS is empty and
# /sys/kernel/btf/vmlinux is an empty file (bound over it), so that the
# kernel's BTF cannot be read. Not run at all if the bind mount fails.
: >"$T/empty"
nobtf() {
	local dirs="$1"
	shift
	${IN_BG:+exec} unshare -m sh -c 'dirs=$1 empty=$2
		shift 2
		for d in $dirs; do
			[ -d "$d" ] && mount -t tmpfs -o size=1m bcc-hello-test "$d"
		done
		mount --bind "$empty" /sys/kernel/btf/vmlinux || exit 125
		exec "$@"' nobtf "$dirs" "$T/empty" "$@"
}
# hidden_nobtf CMD ARGS...: as hidden, and the kernel's BTF unreadable.
hidden_nobtf() { nobtf "/usr/src /lib/modules" "$@"; }

# btf_reads [WRAPPER]: true if bpftool reads the kernel's BTF (there).
btf_reads() { "$@" bpftool btf dump file /sys/kernel/btf/vmlinux >/dev/null 2>&1; }

# run NAME CMD ARGS...: CMD with stdout in $T/NAME.out, stderr in
# $T/NAME.err, exit status in $RC ("timeout" after 60 s, then killed).
# The wrappers exec (IN_BG), so the PID is bcc-hello's own: kept in
# RUN_PIDS, for the last case.
RUN_PIDS=()
run() {
	local name="$1"
	shift
	(IN_BG=1 && "$@") </dev/null >"$T/$name.out" 2>"$T/$name.err" &
	HELLO_PID=$!
	BG_PIDS+=($HELLO_PID)
	RUN_PIDS+=($HELLO_PID)
	wait_exit "$HELLO_PID" 60 || kill -9 "$HELLO_PID" 2>/dev/null
}
# Event lines (not the header) of run NAME.
events() { grep -v '^TIME' "$T/$1.out" || true; }
# bcc-hello's own lines on stderr of run NAME.
said() { grep '^bcc-hello: ' "$T/$1.err" || true; }
# from_btf NAME TYPE: -v of run NAME says TYPE came from the kernel's BTF.
from_btf() { grep -Fxq "bcc-hello: [1/5] from the kernel's BTF: $2" "$T/$1.err"; }
no_warning() { ! grep -q warning "$T/$1.err"; }

case_ "the namespaces hide the header packages, and the BTF only where asked"
n=$(hidden find /usr/src /lib/modules -mindepth 1 | wc -l)
n2=$(hidden_nobtf find /usr/src /lib/modules -mindepth 1 | wc -l)
n3=$(nobtf /lib/modules find /lib/modules -mindepth 1 | wc -l)
src_there=$(nobtf /lib/modules ls /usr/src | wc -l)
src_here=$(ls /usr/src | wc -l)
btf_hidden_nobtf=yes; btf_reads hidden_nobtf && btf_hidden_nobtf=no
btf_nobtf=yes; btf_reads nobtf /lib/modules && btf_nobtf=no
btf_hidden=no; btf_reads hidden && btf_hidden=yes
btf_here=no; btf_reads && btf_here=yes
expect "no entries in /usr/src and /lib/modules (hidden, hidden_nobtf)" "$n, $n2" [ "$n/$n2" = 0/0 ] &&
	expect "/lib/modules empty and /usr/src as here ($src_here entries) with only /lib/modules hidden" \
		"$n3 entries in /lib/modules, $src_there in /usr/src" [ "$n3/$src_there" = "0/$src_here" ] &&
	expect "bpftool failing to read /sys/kernel/btf/vmlinux in both namespaces without BTF" \
		"failed: $btf_hidden_nobtf, $btf_nobtf" [ "$btf_hidden_nobtf/$btf_nobtf" = yes/yes ] &&
	expect "the BTF readable in hidden and, after all that, here" \
		"hidden: $btf_hidden, here: $btf_here" [ "$btf_hidden/$btf_here" = yes/yes ] && ok

# A tag in each program's message, so that lines of other BPF programs
# running on this machine meanwhile are never taken for ours.
TAG="btf$$"

# BCC style: kernel structs read through their headers, whose types
# bcc-hello's own tree lacks. PID_FILTER comes from -p.
cat >"$T/task.c" <<EOF
#include <linux/sched.h>

#ifndef PID_FILTER
#define PID_FILTER 0
#endif

TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	char comm[TASK_COMM_LEN] = {};
	int ppid;

	if (bpf_get_current_pid_tgid() >> 32 != PID_FILTER)
		return 0;
	ppid = t->real_parent->tgid;
	bpf_probe_read_kernel(comm, sizeof(comm), t->comm);
	bpf_trace_printk("$TAG ppid=%d comm=%s count=%d\n", ppid, comm, (int)args->count);
	return 0;
}
EOF

# libbpf style: every kernel type from vmlinux.h.
cat >"$T/vml.c" <<EOF
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile int pid_filter = 0;

SEC("tp/syscalls/sys_enter_write")
int handle(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct *parent = 0;
	int ppid = 0;

	if (pid_filter && (bpf_get_current_pid_tgid() >> 32) != pid_filter)
		return 0;
	bpf_probe_read_kernel(&parent, sizeof(parent), &t->real_parent);
	bpf_probe_read_kernel(&ppid, sizeof(ppid), &parent->tgid);
	bpf_printk("$TAG ppid=%d count=%d\n", ppid, (int)ctx->args[2]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
EOF
sed 's/^#include "vmlinux.h"$/#include <vmlinux.h>/' "$T/vml.c" >"$T/vml_angle.c"

# The writer: a copy of sh under a name of its own, which writes 5 bytes
# ("abcde", one write: printf is a builtin) every 50 ms, forever.
WCOMM="btfw$$"
cp "$(command -v sh)" "$T/$WCOMM"
"$T/$WCOMM" -c 'while :; do printf abcde >/dev/null; sleep 0.05; done' &
W=$!
BG_PIDS+=($W)
BYTES=5
# The truth about the writer, from /proc (read once it has exec'd).
truth() {
	PPID_W=$(awk '$1 == "PPid:" { print $2 }' "/proc/$W/status" 2>/dev/null)
	COMM_W=$(cat "/proc/$W/comm" 2>/dev/null)
}
# lines_end NAME LINE: every event line of run NAME ends in " LINE", and
# there are exactly 3.
lines_end() {
	local n all
	all=$(events "$1" | wc -l)
	n=$(events "$1" | awk -v want=" $2" 'substr($0, length($0) - length(want) + 1) == want' | wc -l)
	[ "$all/$n" = 3/3 ]
}

case_ "a BCC program reading struct task_struct, with no header package, reports the writer's true parent, name and write size"
run task hidden "$BCC_HELLO" -f "$T/task.c" -p "$W" -c 3 -v
truth
want="$TAG ppid=$PPID_W comm=$COMM_W count=$BYTES"
expect "the writer $W alive, named $WCOMM" "'$COMM_W', parent '$PPID_W'" \
	[ "$COMM_W/${PPID_W:+known}" = "$WCOMM/known" ] &&
	expect "exit 0" "exit $RC: $(said task | tail -3)" [ "$RC" = 0 ] &&
	expect "3 event lines, each ending '$want', and no other" "$(events task | head -5)" \
		lines_end task "$want" &&
	expect "-v naming the tree bcc-hello made" "$(grep 'kernel headers' "$T/task.err")" \
		grep -q 'kernel headers: .*made into' "$T/task.err" &&
	expect "-v naming struct task_struct as from the kernel's BTF" "$(grep 'BTF' "$T/task.err")" \
		from_btf task "struct task_struct" &&
	expect "-v naming TASK_COMM_LEN as from the kernel's BTF" "$(grep 'BTF' "$T/task.err")" \
		from_btf task TASK_COMM_LEN &&
	expect "no warning" "$(grep warning "$T/task.err")" no_warning task && ok
TASK_PID=$HELLO_PID

case_ "a libbpf-style program including \"vmlinux.h\", with no header package, reports the same"
run vml hidden "$BCC_HELLO" -f "$T/vml.c" -p "$W" -c 3 -v
truth
want="$TAG ppid=$PPID_W count=$BYTES"
expect "the writer $W alive" "parent '$PPID_W'" [ -n "$PPID_W" ] &&
	expect "exit 0" "exit $RC: $(said vml | tail -3)" [ "$RC" = 0 ] &&
	expect "3 event lines, each ending '$want', and no other" "$(events vml | head -5)" \
		lines_end vml "$want" &&
	expect "-v naming struct task_struct as from the kernel's BTF" "$(grep 'BTF' "$T/vml.err")" \
		from_btf vml "struct task_struct" &&
	expect "no warning" "$(grep warning "$T/vml.err")" no_warning vml && ok

case_ "<vmlinux.h> works as \"vmlinux.h\" does"
run angle hidden "$BCC_HELLO" -f "$T/vml_angle.c" --dry-run
expect "exit 0" "exit $RC: $(said angle | tail -3)" [ "$RC" = 0 ] &&
	expect "no warning" "$(grep warning "$T/angle.err")" no_warning angle && ok

# one_line NAME REGEX: run NAME said exactly one "bcc-hello: " line, and it
# matches REGEX (extended).
one_line() {
	[ "$(said "$1" | wc -l)" = 1 ] && said "$1" | grep -Eq -- "$2"
}

case_ "with neither BTF nor headers, the BCC program is refused, saying what to install"
run task_none hidden_nobtf "$BCC_HELLO" -f "$T/task.c" --dry-run
expect "exit 1 and one line naming struct task_struct, the missing BTF, linux-headers-amd64 and -K" \
	"exit $RC: $(said task_none)" [ "$RC" = 1 ] &&
	expect "that line" "$(said task_none)" \
		one_line task_none 'struct task_struct.*no readable BTF.*linux-headers-amd64.*-K DIR' && ok

case_ "with no BTF but the installed headers visible, the BCC program compiles against them, with a warning"
if ls -d /usr/src/linux-headers-*-common >/dev/null 2>&1; then
	run task_hdr nobtf /lib/modules "$BCC_HELLO" -f "$T/task.c" --dry-run
	expect "exit 0 and a warning naming struct task_struct and the missing BTF" \
		"exit $RC: $(said task_hdr)" [ "$RC" = 0 ] &&
		expect "the warning" "$(said task_hdr)" grep -q \
			'^bcc-hello: warning: .*needs kernel-internal headers (struct task_struct) and the kernel has no readable BTF' \
			"$T/task_hdr.err" && ok
else
	echo "# (no linux-headers package installed: nothing to fall back on)"
	ok
fi

case_ "with no BTF, a program including vmlinux.h is refused, saying why"
run vml_none hidden_nobtf "$BCC_HELLO" -f "$T/vml.c" --dry-run
expect "exit 1 and one line naming vmlinux.h and CONFIG_DEBUG_INFO_BTF" \
	"exit $RC: $(said vml_none)" [ "$RC" = 1 ] &&
	expect "that line" "$(said vml_none)" one_line vml_none 'includes vmlinux.h.*CONFIG_DEBUG_INFO_BTF' && ok
case_ "a kernel type BTF does not have is refused in one line that names it"
cat >"$T/absent.c" <<'EOF'
TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	struct task_strukt *t = (struct task_strukt *)bpf_get_current_task();

	return t->pid == 0;
}
EOF
run absent hidden "$BCC_HELLO" -f "$T/absent.c" --dry-run
expect "exit 1, clang's error, and one line naming struct task_strukt and what to do" \
	"exit $RC: $(said absent)" [ "$RC" = 1 ] &&
	expect "clang's error" "$(head -3 "$T/absent.err")" \
		grep -q "absent.c:5:.*incomplete definition of type 'struct task_strukt'" "$T/absent.err" &&
	expect "that line" "$(said absent)" \
		one_line absent 'struct task_strukt is a type of neither the running kernel.*check its spelling' && ok
kill "$W" 2>/dev/null

# Where bcc-hello makes its tree: $TMPDIR, else /dev/shm or /tmp.
TREE_ROOTS="/dev/shm /tmp${TMPDIR:+ $TMPDIR}"
left() {
	local pid d r
	for pid in "${RUN_PIDS[@]}"; do
		for r in $TREE_ROOTS; do
			for d in "$r/bcc-hello-headers-$pid-"*; do
				[ -e "$d" ] && echo "$d"
			done
		done
		instances | grep -x "bcc-hello-$pid"
	done
	true
}

case_ "none of these runs left its header tree or its tracefs instance"
# The check looks up trees by PID: the tree the first run named is its own.
tree=$(grep -o 'made into [^ ]*' "$T/task.err" | cut -d' ' -f3)
what=$(left)
expect "the first run's tree named after its PID $TASK_PID" "'$tree'" \
	sh -c "case '$tree' in */bcc-hello-headers-$TASK_PID-*) ;; *) exit 1 ;; esac" &&
	expect "nothing left by PIDs ${RUN_PIDS[*]}" "$what" [ -z "$what" ] && ok

finish
