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

# start_hello NAME ARGS...: run bcc-hello in the background with stdout in
# $T/NAME.out and stderr in $T/NAME.err; its PID is in $HELLO_PID.
start_hello() {
	local name="$1"
	shift
	"$BCC_HELLO" "$@" >"$T/$name.out" 2>"$T/$name.err" &
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

tracefs_dir() {
	local d
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[ -d "$d/instances" ] && { echo "$d"; return; }
	done
	echo /sys/kernel/tracing
}

# Instances of bcc-hello in tracefs (none when tracefs is not mounted).
instances() { ls "$(tracefs_dir)/instances" 2>/dev/null | grep '^bcc-hello-' || true; }

# BPF programs named like our entry points that the kernel still holds.
our_programs() { bpftool prog show 2>/dev/null | grep -Ec ' name (hello|handle_tp) ' || true; }
