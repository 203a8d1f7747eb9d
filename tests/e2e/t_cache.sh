# t_cache.sh: compiled programs kept across runs.
#
# A second run of the same source and flags loads what the first
# compiled, and prints the same events; a new -p value is patched into
# the program compiled with a placeholder, not compiled again; a changed
# source, define or included header compiles again; --no-cache compiles
# and writes nothing; an entry that was tampered with (corrupted,
# truncated, another user's, a symbolic link) is never loaded, and is
# replaced. The cache folder is this test's own ($BCC_HELLO_CACHE_DIR).
. "$(dirname "$0")/lib.sh"
require_bpf
C=$BCC_HELLO_CACHE_DIR

start_writer
W=$!
start_writer
W2=$!

# run NAME ARGS...: a run to its end (60 s at most), -v on stderr.
run() {
	local name="$1"
	shift
	start_hello "$name" -v "$@"
	wait_exit "$HELLO_PID" 60 || kill -9 "$HELLO_PID" 2>/dev/null
}
compiled() { grep -q '\[1/5\] compiled in' "$T/$1.err"; }
cached() { grep -q '\[1/5\] compile: cached' "$T/$1.err"; }
how() { grep -E '\[1/5\] (compiled in|compile: cached|cache:)' "$T/$1.err" | head -3 | tr '\n' ' '; }
entries() { find "$C" -maxdepth 1 -name '*.bhc' | wc -l; }
# The lines of run NAME about PID, with times, CPUs and counts (numbers
# other than the PID) blanked: what a cold and a warm run must share.
# Times go first: a time is never the PID, even when its whole seconds
# are the same digits (a machine up for 28787 s, a writer of PID 28787).
shape() {
	grep -v '^TIME' "$T/$1.out" |
		sed -E "s/[0-9]+\.[0-9]+/#/g; s/\b$2\b/<pid>/g; s/[0-9]+/#/g; s/ +/ /g" |
		grep -F '<pid>' | sort -u
}

case_ "a second run of the same source loads the cached program, and prints the same events"
run cold -p "$W" -c 3
run warm -p "$W" -c 3
expect "the first run compiled" "$(how cold)" compiled cold &&
	expect "the second run: '[1/5] compile: cached'" "$(how warm)" cached warm &&
	expect "3 events of $W in each" "$(grep -c "PID $W\.\$" "$T/cold.out") and $(grep -c "PID $W\.\$" "$T/warm.out")" \
		sh -c "[ \$(grep -c 'PID $W\.\$' '$T/cold.out') = 3 ] && [ \$(grep -c 'PID $W\.\$' '$T/warm.out') = 3 ]" &&
	expect "the same lines" "$(shape cold "$W" | head -2) / $(shape warm "$W" | head -2)" \
		[ "$(shape cold "$W")" = "$(shape warm "$W")" ] && ok

