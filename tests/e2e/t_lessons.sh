# t_lessons.sh: the eBPF tutorial's lessons, run unchanged.
#
# Libbpf-style programs (vmlinux.h, SEC, maps declared in ".maps", map
# helpers, BPF_CORE_READ, const volatile pid_filter) from programs/, and
# the tutorial's own execsnoop lesson, written here as its text has it.
# Every record is checked, field by field, against processes this file
# starts and whose PIDs, parents, names, paths, exit codes, files and
# write sizes it knows; the processes that report their own PID and
# parent ($$, $PPID) write them to a file, which is the truth the records
# are compared with. No kernel headers are needed (t_noheaders reruns this
# file where /usr/src and /lib/modules are hidden): every kernel type
# comes from the kernel's BTF. Last, maps these lessons cannot use are
# refused, with one line that says why.
. "$(dirname "$0")/lib.sh"
require_bpf
bpftool btf dump file /sys/kernel/btf/vmlinux >/dev/null 2>&1 ||
	skip "this kernel has no readable BTF at /sys/kernel/btf/vmlinux"
P="$BCC_HELLO_SRC/programs"
SH=$(command -v dash || command -v sh)

# Copies of sh and sleep under names of their own: each is its comm.
cp "$SH" "$T/lessonparent"
cp "$SH" "$T/lessonexit"
cp "$SH" "$T/lessonopen"
cp "$SH" "$T/lessonwrite"
cp "$(command -v sleep)" "$T/lessonsleep"
cp "$(type -P true)" "$T/lsnexec"

# stop: SIGINT bcc-hello, wait for its exit status in $RC.
stop() {
	kill -INT "$HELLO_PID"
	wait_exit "$HELLO_PID" 30 || { kill -9 "$HELLO_PID"; RC=timeout; }
}
# attached NAME: true once bcc-hello NAME (run with -v) reads.
attached() { wait_for "$T/$1.err" '\[4/5\] read' 60; }
# printed NAME PID...: true once the output of NAME has a record of each PID.
printed() {
	local name="$1" p
	shift
	for p in "$@"; do wait_for "$T/$name.out" "\"pid\":$p," 20 || return 1; done
}
# json_check SCRIPT FILE ARGS...: nothing if SCRIPT's asserts hold on
# FILE, else the one line that says which failed.
json_check() { python3 -c "$1" "${@:2}" 2>&1 | tail -1; }

case_ "lesson_exec_exit.c: each exec and exit of known processes, with pid, ppid, comm, file and exit code"
# lessonparent starts lessonsleep and lessonexit (which exits with CODE),
# waits for both, writes "its PID, its parent's, their PIDs, their wait
# statuses" and exits with PCODE. Nothing filters by PID: every process
# on the machine is reported, and the checker picks these three.
CODE=$((3 + $$ % 100))
PCODE=$((CODE + 1))
start_hello exec -v --json -f "$P/lesson_exec_exit.c"
if attached exec; then
	"$T/lessonparent" -c '"$1" 0.1 & a=$!
		"$2" -c "exit $3" & b=$!
		wait $a; ra=$?
		wait $b; rb=$?
		echo "$$ $PPID $a $b $ra $rb" >"$5"
		exit $4' sh "$T/lessonsleep" "$T/lessonexit" "$CODE" "$PCODE" "$T/exec.truth" &
	LP=$!
	wait "$LP"
	LRC=$?
	read -r pp ppp a b ra rb <"$T/exec.truth"
	printed exec "$pp" "$a" "$b"
	# the last record of each is its exit: wait for those too
	for p in "$pp" "$a" "$b"; do wait_for "$T/exec.out" "\"pid\":$p,.*\"is_exit\":true" 20; done
