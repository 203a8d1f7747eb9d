# t_owners.sh: what a run makes stays its own while it lives, whatever it
# is called and whichever PID namespace it runs in. A run removes what
# killed runs left (header trees, ftrace instances) only when no live run
# holds it (a lock each run keeps on what it makes), never by a process
# name or a PID: a copy of the binary under another name keeps its tree
# while an ordinary run starts, and two runs with the same PID in two PID
# namespaces each get an instance of their own.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"

SRC=$BCC_HELLO_SRC
said() { grep '^bcc-hello: ' "$T/$1.err" || true; }

case_ "a run under another name keeps its header tree while another run starts, and reloads with it"
# The copy finds its compiler module beside it, as an install does.
cp "$BCC_HELLO" "$T/hello-copy"
cp "$(dirname "$BCC_HELLO")/bcc-hello-compiler.so" "$T/"
cp "$SRC/programs/hello.c" "$T/w.c"
# --no-cache: it compiles, so it makes its tree.
BCC_HELLO="$T/hello-copy" start_hello copy -f "$T/w.c" --watch --no-cache -v
C=$HELLO_PID
wait_for "$T/copy.err" '\[4/5\] read' 60
tree=$(tree_made_by copy)
"$BCC_HELLO" --dry-run -v </dev/null >"$T/other.out" 2>"$T/other.err"
orc=$?
kept=no
[ -n "$tree" ] && [ -d "$tree" ] && kept=yes
echo "/* saved again */" >>"$T/w.c"
wait_for "$T/copy.err" ' reloaded | reload of ' 30
kill -INT "$C"
wait_exit "$C" 30 || kill -9 "$C" 2>/dev/null
left=$(left_behind "$C")
expect "the copy made a tree" "'$tree': $(said copy | head -4)" [ -n "$tree" ] &&
	expect "the other run exits 0, and removes nothing" "exit $orc: $(said other)" \
		sh -c "[ $orc = 0 ] && ! grep -q 'removed what killed runs left' '$T/other.err'" &&
	expect "the copy's tree still there after it" "gone" [ "$kept" = yes ] &&
	expect "the copy reloads its source" "$(said copy | grep -E "reloaded|reload of")" \
		sh -c "grep -q 'reloaded $T/w.c' '$T/copy.err' && ! grep -q 'reload of .* failed' '$T/copy.err'" &&
	expect "exit 0 at the stop" "exit $RC: $(tail -1 "$T/copy.err")" [ "$RC" = 0 ] &&
	expect "its tree removed then" "still there" [ ! -e "$tree" ] &&
	expect "nothing left behind" "$left" [ -z "$left" ] && ok

case_ "two runs with the same PID in two PID namespaces each read an instance of their own"
# In a new PID namespace (unshare -pf) bcc-hello is PID 1: both would name
# their instance bcc-hello-1. openat.c: no write of theirs is traced.
sh -c 'while :; do : </etc/hostname; sleep 0.05; done' &
O=$!
BG_PIDS+=($O)
unshare -pf --kill-child "$BCC_HELLO" -f "$SRC/programs/openat.c" -v -d 60 </dev/null >"$T/ns1.out" 2>"$T/ns1.err" &
U1=$!
BG_PIDS+=($U1)
wait_for "$T/ns1.err" '\[4/5\] read' 60
unshare -pf --kill-child "$BCC_HELLO" -f "$SRC/programs/openat.c" -v -c 3 </dev/null >"$T/ns2.out" 2>"$T/ns2.err" &
U2=$!
BG_PIDS+=($U2)
wait_exit "$U2" 60 || kill -9 "$U2" 2>/dev/null
rc2=$RC
n1=$(pgrep -P "$U1" -x bcc-hello || true)
[ -n "$n1" ] && kill -INT "$n1"
wait_exit "$U1" 30 || kill -9 "$U1" 2>/dev/null
rc1=$RC
kill "$O" 2>/dev/null
d1=$(read_dir ns1)
d2=$(read_dir ns2)
n2=$(grep -c 'openat ' "$T/ns2.out" || true)
left=$(instances | grep -E '^bcc-hello-1(-[0-9]+)?$' || true)
expect "the first reads instances/bcc-hello-1" "'$d1'" sh -c "case '$d1' in */instances/bcc-hello-1) ;; *) exit 1 ;; esac" &&
	expect "the second exits 0 with 3 events" "exit $rc2, $n2 events: $(said ns2 | tail -2)" [ "$rc2/$n2" = 0/3 ] &&
	expect "in an instance of its own" "'$d2'" sh -c "case '$d2' in */instances/bcc-hello-1-[0-9]*) ;; *) exit 1 ;; esac" &&
	expect "the first ends well too" "exit $rc1: $(said ns1 | tail -1)" [ "$rc1" = 0 ] &&
	expect "neither instance left" "$left" [ -z "$left" ] && ok

finish