# Every program of programs/: a warm run (the cache filled by a first
# one) prints what a cold one (--no-cache) does, for the writer: the same
# lines, times, CPUs and counts aside, in --json.
for prog in "$BCC_HELLO_SRC"/programs/*.c; do
	name=$(basename "$prog" .c)
	case_ "programs/$name.c: a warm run prints the same events as a cold one"
	run "c_$name" -f "$prog" -p "$W" --json -d 1.5 --no-cache
	rc_cold=$RC
	run "f_$name" -f "$prog" -p "$W" --json -d 0.1 # fills the cache
	run "w_$name" -f "$prog" -p "$W" --json -d 1.5
	n=$(grep -c "$W" "$T/c_$name.out" || true)
	echo "# $name: $n lines about $W in the cold run"
	expect "both exit 0" "$rc_cold and $RC: $(tail -1 "$T/c_$name.err") / $(tail -1 "$T/w_$name.err")" \
		[ "$rc_cold/$RC" = 0/0 ] &&
		expect "the warm run from the cache" "$(how "w_$name")" cached "w_$name" &&
		expect "the same lines" "cold: $(shape "c_$name" "$W" | head -3) / warm: $(shape "w_$name" "$W" | head -3)" \
			[ "$(shape "c_$name" "$W")" = "$(shape "w_$name" "$W")" ] && ok
done

case_ "a new -p value is patched in: no compile, and only that process's events"
run newpid -p "$W2" -c 3
others=$(grep -v '^TIME' "$T/newpid.out" | grep -vc "PID $W2\.\$" || true)
expect "'cached', and 'PID_FILTER=$W2 patched in'" "$(how newpid) $(grep 'patched' "$T/newpid.err")" \
	sh -c "grep -q 'compile: cached' '$T/newpid.err' && grep -q 'PID_FILTER=$W2 patched in at [1-9]' '$T/newpid.err'" &&
	expect "3 events, all of $W2" "$(grep -c "PID $W2\.\$" "$T/newpid.out") of $W2, $others others" \
		sh -c "[ \$(grep -c 'PID $W2\.\$' '$T/newpid.out') = 3 ] && [ $others = 0 ]" && ok

case_ "a changed source, define or included header compiles again"
mkdir -p "$T/src"
printf '#define WORD 1001\n' >"$T/src/word.h"
cat >"$T/src/p.c" <<'EOF'
#include "word.h"
int hello(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	bpf_trace_printk("%d %d\n", WORD, pid);
	return 0;
}
EOF
run p1 -f "$T/src/p.c" -p "$W" -c 1
run p2 -f "$T/src/p.c" -p "$W" -c 1
printf '#define WORD 1002\n' >"$T/src/word.h"
run p3 -f "$T/src/p.c" -p "$W" -c 1
run p4 -f "$T/src/p.c" -p "$W" -c 1 -D UNUSED=1
sed -i 's/"%d %d/"%d pid %d/' "$T/src/p.c"
run p5 -f "$T/src/p.c" -p "$W" -c 1
expect "p1 compiled, p2 cached" "$(how p1) / $(how p2)" sh -c "grep -q 'compiled in' '$T/p1.err' && grep -q 'compile: cached' '$T/p2.err'" &&
	expect "the changed header: compiled, and its new word printed" "$(how p3): $(tail -1 "$T/p3.out")" \
		sh -c "grep -q 'compiled in' '$T/p3.err' && grep -q ' 1002 $W\$' '$T/p3.out'" &&
	expect "a new define: compiled" "$(how p4)" compiled p4 &&
	expect "the changed source: compiled, its new line printed" "$(how p5): $(tail -1 "$T/p5.out")" \
		sh -c "grep -q 'compiled in' '$T/p5.err' && grep -q ' 1002 pid $W\$' '$T/p5.out'" && ok

case_ "--no-cache compiles, and writes nothing"
rm -rf "$C"
run nocache -p "$W" -c 1 --no-cache
expect "compiled" "$(how nocache)" compiled nocache &&
	expect "no cache folder made" "$(ls -la "$C" 2>&1 | head -3)" [ ! -e "$C" ] && ok

# A fresh entry of the embedded program (without -p: one compile).
fresh_entry() {
	rm -rf "$C"
	run fill -c 1
	ENTRY=$(find "$C" -maxdepth 1 -name '*.bhc' | head -1)
}

# tampered NAME WHAT: after tampering, run NAME did not load the entry,
# said why with -v, compiled, printed its event, and replaced the entry.
tampered() {
	local name="$1" why="$2"
	run "$name" -c 1
	expect "-v: the entry ignored ($why)" "$(how "$name")" grep -q "cache: entry .* ignored ($why" "$T/$name.err" &&
		expect "compiled" "$(how "$name")" compiled "$name" &&
		expect "its event printed" "$(head -3 "$T/$name.out")" grep -q 'BPF triggered from PID' "$T/$name.out" &&
		expect "the entry replaced: a regular file of root's, mode 600" "$(ls -l "$ENTRY" 2>&1)" \
			sh -c "[ -f '$ENTRY' ] && [ ! -L '$ENTRY' ] && [ \"\$(stat -c '%u %a' '$ENTRY')\" = '0 600' ]" && ok
}

case_ "a corrupted entry is never loaded: ignored, said, compiled and replaced"
fresh_entry
printf 'X' | dd of="$ENTRY" bs=1 seek=200 conv=notrunc status=none
tampered corrupt "checksum mismatch"

case_ "a truncated entry is never loaded"
fresh_entry
truncate -s 100 "$ENTRY"
tampered truncated "truncated"

case_ "an entry owned by another user is never loaded"
fresh_entry
chown 65534:65534 "$ENTRY"
tampered foreign "owned by another user"

case_ "an entry that is a symbolic link is never followed"
fresh_entry
mv "$ENTRY" "$T/real.bhc"
ln -s "$T/real.bhc" "$ENTRY"
tampered symlink "a symbolic link"

case_ "another user cannot plant an entry: the folder is root's and private"
fresh_entry
planted=$(setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "echo x >'$C/planted.bhc'" 2>&1 || true)
expect "mode 700, root's" "$(stat -c '%u %a' "$C")" [ "$(stat -c '%u %a' "$C")" = "0 700" ] &&
	expect "the write refused" "$planted" [ ! -e "$C/planted.bhc" ] && ok

case_ "a cache folder others may write is not used"
rm -rf "$C"
mkdir -m 0777 "$C"
run open -c 1
expect "-v: not used" "$(grep 'cache:' "$T/open.err")" grep -q "cache: $C not used" "$T/open.err" &&
	expect "compiled, and nothing written there" "$(how open); $(ls "$C")" \
		sh -c "grep -q 'compiled in' '$T/open.err' && [ -z \"\$(ls '$C')\" ]" && ok

finish
