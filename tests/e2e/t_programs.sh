# t_programs.sh: programs of every kind a learner brings. A libbpf-style
# tutorial file run unchanged (-p or --set for its pid_filter), BCC's
# TRACEPOINT_PROBE reading a system call's argument, two entry points in
# one file, the errors such files meet (a syntax error, the verifier, a
# kprobe on a kernel without kprobes), and the options that help write
# them: -l, --dry-run, --dump source, -D and -I. Last, every program in
# programs/ compiles and loads.
. "$(dirname "$0")/lib.sh"
require_bpf

# A tag in each program's message, so that lines of other BPF programs
# running on this machine meanwhile are never taken for ours.
TAG="tp$$"

# run NAME ARGS...: bcc-hello with stdout in $T/NAME.out, stderr in
# $T/NAME.err, exit status in $RC ("timeout" after 60 s, then killed),
# PID in $HELLO_PID; a snapshot for left_behind first.
run() {
	start_hello "$@"
	wait_exit "$HELLO_PID" 60 || kill -9 "$HELLO_PID" 2>/dev/null
}
# Event lines (not the header) of run NAME.
events() { grep -v '^TIME' "$T/$1.out" || true; }
# bcc-hello's own lines on stderr, without the header-version warning.
said() { grep '^bcc-hello: ' "$T/$1.err" | grep -v '^bcc-hello: warning: ' || true; }
not_virtual() { ! grep -q /virtual/main.c "$1"; }

# The tutorial's Hello World, libbpf style, as the tutorials write it.
cat >"$T/minimal.c" <<EOF
/* minimal.bpf.c, from a libbpf tutorial. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const pid_t pid_filter = 0;

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;

	if (pid_filter && pid != pid_filter)
		return 0;
	bpf_printk("$TAG minimal saw %d.\n", pid);
	return 0;
}
EOF

start_writer
W=$!

# check_writer_lines NAME: run NAME stopped by itself after 3 lines, all
# of sh $W with the file's own message naming $W.
check_writer_lines() {
	local name="$1" n bad
	n=$(events "$name" | grep -c "^[0-9.]* *sh *$W .* $TAG minimal saw $W\.\$")
	bad=$(events "$name" | grep -v "^[0-9.]* *sh *$W .* $TAG minimal saw $W\.\$" | head -3)
	expect "exit 0" "exit $RC: $(said "$name")" [ "$RC" = 0 ] &&
		expect "3 lines 'sh $W ... $TAG minimal saw $W.' and no other" \
			"$n, others: '$bad'" [ "$n/$bad" = "3/" ] && ok
}

case_ "a libbpf-style file runs unchanged, -p setting its pid_filter"
run minimal_p -f "$T/minimal.c" -p "$W" -c 3
check_writer_lines minimal_p

case_ "--set pid_filter=PID filters in the kernel, as -p does"
# Without -p, bcc-hello hides no process, and lines of other BPF programs
# running on this machine meanwhile would count towards -c: the run lasts
# 2 s instead, and every line of our message must be the writer's.
run minimal_set -f "$T/minimal.c" --set "pid_filter=$W" -d 2
n=$(events minimal_set | grep -c "^[0-9.]* *sh *$W .* $TAG minimal saw $W\.\$")
stray=$(events minimal_set | grep "$TAG" | grep -v "^[0-9.]* *sh *$W .* $TAG minimal saw $W\.\$" | head -3)
expect "exit 0" "exit $RC: $(said minimal_set)" [ "$RC" = 0 ] &&
	expect "3 or more lines 'sh $W ... $TAG minimal saw $W.', and our message from no other process" \
		"$n, stray: '$stray'; $(head -4 "$T/minimal_set.out")" sh -c "[ $n -ge 3 ] && [ -z \"\$1\" ]" _ "$stray" && ok

case_ "TRACEPOINT_PROBE on sys_enter_openat reads the file name a process opens"
# The loop's shell opens the file itself, for the redirection, so its
# PID is the one to watch.
UNIQUE="$T/unique-name-$$"
: >"$UNIQUE"
sh -c 'while :; do : <"$1"; sleep 0.1; done' _ "$UNIQUE" &
OPENER=$!
BG_PIDS+=($OPENER)
cat >"$T/openat.c" <<EOF
TRACEPOINT_PROBE(syscalls, sys_enter_openat)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	char name[96];

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	if (bpf_probe_read_user_str(name, sizeof(name), args->filename) < 0)
		return 0;
	bpf_trace_printk("$TAG opened %s\n", name);
	return 0;
}
EOF
run openat -f "$T/openat.c" -p "$OPENER" -c 2
n=$(events openat | grep -c "^[0-9.]* *sh *$OPENER .* $TAG opened $UNIQUE\$")
expect "exit 0" "exit $RC: $(said openat)" [ "$RC" = 0 ] &&
	expect "2 lines 'sh $OPENER ... $TAG opened $UNIQUE'" "$n in: $(head -4 "$T/openat.out")" \
		[ "$n" = 2 ] && ok

case_ "a syntax error in a libbpf-style file names the file's own line"
sed 's/^\(\s*pid_t pid = bpf_get_current_pid_tgid() >> 32\);$/\1 +;/' \
	"$T/minimal.c" >"$T/syntax.c"
N=$(grep -n '>> 32 +;$' "$T/syntax.c" | cut -d: -f1)
if [ -z "$N" ]; then
	fail "expected to break the line 'pid_t pid = ...' of minimal.c, it is not there"
else
	run syntax -f "$T/syntax.c" -c 1
	expect "exit 1" "exit $RC" [ "$RC" = 1 ] &&
		expect "'$T/syntax.c:$N:' in the compiler's messages" "$(head -5 "$T/syntax.err")" \
			grep -q "^$T/syntax\.c:$N:[0-9]*: error" "$T/syntax.err" &&
		expect "no '/virtual/main.c'" "$(grep -m1 /virtual/main.c "$T/syntax.err")" \
			not_virtual "$T/syntax.err" &&
		expect "nothing on stdout" "$(head -3 "$T/syntax.out")" [ ! -s "$T/syntax.out" ] && ok
fi

case_ "a verifier refusal of a libbpf-style file gives its reason and the file's line"
cat >"$T/unsafe.c" <<'EOF'
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const volatile int max = 5;

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	char *p = (char *)0x1234;

	bpf_printk("max %d\n", max);
	return *p; /* a kernel address, read without bpf_probe_read */
}
EOF
N=$(grep -n 'return \*p;' "$T/unsafe.c" | cut -d: -f1)
run unsafe -f "$T/unsafe.c" -c 1
where=$(grep -o "@ [^ ]*unsafe\.c:[0-9]*\$" "$T/unsafe.err" | tail -1)
expect "exit 1" "exit $RC: $(said unsafe)" [ "$RC" = 1 ] &&
	expect "the reason 'invalid mem access'" "$(tail -4 "$T/unsafe.err")" \
		grep -q 'invalid mem access' "$T/unsafe.err" &&
	expect "the last '; ... @ unsafe.c:$N' on 'return *p;'" "'$where' in: $(grep ' @ ' "$T/unsafe.err" | tail -3 | tr '\n' '|')" \
		grep -q "unsafe\.c:$N\$" <<<"$where" &&
	expect "the line's own text before the '@'" "$(grep -m1 "unsafe\.c:$N\$" "$T/unsafe.err")" \
		grep -q "^; return \*p;.* @ .*unsafe\.c:$N\$" "$T/unsafe.err" && ok

