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
kprobes=
in_tracefs 'test -e $TFS/kprobe_events' && kprobes=", with kprobes"
if [ "$(uname -r | cut -d. -f1,2)" != 6.18 ] || [ -n "$kprobes" ]; then
	echo "SKIP: the documents show kernel 6.18 without kprobes; this is $(uname -r)$kprobes"
	exit 77
fi

# What the documents' runs could leave: tracing programs (they load
# several kinds), bcc-hello's instances and header trees; and what there
# was before.
tracing_progs() { bpftool prog show 2>/dev/null | awk '$2 ~ /^(tracepoint|raw_tracepoint)$/ { sub(":", "", $1); print $1 }' | sort; }
made() { instances; ls -d /dev/shm/bcc-hello-headers-* /tmp/bcc-hello-headers-* 2>/dev/null; }
tracing_progs >"$T/tracing.before"
made | sort >"$T/made.before"

case_ "docs/tutorial.md runs as written, and prints what it shows"
run_doc tutorial "$BCC_HELLO_SRC/docs/tutorial.md" && ok || fail "see the differences above"

case_ "README.md's examples run as written, and print what they show"
run_doc readme "$BCC_HELLO_SRC/README.md" && ok || fail "see the differences above"

case_ "the documents' runs leave nothing behind: no program, instance or header tree"
# The kernel frees a closed program a moment later: as left_behind does.
for ((i = 0; i < 40; i++)); do
	left="$(comm -23 <(tracing_progs) "$T/tracing.before" | tr '\n' ' ')"
	[ -z "$left" ] && break
	sleep 0.05
done
left="$left$(comm -13 "$T/made.before" <(made | sort) | tr '\n' ' ')"
expect "nothing" "${left:-nothing}" [ -z "$left" ] && ok

finish
