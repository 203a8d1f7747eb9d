# t_badinput.sh: bad input of every kind, and what bcc-hello says.
#
# t_errors.sh shows the mistakes a learner makes; this file goes through
# every option that takes a value and every kind of file -f can be given,
# with values nobody means: empty, negative, overflowing, not numbers,
# followed by junk, NaN, names with '/', '..', spaces, non-ASCII bytes,
# devices, FIFOs, sockets, sparse files of 10 GiB, NUL bytes, symlink
# loops, unreadable files, names too long. Each is refused with exactly
# one "bcc-hello: " line that names the option or the file and the
# problem, exit 2 for a usage error and 1 for anything else, never a
# signal, a sanitizer report or a hang, and nothing left behind.
. "$(dirname "$0")/lib.sh"
require_bpf

# Where bcc-hello makes header trees: $TMPDIR, else /dev/shm or /tmp.
TMP_ROOTS=${TMPDIR:-/dev/shm /tmp}

# run NAME ARGS...: bcc-hello with stdout in $T/NAME.out, stderr in
# $T/NAME.err, exit status in $RC ("timeout" after 30 s), PID in $RUN_PID.
run() {
	local name="$1"
	shift
	"${RUNNER[@]}" "$BCC_HELLO" "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err" &
	RUN_PID=$!
	wait_exit "$RUN_PID" 30 || kill -9 "$RUN_PID" 2>/dev/null
}
RUNNER=()

# What a crash looks like on stderr.
CRASH='Segmentation|Aborted|core dumped|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|stack smashing|double free|malloc\(\)'

# The header trees a run of PID made and did not remove (left_behind in
# lib.sh knows programs, instances and tracefs mounts).
headers_left() {
	local r d
	for r in $TMP_ROOTS; do
		for d in "$r/bcc-hello-headers-$1-"*; do
			[ -e "$d" ] && echo "$d"
		done
	done
	true
}

# A usage error stops before anything is made, and most cases here are
# usage errors. After each, what it could leave is looked up directly,
# in this process: its instance, its header tree, a tracefs mount.
# Programs take bpftool: the usage errors share one snapshot, and one
# case after them checks that none left a program (lib.sh's left_behind,
# which waits for the kernel to free one and leaves out those that others
# hold). Without tracefs at its usual place, each case uses left_behind.
TFS_HERE=$(awk '$3 == "tracefs" && $2 == "/sys/kernel/tracing" { print $2; exit }' /proc/self/mounts)
USAGE_PIDS=()
quick_left() {
	local pid="$1" l mounts=0
	if [ -z "$TFS_HERE" ]; then
		left_behind "$pid"
	else
		[ -e "$TFS_HERE/instances/bcc-hello-$pid" ] && echo "instance bcc-hello-$pid"
		while read -r l; do
			[[ $l == *" tracefs "* ]] && mounts=$((mounts + 1))
		done </proc/self/mounts
		[ "$mounts" -gt "$MOUNTS_BEFORE" ] && echo "a tracefs mount"
	fi
	headers_left "$pid"
}