case_ "-l with a glob lists exactly the matching tracepoints"
"$BCC_HELLO" -l 'syscalls:sys_enter_wr*' </dev/null >"$T/list.out" 2>"$T/list.err"
rc=$?
expect "exit 0 and exactly sys_enter_write and sys_enter_writev" \
	"exit $rc: '$(tr '\n' '|' <"$T/list.out")' $(cat "$T/list.err")" \
	sh -c "[ $rc = 0 ] && [ \"\$(cat '$T/list.out')\" = \"\$(printf 'syscalls:sys_enter_write\nsyscalls:sys_enter_writev')\" ]" && ok

case_ "-l with -v shows each tracepoint's fields"
"$BCC_HELLO" -l 'syscalls:sys_enter_wr*' -v </dev/null >"$T/listv.out" 2>"$T/listv.err"
rc=$?
# size_t count; belongs to sys_enter_write, between its name and writev's.
fields=$(sed -n '/^syscalls:sys_enter_write$/,/^syscalls:sys_enter_writev$/p' "$T/listv.out")
expect "exit 0 and 'size_t count;' under syscalls:sys_enter_write" "exit $rc: $(head -12 "$T/listv.out")" \
	sh -c "[ $rc = 0 ] && printf '%s\n' \"\$1\" | grep -q '^ *size_t count;\$'" _ "$fields" &&
	expect "both tracepoints still listed" "$(grep -c '^syscalls:' "$T/listv.out")" \
		[ "$(grep -c '^syscalls:' "$T/listv.out")" = 2 ] && ok

case_ "-l with a glob that matches nothing exits 1 and says so"
"$BCC_HELLO" -l 'nosuch*' </dev/null >"$T/nosuch.out" 2>"$T/nosuch.err"
rc=$?
expect "exit 1, nothing on stdout, an error naming 'nosuch*'" "exit $rc: $(cat "$T/nosuch.out" "$T/nosuch.err")" \
	sh -c "[ $rc = 1 ] && [ ! -s '$T/nosuch.out' ] && grep -q '^bcc-hello: .*nosuch\*' '$T/nosuch.err'" && ok

