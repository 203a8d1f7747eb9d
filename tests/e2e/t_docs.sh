#!/usr/bin/env bash
# t_docs: docs/tutorial.md and the README's examples, run as written.
#
# Every command of the tutorial's sessions runs in order, in a scratch
# folder laid out as a clone with a build (programs/, build/bcc-hello),
# and what it prints must be what the document shows: times, PIDs and the
# CPU column aside, and where the document elides with "...". The writer
# of step 1 is the document's $W. A document that drifts from the tool
# fails here (tests/e2e/docrun.py says how a document is read).
. "$(dirname "$0")/lib.sh"
require_bpf
command -v python3 >/dev/null || skip "python3 is not installed"

# run_doc NAME DOC: run DOC in a scratch folder of its own.
run_doc() {
	local dir="$T/$1"
	mkdir -p "$dir/build"
	cp -r "$BCC_HELLO_SRC/programs" "$dir/"
	ln -s "$BCC_HELLO" "$dir/build/bcc-hello"
	# In a mount namespace of its own: the tutorial mounts tracefs where
	# the lesson expects it, and tests never mount in the machine's own.
	unshare -m --propagation private python3 "$BCC_HELLO_SRC/tests/e2e/docrun.py" "$2" "$dir" ${BCC_HELLO_DOC_ACTUAL:+"$BCC_HELLO_DOC_ACTUAL.$1.md"} >"$T/$1.log" 2>&1
	local rc=$?
	cat "$T/$1.log"
	return $rc
}

# The documents are captures of this kind of machine: kernel 6.18, no
# kprobes (a kprobe step there would run, not fail), the shared pipe one
# reader's (Linux 6.5 and later). Elsewhere they cannot print the same.
release=$(uname -r)
if [ "${release%%.*}.$(echo "$release" | cut -d. -f2)" != 6.18 ] ||
	in_tracefs 'test -e $TFS/kprobe_events'; then
	echo "SKIP: the documents show kernel 6.18 without kprobes; this is $release$(in_tracefs 'test -e $TFS/kprobe_events' && echo ', with kprobes')"
	exit 77
fi

# Every tracing program, by ID: the documents load several kinds.
tracing_progs() { bpftool prog show 2>/dev/null | awk '$2 ~ /^(tracepoint|raw_tracepoint)$/ { sub(":", "", $1); print $1 }' | sort; }
tracing_progs >"$T/progs.before"
trees_before=$(ls -d /dev/shm/bcc-hello-headers-* 2>/dev/null | sort)

case_ "docs/tutorial.md runs as written, and prints what it shows"
run_doc tutorial "$BCC_HELLO_SRC/docs/tutorial.md" && ok || fail "see the differences above"

case_ "README.md's examples run as written, and print what they show"
run_doc readme "$BCC_HELLO_SRC/README.md" && ok || fail "see the differences above"

case_ "the documents' runs leave nothing behind: no program, instance or header tree"
left="$(comm -23 <(tracing_progs) "$T/progs.before" | tr '\n' ' ')$(instances | tr '\n' ' ')$(comm -13 <(echo "$trees_before") <(ls -d /dev/shm/bcc-hello-headers-* 2>/dev/null | sort) | tr '\n' ' ')"
expect "nothing" "${left:-nothing}" [ -z "$left" ] && ok

finish