# check NAME CODE REGEX: run NAME exited CODE (not by a signal, not after
# a timeout), printed nothing on stdout and no crash report, and exactly
# one "bcc-hello: " line (the header-version warning some machines cause
# before run errors aside), last on stderr and matching REGEX; and left
# nothing behind. A usage error (CODE 2) is also the only line on stderr.
# Ends the case with ok or fail. It starts few processes: there are 96
# cases.
check() {
	local name="$1" code="$2" re="$3" err l lines=() left
	local -a all
	mapfile -t all <"$T/$name.err"
	err="${all[*]:0:8}"
	if [ "$RC" = timeout ]; then
		fail "expected exit $code, got no exit within 30 s (killed); stderr: $err"
		return
	fi
	if [ "$RC" -ge 128 ]; then
		fail "expected exit $code, got signal $((RC - 128)) (exit $RC); stderr: $err"
		return
	fi
	for l in "${all[@]}"; do
		[[ $l == "bcc-hello: "* && $l != "bcc-hello: warning: "* ]] && lines+=("$l")
	done
	if [ "$code" = 2 ]; then
		USAGE_PIDS+=("$RUN_PID")
		left=$(quick_left "$RUN_PID")
	else
		left="$(left_behind "$RUN_PID")$(headers_left "$RUN_PID")"
	fi
	if [ "$RC" != "$code" ]; then
		fail "expected exit $code, got exit $RC; stderr: $err"
	elif [ -s "$T/$name.out" ]; then
		fail "expected nothing on stdout, got '$(head -c 300 "$T/$name.out")'"
	elif grep -aEq "$CRASH" "$T/$name.err"; then
		fail "expected no crash report, got: $(grep -aE -m2 "$CRASH" "$T/$name.err")"
	elif [ "${#lines[@]}" != 1 ]; then
		fail "expected one 'bcc-hello: ' line, got ${#lines[@]} in: $err"
	elif [ "${all[-1]}" != "${lines[0]}" ]; then
		fail "expected the error line last on stderr, got last line '${all[-1]}'"
	elif ! [[ ${lines[0]} =~ $re ]]; then
		fail "expected a line matching /$re/, got '${lines[0]}'"
	elif [ "$code" = 2 ] && [ "${#all[@]}" != 1 ]; then
		fail "expected stderr to be that one line, got ${#all[@]} lines: $err"
	elif [ -n "$left" ]; then
		fail "expected nothing left behind, got $left"
	else
		ok
	fi
}

# usage NAME REGEX ARGS...: a case whose command line is refused (exit 2).
usage() {
	local name="$1" re="$2"
	shift 2
	run "$name" "$@"
	check "$name" 2 "$re"
}

# fails NAME REGEX ARGS...: a case whose run fails (exit 1).
fails() {
	local name="$1" re="$2"
	shift 2
	snapshot
	run "$name" "$@"
	check "$name" 1 "$re"
}

# A regex matching the string s literally.
lit() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }

snapshot # for all usage errors

# --- options without their value, or with an empty one -----------------
# (t_errors.sh covers -p without a value and -p '')

i=0
for o in -f -t -d -c -i -K -D -I --set --dump --duration --kernel-headers; do
	i=$((i + 1))
	case_ "$o without a value says that it needs one"
	usage "missing$i" "^bcc-hello: $o needs a value" "$o"
done

case_ "an option that takes a value, last after others, still names itself"
usage missing_last "^bcc-hello: -c needs a value" -v --raw -c

i=0
for o in -f -t -d -c -i -K -D -I --set --dump; do
	i=$((i + 1))
	case_ "$o '' (an empty value) is refused, naming $o"
	usage "empty$i" "^bcc-hello: ${o}[ :]" "$o" ""
done

case_ "--count= (empty after '=') is refused, naming --count"
usage empty_eq "^bcc-hello: --count '': expected a count" --count=

# --- numbers: negative, overflowing, not numbers, junk after, NaN, inf --
# (t_errors.sh covers -p 0 -1 abc 99999999999, -c 0 x, -d 0 -1 abc)

n=0
num() {
	local o="$1" v="$2"
	n=$((n + 1))
	case_ "$o '$v' is refused: not a number $o accepts"
	usage "num$n" "^bcc-hello: $o '$(lit "$v")': expected" "$o" "$v"
}
for v in 99999999999999999999 5x; do num -p "$v"; done
for v in -1 99999999999999999999 5x; do num -c "$v"; done
for v in 99999999999999999999 5x nan inf; do num -d "$v"; done
for v in -1 99999999999999999999 abc 5x nan inf -inf; do num -i "$v"; done
num -d 1e3
num -d 0x10

case_ "a long option is named as written: --duration=NaN"
usage num_long "^bcc-hello: --duration 'NaN': expected a number of seconds" --duration=NaN

case_ "-c with a value glued on (-c5x) is refused, naming -c"
usage num_glued "^bcc-hello: -c '5x'" -c5x

# --- values that look like options or junk, to the other options -------

case_ "-t -1 takes '-1' as the tracepoint and refuses it"
usage tp_dash "^bcc-hello: -t '-1': expected CATEGORY:EVENT" -t -1
case_ "--dump 5x is refused with the kinds it knows"
usage dump_junk "^bcc-hello: --dump '5x': expected source, preprocessed, ir or bpf" --dump 5x
case_ "--dump -1 is refused with the kinds it knows"
usage dump_dash "^bcc-hello: --dump '-1': expected source" --dump -1
case_ "--set x=99999999999999999999 (more than 64 bits) is refused"
usage set_big "^bcc-hello: --set 'x=99999999999999999999': the value must be an integer.*64 bits" \
	--set x=99999999999999999999
