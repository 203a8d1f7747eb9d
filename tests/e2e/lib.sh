# lib.sh: what the end-to-end tests share. Source it first.
#
# Each test file is a learner's session: it runs the real bcc-hello (path in
# $BCC_HELLO) as root against the real kernel, with real processes whose
# PIDs it knows. Cases are named by a sentence; a failing case says what it
# expected and what it got. Temporary files live in $T, removed on exit.

set -u
BCC_HELLO=${BCC_HELLO:?set BCC_HELLO to the bcc-hello binary}
BCC_HELLO_SRC=${BCC_HELLO_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=$(mktemp -d /tmp/bcc-hello-test.XXXXXX)
# Compiled programs are cached in this test's own folder, never in the
# user's (/var/cache/bcc-hello): each test file starts cold.
export BCC_HELLO_CACHE_DIR="$T/cache"
FAILED=0
CASES=0
BG_PIDS=()

cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

skip() {
	if [ "${BCC_HELLO_REQUIRE_BPF:-0}" = 1 ]; then
		echo "FAIL: BPF must work here (BCC_HELLO_REQUIRE_BPF=1) but: $*"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

# End-to-end tests need root and a kernel that loads BPF programs.
require_bpf() {
	[ "$(id -u)" = 0 ] || skip "not root"
	command -v bpftool >/dev/null || skip "bpftool is not installed"
	bpftool prog show >/dev/null 2>&1 || skip "the BPF syscall does not work here"
}

# case "sentence": start a case; ok / fail end it.
case_() { CASE="$1"; CASES=$((CASES + 1)); }
ok() { echo "ok: $CASE"; }
fail() {
	echo "FAIL: $CASE: $*"
	FAILED=$((FAILED + 1))
}
# check COND-as-command "what was expected" "what we got"
expect() {
	local what="$1" got="$2"
	shift 2
	if "$@"; then return 0; fi
	fail "expected $what, got $got"
	return 1
}
finish() {
	echo "$((CASES - FAILED)) passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit $?
}

# A process that writes a line to /dev/null every 50 ms, forever. Its PID
# (the shell's own, which does the writes: printf is a builtin) is in $!.
start_writer() {
	sh -c 'while :; do printf "hello\n" >/dev/null; sleep 0.05; done' &
	BG_PIDS+=($!)
}

# The top-level bpf_trace_printk event's enable file: 0 or 1.
top_enable() { in_tracefs 'cat $TFS/events/bpf_trace/bpf_trace_printk/enable' 2>/dev/null; }
# Since Linux 6.5 the shared trace_pipe has one reader at a time: those
# that hold it open now.
pipe_holders() {
	local p
	find /proc/[0-9]*/fd -maxdepth 1 -lname '*/tracing/trace_pipe' 2>/dev/null | cut -d/ -f3 | sort -u |
		while read -r p; do echo "$p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-60))"; done
}

# bcc-hello keeps its lines out of the shared pipe when bpf_trace_printk
# was off in the top-level buffer before its load. A --global-pipe run
# (t_pipes has one), BCC's Python or any program calling bpf_trace_printk
# loaded by another tool leaves it on, and then the shared pipe receives
# every line, by design. When nobody reads the shared pipe, the test turns
# it off, as on a fresh machine, and back on at exit.
TOP_RESTORE=
top_off() {
	[ "$(top_enable)" = 1 ] && [ -z "$(pipe_holders)" ] || return 0
	in_tracefs 'echo 0 >$TFS/events/bpf_trace/bpf_trace_printk/enable'
	TOP_RESTORE=1
	echo "# bpf_trace_printk was on in the top-level buffer, with no reader: off for this test, on again at its end"
}
restore_top() {
	[ -n "$TOP_RESTORE" ] && in_tracefs 'echo 1 >$TFS/events/bpf_trace/bpf_trace_printk/enable'
	true
}
# start_counted NAME N: a writer that waits for a line on $T/NAME.go, makes
# exactly N writes of one byte to /dev/null, touches $T/NAME.go.done
# (open(2), no write) and sleeps. Its PID (the shell's own: printf is a
# builtin) in $WP.
start_counted() {
	mkfifo "$T/$1.go"
	sh -c 'read go <"$1"; i=0
		while [ $i -lt '"$2"' ]; do printf x; i=$((i + 1)); done >/dev/null
		: >"$1.done"; exec sleep 1000' sh "$T/$1.go" &
	WP=$!
	BG_PIDS+=($WP)
}

# start_hello NAME ARGS...: run bcc-hello in the background with stdout in
# $T/NAME.out and stderr in $T/NAME.err; its PID is in $HELLO_PID. Takes a
# snapshot first, for left_behind.
start_hello() {
	local name="$1"
	shift
	snapshot
	# The files exist before the run starts: a check right after this
	# returns reads an empty file, never a missing one.
	: >"$T/$name.out"
	: >"$T/$name.err"
	"$BCC_HELLO" "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err" &
	HELLO_PID=$!
	BG_PIDS+=($HELLO_PID)
}

# wait_for FILE REGEX [SECONDS]: true once FILE has a line matching REGEX.
wait_for() {
	local file="$1" re="$2" secs="${3:-20}" i
	for ((i = 0; i < secs * 20; i++)); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

now() { echo "$EPOCHREALTIME"; }
# since START: seconds elapsed, to two decimals.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# count FILE REGEX: lines matching (0 when none, or no file).
count() {
	local n
	n=$(grep -Ec -- "$2" "$1" 2>/dev/null)
	echo "${n:-0}"
}
# skip_this WHY: the current case is skipped, and not counted.
skip_this() {
	echo "skip: $CASE: $*"
	CASES=$((CASES - 1))
}
# The folder a -v run NAME reads from, from its "[4/5] read: DIR/trace_pipe".
read_dir() { sed -n 's/^bcc-hello: \[4\/5\] read: \(.*\)\/trace_pipe.*/\1/p' "$T/$1.err"; }
# events_of NAME PID: lines of hello.c's for PID in run NAME's output.
events_of() { grep -c "PID $2\.\$" "$T/$1.out" || true; }
# tree_made_by NAME: the header tree a -v run NAME made ("" if none).
tree_made_by() { sed -n 's/.*made into \([^ ]*\) .*/\1/p' "$T/$1.err" | head -1; }

# wait_file FILE [SECONDS]: true once FILE exists.
wait_file() {
	local file="$1" secs="${2:-20}" i
	for ((i = 0; i < secs * 20; i++)); do
		[ -e "$file" ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_exit PID [SECONDS]: wait for a background process; its status in $RC.
wait_exit() {
	local pid="$1" secs="${2:-20}" i
	for ((i = 0; i < secs * 20; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			RC=$?
			return 0
		fi
		sleep 0.05
	done
	RC=timeout
	return 1
}

# in_tracefs 'SHELL COMMAND': run it with tracefs mounted at $TFS, in a
# private mount namespace, whether or not it is mounted here. Tests never
# mount or unmount tracefs in this machine's own namespace.
in_tracefs() {
	unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
		TFS=/sys/kernel/tracing; '"$1"
}
# The same, in the background, with the command's own PID in $!.
bg_in_tracefs() {
	(exec unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
		TFS=/sys/kernel/tracing; '"$1") &
	BG_PIDS+=($!)
}

# Instances of bcc-hello, seen through a private mount of tracefs, so the
# check works whether or not tracefs is mounted on this machine.
instances() { in_tracefs 'ls $TFS/instances' 2>/dev/null | grep '^bcc-hello-' || true; }
tracefs_mounts() { grep -c ' tracefs ' /proc/self/mounts || true; }

# IDs of programs named like our entry points, and those attached by a
# process other than PID (bpftool perf: "pid P  fd F: prog_id I ...").
prog_ids() { bpftool prog show 2>/dev/null | awk '/ name (hello|handle_tp) / { sub(":", "", $1); print $1 }' | sort; }
held_by_others() {
	bpftool perf 2>/dev/null | awk -v me="$1" '$2 != me { for (i = 1; i < NF; i++) if ($i == "prog_id") print $(i + 1) }' | sort -u
}

# snapshot, then left_behind PID: what run PID left ("" when nothing):
# programs loaded since the snapshot that nobody else holds (the kernel
# frees a closed program a moment later, so they get 2 s to go), its
# instance, a tracefs mount. Others may run BPF tools meanwhile.
snapshot() {
	prog_ids >"$T/progs.before"
	MOUNTS_BEFORE=$(tracefs_mounts)
}
left_behind() {
	local pid="$1" i progs
	for ((i = 0; i < 40; i++)); do
		progs=$(comm -23 <(prog_ids) "$T/progs.before" | comm -23 - <(held_by_others "$pid") | tr '\n' ' ')
		[ -z "$progs" ] && break
		sleep 0.05
	done
	[ -n "$progs" ] && echo "programs $progs"
	instances | grep -x "bcc-hello-$pid"
	[ "$(tracefs_mounts)" -gt "$MOUNTS_BEFORE" ] && echo "a tracefs mount ($(tracefs_mounts), before: $MOUNTS_BEFORE)"
	true
}

# open_files PID: "N P": the process's open files other than /proc ones,
# and its open /proc files. bcc-hello reads a thread's name (and, with -p,
# its process) from /proc once per batch of lines, so a sample can catch
# one such read open: a leak shows in N, or as P above 1.
open_files() {
	local f n=0 p=0
	for f in "/proc/$1/fd/"*; do
		case $(readlink "$f" 2>/dev/null) in
		'') ;; # closed meanwhile
		/proc/*) p=$((p + 1)) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo "$n $p"
}