case_ "--dry-run compiles and loads, attaches nothing and leaves nothing behind"
run dry -f "$T/minimal.c" --dry-run
left=$(left_behind "$HELLO_PID")
expect "exit 0" "exit $RC: $(said dry)" [ "$RC" = 0 ] &&
	expect "'$T/minimal.c: compiled and loaded 1 program; nothing attached (--dry-run)'" "$(said dry)" \
		grep -qx "bcc-hello: $T/minimal\.c: compiled and loaded 1 program; nothing attached (--dry-run)" "$T/dry.err" &&
	expect "no events and no header on stdout" "$(head -3 "$T/dry.out")" [ ! -s "$T/dry.out" ] &&
	expect "nothing left behind" "$left" [ -z "$left" ] && ok

case_ "--dry-run on a broken file exits 1"
run dry_broken -f "$T/syntax.c" --dry-run
expect "exit 1 and a compile error" "exit $RC: $(said dry_broken)" \
	sh -c "[ '$RC' = 1 ] && grep -q 'syntax\.c:[0-9]*:[0-9]*: error' '$T/dry_broken.err'" &&
	expect "no dry-run success line" "$(said dry_broken)" \
		sh -c "! grep -q 'nothing attached' '$T/dry_broken.err'" && ok

case_ "--dump source shows the rewritten libbpf program, then exits with --dry-run"
run dump -f "$T/minimal.c" --dump source --dry-run
expect "exit 0" "exit $RC: $(said dump)" [ "$RC" = 0 ] &&
	expect "'#define BPF_LICENSE Dual BSD/GPL'" "$(grep -m1 LICENSE "$T/dump.out")" \
		grep -qx '#define BPF_LICENSE Dual BSD/GPL' "$T/dump.out" &&
	expect "bpf_trace_printk(__bh_mark \"$TAG minimal saw %d.\\n\", pid);" "$(grep -m1 printk "$T/dump.out")" \
		grep -qF "bpf_trace_printk(__bh_mark \"$TAG minimal saw %d.\\n\", pid);" "$T/dump.out" &&
	expect "the mark's placeholder defined" "$(grep -m1 __bh_mark "$T/dump.out")" \
		grep -qx '#define __bh_mark "bh:mark:"' "$T/dump.out" &&
	expect "no bpf_printk left" "$(grep -m1 'bpf_printk' "$T/dump.out")" \
		sh -c "! grep -q '\\<bpf_printk' '$T/dump.out'" &&
	expect "the whole program, to its entry point" "$(grep -c . "$T/dump.out") lines" \
		grep -qx 'int handle_tp(void \*ctx)' "$T/dump.out" && ok

# A program that takes a kernel type from BTF compiles twice (the second
# time with the type); what is shown is what the last compile was given.
case_ "--dump source shows a program compiled in two rounds once, with the kernel's types"
cat >"$T/tworounds.c" <<'EOF'
TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	return t->pid == 0;
}
EOF
run tworounds -f "$T/tworounds.c" --dump source --dry-run
n=$(grep -c '^TRACEPOINT_PROBE(syscalls, sys_enter_write)$' "$T/tworounds.out")
expect "exit 0" "exit $RC: $(said tworounds)" [ "$RC" = 0 ] &&
	expect "the program once" "$n times" [ "$n" = 1 ] &&
	expect "struct task_struct defined before it" "$(grep -c '^struct task_struct {' "$T/tworounds.out") definitions" \
		grep -qx 'struct task_struct {' "$T/tworounds.out" && ok

case_ "-D MSG_ID=7 defines a macro the program's message uses"
cat >"$T/msgid.c" <<EOF
int hello(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	bpf_trace_printk("$TAG message %d from %d\n", MSG_ID, pid);
	return 0;
}
EOF
run msgid -f "$T/msgid.c" -D MSG_ID=7 -p "$W" -c 1
expect "exit 0 and '$TAG message 7 from $W'" "exit $RC: $(head -3 "$T/msgid.out") $(said msgid)" \
	sh -c "[ '$RC' = 0 ] && grep -q ' $TAG message 7 from $W\$' '$T/msgid.out'" && ok

case_ "-I with a relative folder finds the program's header"
mkdir -p "$T/inc"
echo "#define GREETING_$TAG 4242" >"$T/inc/greeting_$TAG.h"
cat >"$T/greet.c" <<EOF
#include <greeting_$TAG.h>