case_ "--set x=5x is refused: the value is not an integer"
usage set_junk "^bcc-hello: --set 'x=5x': the value must be an integer" --set x=5x
case_ "--set -1 is refused: NAME=VALUE is needed"
usage set_dash "^bcc-hello: --set '-1': expected NAME=VALUE" --set -1
case_ "-D -1 is refused: -1 is no macro name"
usage def_dash "^bcc-hello: -D '-1': expected NAME or NAME=VALUE" -D -1
case_ "-D with a line break in its value is refused, on one line"
usage def_nl "^bcc-hello: -D 'X=1\\\\x0a#include <x>': the value has a control character" \
	-D $'X=1\n#include <x>'

# --- tracepoint names (-t) and patterns (-l) ----------------------------
# (t_errors.sh covers -t syscalls, a/b:c, ../x:y, 'sys calls:x')

LONG200=$(printf 'a%.0s' {1..200})
i=0
for v in $'caf\xc3\xa9:x' $'sys\xff:x' 'a:..' ':sys_enter_write' 'syscalls:' \
	"$LONG200:x" "x:$LONG200" $'sys\ncalls:x'; do
	i=$((i + 1))
	v40=${v:0:40}
	case_ "-t '${v40//[^[:print:]]/?}' is refused before any path is built"
	usage "tpname$i" "^bcc-hello: -t '" -t "$v"
done

i=0
for v in 'a/b' '..' '../*' 'sys calls:*' $'caf\xc3\xa9:*' ':x' 'x:' '' \
	"$(printf 'a%.0s' {1..256})" $'*\n*'; do
	i=$((i + 1))
	v40=${v:0:40}
	case_ "-l '${v40//[^[:print:]]/?}' is refused before anything is listed"
	usage "pattern$i" "^bcc-hello: -l '" -l "$v"
done

# --- -D NAME[=VALUE] and --set NAME=VALUE: NAME a C identifier ----------

i=0
for v in 1x a-b '' 'a b' $'caf\xc3\xa9'; do
	i=$((i + 1))
	case_ "-D '$v=1' is refused: '$v' is not a C identifier"
	usage "defname$i" "^bcc-hello: -D '.*': expected NAME or NAME=VALUE, NAME a C identifier" -D "$v=1"
	case_ "--set '$v=1' is refused: '$v' is not a C identifier"
	usage "setname$i" "^bcc-hello: --set '.*': expected NAME=VALUE, NAME a C identifier" --set "$v=1"
done

# --- paths that no file can have ----------------------------------------

case_ "-f with a line break in the name is refused on one line"
usage path_nl "^bcc-hello: -f 'a\\\\x0ab\\.c': the file name has a control character" -f $'a\nb.c'
case_ "-K with a path longer than PATH_MAX is refused, its length said"
usage path_long "^bcc-hello: -K '.*\\.\\.\\.': the path is 5000 bytes long" -K "/$(printf 'k%.0s' {1..4999})"
case_ "-I with a path longer than PATH_MAX is refused, its length said"
usage path_long_i "^bcc-hello: -I '.*': the path is 4096 bytes long" -I "/$(printf 'i%.0s' {1..4095})"

case_ "none of the ${#USAGE_PIDS[@]} usage errors above left a program in the kernel"
left=$(left_behind "${USAGE_PIDS[${#USAGE_PIDS[@]} - 1]:-0}")
expect "no new program of ours that no one holds" "$left" [ -z "$left" ] && ok

# --- source files (-f) that are not BPF C programs -----------------------
# (t_errors.sh covers a missing file, a folder, a FIFO, an empty file,
# 1.2 MB, NUL bytes, a compile error. The source is read right after the
# privilege check, before tracefs, the header tree or the instance.)

case_ "-f of a missing file is refused before anything is set up: -v narrates no stage"
fails missing_v "^bcc-hello: $T/missing\.c: no such file" -v -f "$T/missing.c"