fi
stop
bad=$(json_check '
import json, sys
out, T, lp, lrc, pp, ppp, a, b, ra, rb, code = sys.argv[1:]
assert lp == pp, ("$! and the parent'"'"'s $$ differ", lp, pp)
assert (ra, rb, lrc) == ("0", code, str(int(code) + 1)), ("wait statuses", ra, rb, lrc)
objs = [json.loads(l) for l in open(out)]
for o in objs:
    assert o["table"] == "rb" and type(o["ts"]) is float, o
want = {  # pid: (ppid, comm, file, exit code)
    int(pp): (int(ppp), "lessonparent", T + "/lessonparent", int(lrc)),
    int(a): (int(pp), "lessonsleep", T + "/lessonsleep", int(ra)),
    int(b): (int(pp), "lessonexit", T + "/lessonexit", int(rb)),
}
for pid, (ppid, comm, path, status) in want.items():
    mine = [o for o in objs if o["pid"] == pid]
    ex = {"pid": pid, "ppid": ppid, "exit_code": 0, "is_exit": False, "comm": comm, "filename": path}
    ei = {"pid": pid, "ppid": ppid, "exit_code": status, "is_exit": True, "comm": comm, "filename": ""}
    got = [{k: v for k, v in o.items() if k not in ("ts", "table")} for o in mine]
    assert got == [ex, ei], ("pid %d: want exec then exit" % pid, [ex, ei], "got", got)
' "$T/exec.out" "$T" "${LP:-}" "${LRC:-}" "${pp:-}" "${ppp:-}" "${a:-}" "${b:-}" "${ra:-}" "${rb:-}" "$CODE")
expect "exit 0, and for lessonparent, lessonsleep and lessonexit (exit $CODE) one exec record then one exit record" \
	"exit $RC; $bad; $(tail -2 "$T/exec.err")" [ "$RC" = 0 ] &&
	expect "no error" "$bad" [ -z "$bad" ] &&
	expect "-v to say it reads the ring buffer rb" "$(grep table "$T/exec.err")" \
		grep -q 'reading table rb (ring buffer)' "$T/exec.err" && ok

case_ "lesson_opensnoop.c -p: 3 openat records of a shell opening its files, with path, flags and comm"
# The shell itself opens both files (redirections of builtins): "<" for
# reading, ">" for writing, created and truncated; its sleep is a child.
# (The summary's count of events is checked, not of lost ones: at the
# stop, bcc-hello counts as lost what its trace buffer still holds, which
# includes bpf_trace_printk lines of other BPF programs on the machine.)
NAME="$T/lesson open me.txt"
echo line >"$NAME"
"$T/lessonopen" -c 'while :; do read x <"$1"; : >"$2"; sleep 0.05; done' sh "$NAME" "$T/lessonout" &
W=$!
BG_PIDS+=($W)
# once the file it writes is there, it is in its loop, opening just these
wait_for_file() { local i; for ((i = 0; i < 200; i++)); do [ -e "$1" ] && return; sleep 0.05; done; }
wait_for_file "$T/lessonout"
start_hello open --json -f "$P/lesson_opensnoop.c" -p "$W" -c 3
wait_exit "$HELLO_PID" 30 || kill -9 "$HELLO_PID"
WCOMM=$(cat "/proc/$W/comm")
kill "$W" 2>/dev/null
bad=$(json_check '
import json, os, sys
out, w, comm, name, other = sys.argv[1:]
objs = [json.loads(l) for l in open(out)]
assert len(objs) == 3, ("want 3 records", objs)
rd, wr = os.O_RDONLY, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
for i, o in enumerate(objs):
    assert set(o) == {"ts", "table", "pid", "flags", "comm", "filename"}, o
    assert o["table"] == "events" and o["pid"] == int(w) and o["comm"] == comm, o
    assert o["filename"] in (name, other), o
    if o["filename"] == name:
        assert o["flags"] & os.O_ACCMODE == rd, ("opened for reading", o)
    else:
        assert o["flags"] & os.O_ACCMODE == os.O_WRONLY and o["flags"] & wr == wr, ("opened for writing", o)
    assert i == 0 or o["filename"] != objs[i - 1]["filename"], ("the shell opens the two in turn", objs)
' "$T/open.out" "$W" "$WCOMM" "$NAME" "$T/lessonout")
expect "exit 0 and 3 records of pid $W, comm $WCOMM, '$NAME' and '$T/lessonout' in turn" \
	"exit $RC; $bad; $(tail -2 "$T/open.err")" [ "$RC" = 0 ] &&
	expect "no error" "$bad" [ -z "$bad" ] &&
	expect "the summary to count 3 events" "$(tail -1 "$T/open.err")" \
		grep -q '^bcc-hello: 3 events, [0-9]* lost' "$T/open.err" && ok

case_ "lesson_write_latency.c -p -c 3: 3 writes of 7 bytes timed, counted in a hash, the start map emptied"
# The writer waits for a line on a FIFO, then makes exactly 3 write(2)
# calls of 7 bytes (printf is a builtin) and sleeps: -c 3 ends the run
# after its last write, so the count is exact.
mkfifo "$T/lat.go"
"$T/lessonwrite" -c 'read go <"$1"; i=0
	while [ $i -lt 3 ]; do printf abcdefg; i=$((i + 1)); done >/dev/null
	while :; do sleep 1; done' sh "$T/lat.go" &
W=$!
BG_PIDS+=($W)
start_hello lat -v -f "$P/lesson_write_latency.c" -p "$W" -c 3
attached lat && echo go >"$T/lat.go"
wait_exit "$HELLO_PID" 30 || kill -9 "$HELLO_PID"
kill "$W" 2>/dev/null
lat_ok() {
	[ "$RC" = 0 ] && [ "$recs" = 3 ] && [ "$lines" = 5 ] &&
		grep -qFx "@counts[$W]: 3" "$T/lat.out" && grep -qFx "@start: empty" "$T/lat.out"
}
recs=$(grep -cE "^[0-9]+\.[0-9]{6} +rb: pid=$W ret=7 ns=[1-9][0-9]*\$" "$T/lat.out" || true)
lines=$(wc -l <"$T/lat.out")
expect "exit 0, and 3 lines 'rb: pid=$W ret=7 ns=N' (N > 0), '@counts[$W]: 3' and '@start: empty'" \
	"exit $RC; $(cat "$T/lat.out"); $(tail -2 "$T/lat.err")" \
	lat_ok && expect "the summary to count 3 events" "$(tail -1 "$T/lat.err")" \
		grep -q '^bcc-hello: 3 events, [0-9]* lost' "$T/lat.err" && ok

case_ "the tutorial's execsnoop lesson, unchanged: pid, ppid, uid and path of each execve of known processes"
cat >"$T/execsnoop.h" <<'EOF'
#ifndef __EXECSNOOP_H
#define __EXECSNOOP_H

#define TASK_COMM_LEN 16

struct event {
	int pid;
	int ppid;
	int uid;
	int retval;
	bool is_exit;
	char comm[TASK_COMM_LEN];
};

#endif /* __EXECSNOOP_H */
EOF
cat >"$T/execsnoop.bpf.c" <<'EOF'
// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "execsnoop.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int tracepoint__syscalls__sys_enter_execve(struct trace_event_raw_sys_enter* ctx)
{
	u64 id;
	pid_t pid, tgid;
	struct event event={0};
	struct task_struct *task;

	uid_t uid = (u32)bpf_get_current_uid_gid();
	id = bpf_get_current_pid_tgid();
	tgid = id >> 32;

	event.pid = tgid;
	event.uid = uid;
	task = (struct task_struct*)bpf_get_current_task();
	event.ppid = BPF_CORE_READ(task, real_parent, tgid);
	char *cmd_ptr = (char *) BPF_CORE_READ(ctx, args[0]);
	bpf_probe_read_str(&event.comm, sizeof(event.comm), cmd_ptr);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &event, sizeof(event));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
EOF
# lessonparent (started by its full path) runs a copy of true as
# ./lsnexec from $T, then by its full path, and says who is who. A
# record's comm is the path given to execve, cut to 15 bytes.
start_hello snoop -v --json -f "$T/execsnoop.bpf.c"
if attached snoop; then
	"$T/lessonparent" -c 'cd "$1" && { ./lsnexec & a=$!; wait $a
		"$1/lsnexec" & b=$!; wait $b
		echo "$$ $PPID $a $b" >"$2"; }' sh "$T" "$T/snoop.truth" &
	LP=$!
	wait "$LP"
	read -r pp ppp a b <"$T/snoop.truth"
	printed snoop "$pp" "$a" "$b"
fi
stop
bad=$(json_check '
import json, sys
out, T, uid, lp, pp, ppp, a, b = sys.argv[1:]
assert lp == pp, ("$! and the parent'"'"'s $$ differ", lp, pp)
objs = [json.loads(l) for l in open(out)]
for o in objs:
    assert o["table"] == "events" and type(o["ts"]) is float, o
want = {
    int(pp): (int(ppp), (T + "/lessonparent")[:15]),
    int(a): (int(pp), "./lsnexec"),
    int(b): (int(pp), (T + "/lsnexec")[:15]),
}
for pid, (ppid, comm) in want.items():
    got = [{k: v for k, v in o.items() if k not in ("ts", "table")} for o in objs if o["pid"] == pid]
    ex = {"pid": pid, "ppid": ppid, "uid": int(uid), "retval": 0, "is_exit": False, "comm": comm}
    assert got == [ex], ("pid %d: want" % pid, [ex], "got", got)
' "$T/snoop.out" "$T" "$(id -u)" "${LP:-}" "${pp:-}" "${ppp:-}" "${a:-}" "${b:-}")
expect "exit 0 and one record for each of lessonparent, ./lsnexec and $T/lsnexec" \
	"exit $RC; $bad; $(tail -2 "$T/snoop.err")" [ "$RC" = 0 ] &&
	expect "no error" "$bad" [ -z "$bad" ] &&
	expect "-v to say it reads the perf buffer events" "$(grep table "$T/snoop.err")" \
		grep -q 'reading table events (perf buffer, one per CPU)' "$T/snoop.err" && ok

# refused NAME: true if run NAME exited 1 with nothing on stdout and
# stderr one line, starting "bcc-hello: ", that has each of the other args.
refused() {
	local name="$1" w
	shift
	[ "$RC" = 1 ] && [ ! -s "$T/$name.out" ] && [ "$(wc -l <"$T/$name.err")" = 1 ] &&
		grep -q '^bcc-hello: ' "$T/$name.err" || return 1
	for w in "$@"; do grep -qF -- "$w" "$T/$name.err" || return 1; done
}

case_ "a queue map is refused: exit 1, one line naming the map and its type"
cat >"$T/queue.c" <<'EOF'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 16);
	__type(value, u32);
} lessonq SEC(".maps");

SEC("tp/syscalls/sys_enter_write")
int handle(struct trace_event_raw_sys_enter *ctx)
{
	u32 n = (u32)ctx->args[2];

	bpf_map_push_elem(&lessonq, &n, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
EOF
start_hello queue -f "$T/queue.c" -d 2
wait_exit "$HELLO_PID" 30 || kill -9 "$HELLO_PID"
expect "exit 1, nothing on stdout, one line naming lessonq and BPF_MAP_TYPE_QUEUE" \
	"exit $RC; stdout '$(head -3 "$T/queue.out")'; stderr '$(head -5 "$T/queue.err")'" \
	refused queue "lessonq" "BPF_MAP_TYPE_QUEUE" && ok

case_ "a ring buffer of 1000 bytes is refused: exit 1, one line naming max_entries"
cat >"$T/ring1000.c" <<'EOF'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1000);
} lessonrb SEC(".maps");

SEC("tp/syscalls/sys_enter_write")
int handle(struct trace_event_raw_sys_enter *ctx)
{
	u32 *n = bpf_ringbuf_reserve(&lessonrb, sizeof(*n), 0);

	if (!n)
		return 0;
	*n = (u32)ctx->args[2];
	bpf_ringbuf_submit(n, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
EOF
start_hello ring1000 -f "$T/ring1000.c" -d 2
wait_exit "$HELLO_PID" 30 || kill -9 "$HELLO_PID"
expect "exit 1, nothing on stdout, one line naming lessonrb, max_entries and 1000" \
	"exit $RC; stdout '$(head -3 "$T/ring1000.out")'; stderr '$(head -5 "$T/ring1000.err")'" \
	refused ring1000 "lessonrb" "max_entries" "1000" && ok

finish
