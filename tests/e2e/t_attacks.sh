# t_attacks.sh: another user on the machine tries to fool root's tracer.
#
# Each case is an attack an unprivileged user (uid 65534, through setpriv)
# can make while root runs bcc-hello: bytes of a file name or a process
# name that would drive root's terminal, a process name that forges a
# trace line's task to hide its events as bcc-hello's own, and a TMPDIR
# the user can write, to swap or plant what root compiles or removes.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"

SRC=$BCC_HELLO_SRC
NOBODY=65534
# as_nobody CMD...: run it as uid and gid 65534, with no other groups.
as_nobody() { setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$@"; }
# The same in the background, exec'd, so that $! is the command's own PID.
as_nobody_bg() {
	(exec setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$@") &
	BG_PIDS+=($!)
}

# A folder of the attacker's, inside $T (which it may only traverse).
chmod 711 "$T"
A="$T/attacker"
mkdir "$A"
chown $NOBODY:$NOBODY "$A"

# said NAME: the "bcc-hello: " lines of run NAME.
said() { grep '^bcc-hello: ' "$T/$1.err" || true; }

ESC=$(printf '\033')
case_ "escape sequences in a file name and a process name reach root's terminal escaped"
file="$A/f$(printf '\033]2;owned\007\033[2J')x"
link="$A/e$(printf '\033[1m')sh"
as_nobody touch "$file"
as_nobody ln -s /bin/sh "$link"
as_nobody_bg "$link" -c 'while :; do : <"$1"; sleep 0.05; done' _ "$file"
W=$!
start_hello esc -f "$SRC/programs/openat.c" -p "$W" -c 3
wait_exit "$HELLO_PID" 60 || kill -9 "$HELLO_PID" 2>/dev/null
kill "$W" 2>/dev/null
n=$(grep -cF 'openat '"$A"'/f\x1b]2;owned\x07\x1b[2Jx' "$T/esc.out" || true)
c=$(grep -cF 'e\x1b[1msh' "$T/esc.out" || true)
expect "exit 0 and 3 events" "exit $RC; $(said esc)" [ "$RC" = 0 ] &&
	expect "no escape byte on stdout" "$(grep -c "$ESC" "$T/esc.out") lines with one" \
		sh -c "! grep -q '$ESC' '$T/esc.out'" &&
	expect "the file name escaped in 3 lines" "$n lines; $(head -3 "$T/esc.out" | cat -v)" [ "$n" = 3 ] &&
	expect "the command escaped in 3 lines" "$c lines" [ "$c" = 3 ] && ok

case_ "a process named like bcc-hello's own task is not hidden as bcc-hello's own"
mark="$A/mark"
as_nobody touch "$mark"
start_hello forge -f "$SRC/programs/openat.c" -d 30 -v
H=$HELLO_PID
wait_for "$T/forge.err" '\[4/5\] read' 60
# "-H[0] 1: e:" as the command (15 bytes with a PID of up to 5 digits):
# the kernel prints it right-aligned before the real "-PID [CPU]", and a
# parser that takes the first "-<pid>[<cpu>]" followed by a time and an
# event sees bcc-hello's PID.
forged="$A/-$H[0] 1: e:"
as_nobody ln -s /bin/sh "$forged"
# (It sleeps first: the kernel's cache of command names takes the new one
# at the process's next context switch; until then lines say "<...>".)
as_nobody_bg "$forged" -c 'sleep 0.3; i=0; while [ $i -lt 20 ]; do : <"$1"; i=$((i + 1)); done; sleep 0.5' _ "$mark"
F=$!
wait "$F"
# stop once the 20 opens are printed (or after 20 s)
for ((i = 0; i < 400; i++)); do
	[ "$(grep -cF "openat $mark" "$T/forge.out")" -ge 20 ] && break
	sleep 0.05
done
kill -INT "$H"
wait_exit "$H" 30 || kill -9 "$H" 2>/dev/null
# columns: TIME(s) 18 wide, COMM 16 (this one holds spaces), then PID
n=$(grep -F "openat $mark" "$T/forge.out" | cut -c37-44 | tr -d ' ' | grep -cx "$F" || true)
all=$(grep -cF "openat $mark" "$T/forge.out" || true)
expect "exit 0" "exit $RC; $(said forge)" [ "$RC" = 0 ] &&
	expect "all 20 opens of $mark printed, with the attacker's PID $F" \
		"$n of them with PID $F, $all in all; $(grep -F "openat $mark" "$T/forge.out" | head -2)" \
		[ "$n" = 20 ] && expect "no other line for them" "$all" [ "$all" = 20 ] && ok

case_ "a traced string with a newline and a whole trace line after it forges no event, in text or --json"
# The file name the attacker opens holds a newline, then a line laid out
# as the kernel lays out a trace line: "sshd", right-aligned in 16
# columns, as PID 1, opening /etc/shadow. trace_pipe's text cannot tell
# that newline from the end of an event; this run's mark, at the start of
# each of its program's messages, can: the forged line has none.
forged_name="a
$(printf '%16s' sshd)-1 [000] ..... 1.000000: bpf_trace_printk: openat /etc/shadow"
start_hello forge_t -f "$SRC/programs/openat.c" -d 60 -v
FT=$HELLO_PID
start_hello forge_j -f "$SRC/programs/openat.c" -d 60 -v --json
FJ=$HELLO_PID
wait_for "$T/forge_t.err" '\[4/5\] read' 60
wait_for "$T/forge_j.err" '\[4/5\] read' 60
# 10 opens (it runs in $A: the name fits openat.c's 64 bytes; the path
# is made, so that each open succeeds)
as_nobody mkdir -p "$(dirname "$A/$forged_name")"
as_nobody touch "$A/$forged_name"
as_nobody_bg sh -c 'cd "$1" && i=0; while [ $i -lt 10 ]; do : <"$2"; i=$((i + 1)); done; sleep 0.5' _ "$A" "$forged_name"
F=$!
wait "$F"
for ((i = 0; i < 400; i++)); do
	[ "$(grep -c '"pid":'"$F"',"msg":"openat a' "$T/forge_j.out")" -ge 10 ] &&
		[ "$(grep -cE "^[0-9.]+ +sh +$F +[0-9]+ +openat a" "$T/forge_t.out")" -ge 10 ] && break
	sleep 0.05
done
kill -INT "$FT" "$FJ"
wait_exit "$FT" 30 || kill -9 "$FT" 2>/dev/null
rct=$RC
wait_exit "$FJ" 30 || kill -9 "$FJ" 2>/dev/null
rcj=$RC
tn=$(grep -cE "^[0-9.]+ +sh +$F +[0-9]+ +openat a$" "$T/forge_t.out" || true)
jn=$(grep -c '"pid":'"$F"',"msg":"openat a"}$' "$T/forge_j.out" || true)
tf=$(grep -c 'etc/shadow' "$T/forge_t.out" || true)
jf=$(grep -c 'etc/shadow' "$T/forge_j.out" || true)
expect "both exit 0" "exit $rct and $rcj; $(said forge_t | tail -1); $(said forge_j | tail -1)" [ "$rct/$rcj" = 0/0 ] &&
	expect "the attacker's 10 opens in the text, each with its own PID $F" "$tn; $(grep -F "openat a" "$T/forge_t.out" | head -2)" [ "$tn" = 10 ] &&
	expect "and in the JSON" "$jn; $(grep -F "openat a" "$T/forge_j.out" | head -2)" [ "$jn" = 10 ] &&
	expect "no forged event for /etc/shadow in the text" "$(grep -F etc/shadow "$T/forge_t.out" | head -2)" [ "$tf" = 0 ] &&
	expect "nor in the JSON" "$(grep -F etc/shadow "$T/forge_j.out" | head -2)" [ "$jf" = 0 ] && ok

# tree_in DIR: header trees bcc-hello made in DIR.
tree_in() { ls -d "$1"/bcc-hello-headers-* 2>/dev/null || true; }
# one_line NAME REGEX: run NAME said exactly one line, matching REGEX.
one_line() { [ "$(said "$1" | wc -l)" = 1 ] && said "$1" | grep -Eq -- "$2"; }

case_ "a TMPDIR that belongs to another user is refused in one line, and nothing is made"
TMPDIR="$A" "$BCC_HELLO" --dry-run </dev/null >"$T/tmp_user.out" 2>"$T/tmp_user.err"
RC=$?
expect "exit 1 and one line naming uid 65534 and what to do" "exit $RC: $(said tmp_user)" \
	[ "$RC" = 1 ] && expect "that line" "$(said tmp_user)" \
	one_line tmp_user "TMPDIR $A is unsafe: .* belongs to uid 65534.*unset it" &&
	expect "no tree in $A" "$(tree_in "$A")" [ -z "$(tree_in "$A")" ] && ok

case_ "a TMPDIR others may write without the sticky bit is refused"
mkdir "$T/open"
chmod 777 "$T/open"
TMPDIR="$T/open" "$BCC_HELLO" --dry-run </dev/null >"$T/tmp_open.out" 2>"$T/tmp_open.err"
RC=$?
expect "exit 1 and one line naming the sticky bit" "exit $RC: $(said tmp_open)" \
	[ "$RC" = 1 ] && expect "that line" "$(said tmp_open)" \
	one_line tmp_open "TMPDIR $T/open is unsafe: .*lacks the sticky bit" &&
	expect "no tree in it" "$(tree_in "$T/open")" [ -z "$(tree_in "$T/open")" ] && ok

case_ "in a shared sticky TMPDIR, what another user plants is left alone and ours cannot be swapped"
S="$T/sticky"
mkdir "$S"
chmod 1777 "$S"
mkdir "$T/precious"
echo keep >"$T/precious/file"
chmod 755 "$T/precious"
# "left by a killed run": a link to root's folder, and a folder of its own
as_nobody ln -s "$T/precious" "$S/bcc-hello-headers-1-evil"
as_nobody mkdir "$S/bcc-hello-headers-2-evil"
as_nobody ln -s "$T/precious" "$S/bcc-hello-headers-2-evil/link"
TMPDIR="$S" start_hello sticky -d 30 -v
wait_for "$T/sticky.err" '\[4/5\] read' 60
tree=$(grep -o 'made into [^ ]*' "$T/sticky.err" | cut -d' ' -f3)
# The attacker tries to rename bcc-hello's tree away, and to put its own
# in its place.
as_nobody mv "$tree" "$S/stolen" 2>/dev/null
mv_rc=$?
as_nobody mkdir -p "$tree/include/linux" 2>/dev/null
mk_rc=$?
kill -INT "$HELLO_PID"
wait_exit "$HELLO_PID" 30 || kill -9 "$HELLO_PID" 2>/dev/null
expect "exit 0" "exit $RC; $(said sticky)" [ "$RC" = 0 ] &&
	expect "a tree made in $S" "'$tree'" sh -c "case '$tree' in '$S'/bcc-hello-headers-*) ;; *) exit 1 ;; esac" &&
	expect "the attacker's mv refused" "mv exit $mv_rc" [ "$mv_rc" != 0 ] &&
	expect "the attacker's mkdir in it refused" "mkdir exit $mk_rc" [ "$mk_rc" != 0 ] &&
	expect "our tree gone at exit" "$(ls -d "$tree" 2>&1)" [ ! -e "$tree" ] &&
	expect "root's file kept" "$(cat "$T/precious/file" 2>&1)" [ "$(cat "$T/precious/file")" = keep ] &&
	expect "the attacker's entries left alone" "$(ls "$S")" \
		test -L "$S/bcc-hello-headers-1-evil" -a -L "$S/bcc-hello-headers-2-evil/link" && ok

finish