int hello(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	bpf_trace_printk("$TAG greeting %d\n", GREETING_$TAG);
	return 0;
}
EOF
(cd "$T" && exec "$BCC_HELLO" -f greet.c -I inc -p "$W" -c 1 </dev/null >"$T/greet.out" 2>"$T/greet.err")
rc=$?
(cd "$T" && exec "$BCC_HELLO" -f greet.c --dry-run </dev/null >"$T/greet_no_i.out" 2>"$T/greet_no_i.err")
rc_no_i=$?
expect "exit 0 and '$TAG greeting 4242'" "exit $rc: $(head -3 "$T/greet.out") $(said greet)" \
	sh -c "[ $rc = 0 ] && grep -q ' $TAG greeting 4242\$' '$T/greet.out'" &&
	expect "without -I inc, exit 1: the header is not found" "exit $rc_no_i: $(head -2 "$T/greet_no_i.err")" \
		sh -c "[ $rc_no_i = 1 ] && grep -q 'greeting_$TAG.h' '$T/greet_no_i.err'" && ok

# A file with two entry points, each attached where it says.
cat >"$T/two.c" <<EOF
TRACEPOINT_PROBE(syscalls, sys_enter_openat)
{
	bpf_trace_printk("$TAG two open\n");
	return 0;
}

RAW_TRACEPOINT_PROBE(sched_process_exec)
{
	bpf_trace_printk("$TAG two exec\n");
	return 0;
}
EOF

case_ "two entry points in one file both report, each from its own tracepoint"
# Each cat is a new process: it execs (sched_process_exec), then opens.
sh -c 'while :; do cat /etc/hostname >/dev/null; sleep 0.1; done' &
BG_PIDS+=($!)
run two -f "$T/two.c" -d 2
opens=$(events two | grep -c "^[0-9.]* *cat .* $TAG two open\$")
execs=$(events two | grep -c "^[0-9.]* *cat .* $TAG two exec\$")
expect "exit 0" "exit $RC: $(said two)" [ "$RC" = 0 ] &&
	expect "lines of cat from both entry points" "$opens opens, $execs execs in: $(grep -m4 ' cat ' "$T/two.out")" \
		[ "$opens" -gt 0 -a "$execs" -gt 0 ] && ok

case_ "-t with a file of two entry points is refused, naming both"
run two_t -f "$T/two.c" -t syscalls:sys_enter_write -c 1
msg=$(said two_t)
expect "exit 1 and one error naming both entry points" "exit $RC: '$msg'" \
	sh -c "[ '$RC' = 1 ] && [ \$(printf '%s\n' \"\$1\" | wc -l) = 1 ] && printf '%s\n' \"\$1\" | grep -q tracepoint__syscalls__sys_enter_openat && printf '%s\n' \"\$1\" | grep -q raw_tracepoint__sched_process_exec" _ "$msg" &&
	expect "nothing on stdout" "$(head -3 "$T/two_t.out")" [ ! -s "$T/two_t.out" ] && ok

case_ "a kprobe program is refused: this kernel has no kprobes"
cat >"$T/kprobe.c" <<'EOF'
int kprobe__do_sys_open(struct pt_regs *ctx)
{
	bpf_trace_printk("open\n");
	return 0;
}
EOF
run kprobe -f "$T/kprobe.c" -c 1
msg=$(said kprobe)
# This machine's kernel is built without kprobes; on one with them, the
# refusal says that bcc-hello attaches tracepoints only.
if in_tracefs '[ -e $TFS/kprobe_events ]'; then
	want='kprobe do_sys_open; bcc-hello attaches tracepoints'
else
	want='kprobe.*CONFIG_KPROBES'
fi
expect "exit 1 and one error matching '$want'" "exit $RC: '$msg'" \
	sh -c "[ '$RC' = 1 ] && [ \$(printf '%s\n' \"\$1\" | wc -l) = 1 ] && printf '%s\n' \"\$1\" | grep -q '$want'" _ "$msg" &&
	expect "nothing on stdout" "$(head -3 "$T/kprobe.out")" [ ! -s "$T/kprobe.out" ] && ok

# Every program a learner finds in programs/ compiles and passes the
# verifier, whichever of them exist when this runs.
for f in "$BCC_HELLO_SRC"/programs/*.c; do
	name=$(basename "$f" .c)
	case_ "programs/$name.c compiles and loads (--dry-run)"
	run "prog_$name" -f "$f" --dry-run
	expect "exit 0 and the dry-run line" "exit $RC: $(said "prog_$name"; tail -5 "$T/prog_$name.err")" \
		sh -c "[ '$RC' = 0 ] && grep -q '^bcc-hello: .*$name\.c: compiled and loaded [1-9][0-9]* programs*; nothing attached (--dry-run)\$' '$T/prog_$name.err'" && ok
done
case_ "programs/ holds the lesson's programs"
expect "programs/hello.c among them" "$(ls "$BCC_HELLO_SRC/programs")" [ -f "$BCC_HELLO_SRC/programs/hello.c" ] && ok

finish