case_ "-f /dev/zero is refused as a device, at once, without reading it"
fails devzero "^bcc-hello: /dev/zero: a character device, not a regular file" -f /dev/zero

case_ "-f /dev/null is refused as a device"
fails devnull "^bcc-hello: /dev/null: a character device, not a regular file" -f /dev/null

case_ "-f on a socket is refused as not a regular file"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/sock.c"
fails socket "^bcc-hello: $T/sock\.c: not a regular file" -f "$T/sock.c"

case_ "-f with a sparse file of 10 GiB is refused by its size, at once"
truncate -s 10G "$T/sparse.c"
snapshot
start=$(date +%s)
run sparse -f "$T/sparse.c"
secs=$(($(date +%s) - start))
expect "the refusal within 10 s, without reading 10 GiB" "$secs s" [ "$secs" -lt 10 ] &&
	check sparse 1 "^bcc-hello: $T/sparse\.c: 10737418240 bytes, more than the 1048576-byte \(1 MiB\) limit"

case_ "-f with a file of exactly 1 MiB plus one byte is refused"
head -c 1048577 /dev/zero | tr '\0' ' ' >"$T/limit1.c"
fails limit1 "^bcc-hello: $T/limit1\.c: 1048577 bytes" -f "$T/limit1.c"

case_ "-f with a NUL byte inside the code names its line"
printf 'int hello(void *ctx)\n{\n\tint x = 1;\n\n\treturn x;\0\n}\n' >"$T/nul.c"
fails nul "^bcc-hello: $T/nul\.c:5: byte 0x00: this is not a C source file" -f "$T/nul.c"

case_ "-f with invalid UTF-8 in the code is refused by the compiler, in one bcc-hello line"
printf 'int hello(void *ctx)\n{\n\tint \xc3\x28x = 1;\n\treturn 0;\n}\n' >"$T/utf8.c"
snapshot
run utf8 -f "$T/utf8.c"
expect "clang's diagnostic naming line 3 of the file" "$(head -3 "$T/utf8.err")" \
	grep -aq "^$T/utf8\.c:3:" "$T/utf8.err" &&
	check utf8 1 "^bcc-hello: $T/utf8\.c: compilation failed"

case_ "-f with invalid UTF-8 only in a comment and a string compiles and loads (--dry-run)"
sed -e '1i /* \xff\xfe: not UTF-8 */' -e 's/BPF triggered/BPF \xff triggered/' \
	"$BCC_HELLO_SRC/programs/hello.c" >"$T/latin1.c"
run latin1 --dry-run -f "$T/latin1.c"
expect "exit 0 and the --dry-run line, no crash" "exit $RC: $(tail -3 "$T/latin1.err")" \
	sh -c "[ '$RC' = 0 ] && tail -n 1 '$T/latin1.err' | grep -q 'compiled and loaded 1 program' &&
		! grep -aEq '$CRASH' '$T/latin1.err'" && ok

case_ "-f with a symlink loop says so"
ln -s loop_b.c "$T/loop_a.c"
ln -s loop_a.c "$T/loop_b.c"
fails loop "^bcc-hello: $T/loop_a\.c: too many levels of symbolic links" -f "$T/loop_a.c"

case_ "-f with a file this user cannot read says permission denied"
# As root the kernel lets bcc-hello read anything: run it without the
# capabilities that allow that (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH).
cp "$BCC_HELLO_SRC/programs/hello.c" "$T/secret.c"
chmod 000 "$T/secret.c"
RUNNER=(setpriv "--bounding-set=-dac_override,-dac_read_search")
fails secret "^bcc-hello: $T/secret\.c: permission denied" -f "$T/secret.c"
RUNNER=()

case_ "-f with a file name longer than 255 bytes says the path is too long"
fails namemax "^bcc-hello: $T/n+\.\.\.n+\.c: the path is too long" -f "$T/$(printf 'n%.0s' {1..300}).c"

case_ "-f through a file used as a folder says a part of the path is not a folder"
fails notdir "^bcc-hello: $T/utf8\.c/x\.c: a part of the path before the file name is not a folder" \
	-f "$T/utf8.c/x.c"

case_ "-f with a /proc file (regular, 0 bytes) says it is empty"
fails procfile "^bcc-hello: /proc/self/stat: the file is empty" -f /proc/self/stat

finish
