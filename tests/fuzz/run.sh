#!/usr/bin/env bash
# run.sh: build the libFuzzer targets and run each for a bounded time.
#
#   tests/fuzz/run.sh [--update-corpus] [TARGET...]
#
# TARGET is traceline, tutorial, options or typeinfo (default: all four). Each is
# built with clang, AddressSanitizer and UndefinedBehaviorSanitizer from
# tests/fuzz/fuzz_TARGET.c and the few src/*.c files it needs (pure C:
# neither libbcc nor the kernel), in a temporary folder, then run for
# FUZZ_SECONDS (default 20) on a copy of tests/fuzz/corpus/TARGET: the
# repository's corpus does not grow unless --update-corpus is given, which
# merges the new inputs that add coverage back into it.
#
# Exit status: 0 when no target crashed; 1 when one did (its report, and
# the reproducer, kept with the binaries in a folder that is not removed);
# 2 on a usage or build error; 77 (skip) when clang or its fuzzer runtime
# (Debian: libclang-rt-N-dev) is missing.
set -u
cd "$(dirname "$0")/../.." || exit 2

ALL_TARGETS="traceline tutorial options typeinfo compiled"
CC=${FUZZ_CC:-clang}
SECONDS_EACH=${FUZZ_SECONDS:-20}
# -iquote, not -I: src/ includes its own headers with "", and a header of
# src/ named like a system one (error.h, as glibc's <error.h>) must not
# replace it for #include <...>.
CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -D_GNU_SOURCE -std=c11 -iquote src
	-Wall -Wextra"

# The src/*.c files a target links, and the pkg-config packages they need.
sources() {
	case $1 in
	traceline) echo src/tracepipe.c src/tracefs.c src/output.c src/typeinfo.c \
		src/owned.c src/util.c src/error.c ;;
	tutorial) echo src/tutorial.c src/libbpfmaps.c src/translate.c src/util.c src/error.c ;;
	options) echo src/options.c src/tutorial.c src/libbpfmaps.c src/util.c src/error.c ;;
	typeinfo) echo src/typeinfo.c src/util.c ;;
	compiled) echo src/compiled.c ;;
	esac
}
packages() {
	case $1 in
	traceline) echo json-c libbpf ;;    # --json; program IDs (tracepipe.c)
	typeinfo) echo json-c ;;	     # --json is written with json-c
	compiled) echo zlib ;;		      # its checksum is zlib's CRC-32
	esac
}

usage() {
	echo "usage: $0 [--update-corpus] [${ALL_TARGETS// /|}]...  (FUZZ_SECONDS=N each, default 20)"
}

update=0
targets=""
for arg in "$@"; do
	case $arg in
	--update-corpus) update=1 ;;
	-h | --help) usage && exit 0 ;;
	traceline | tutorial | options | typeinfo | compiled) targets="$targets $arg" ;;
	*)
		echo "run.sh: unknown target or option '$arg'" >&2
		usage >&2
		exit 2
		;;
	esac
done
targets=${targets:-$ALL_TARGETS}
case $SECONDS_EACH in
'' | *[!0-9]* | 0)
	echo "run.sh: FUZZ_SECONDS must be a whole number of seconds, at least 1 (got '$SECONDS_EACH')" >&2
	exit 2
	;;
esac

if ! command -v "$CC" >/dev/null; then
	echo "SKIP: $CC is not installed (apt-get install clang libclang-rt-dev)"
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bcc-hello-fuzz.XXXXXX") || exit 2
keep=0
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ "$keep" = 1 ]; then
		echo "run.sh: kept $work (binaries, logs, reproducers)"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# Does the compiler have the fuzzer and sanitizer runtimes?
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{\n\treturn d && n;\n}\n' >"$work/probe.c"
# shellcheck disable=SC2086 # flags, one word each
if ! "$CC" $CFLAGS "$work/probe.c" -o "$work/probe" >"$work/probe.log" 2>&1; then
	v=$("$CC" --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p')
	echo "SKIP: $CC cannot link -fsanitize=fuzzer,address,undefined (install libclang-rt-${v:+$v-}dev):"
	grep -m 3 -E 'error|cannot find' "$work/probe.log" | sed 's/^/    /'
	exit 77
fi

# Build every target first: a build error is reported before any run.
for t in $targets; do
	pkgs=$(packages "$t")
	pkgflags=""
	if [ -n "$pkgs" ]; then
		# shellcheck disable=SC2086 # package names
		pkgflags=$(pkg-config --cflags --libs $pkgs) || exit 2
	fi
	read -ra srcs <<<"$(sources "$t")"
	# shellcheck disable=SC2086 # flags, one word each
	if ! "$CC" $CFLAGS "tests/fuzz/fuzz_$t.c" "${srcs[@]}" $pkgflags \
		-o "$work/fuzz_$t" 2>"$work/build_$t.log"; then
		echo "FAIL: fuzz_$t does not build:"
		cat "$work/build_$t.log"
		exit 2
	fi
	[ -s "$work/build_$t.log" ] && cat "$work/build_$t.log"
done

count() {
	find "$1" -type f | wc -l
}

# The sanitizer's report, from its first line to its summary.
report() {
	awk '/ERROR: |runtime error:|deadly signal|ALARM: working on the last Unit|out-of-memory|^fuzz_[a-z]+: / { on = 1 }
	     on { print "    " $0 }
	     on && /^SUMMARY:/ { exit }' "$1"
}

failed=0
for t in $targets; do
	mkdir -p "$work/corpus" "$work/artifacts/$t"
	cp -R "tests/fuzz/corpus/$t" "$work/corpus/$t"
	# The translator's seeds include every program of programs/, as
	# they are now (not kept twice in the corpus).
	[ "$t" = tutorial ] && cp programs/*.c "$work/corpus/$t/"
	echo "== fuzz_$t: ${SECONDS_EACH}s from $(count "$work/corpus/$t") seeds"
	UBSAN_OPTIONS=print_stacktrace=1 "$work/fuzz_$t" \
		-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/$t/" \
		"$work/corpus/$t" >"$work/$t.log" 2>&1
	rc=$?
	# The last status line: "#N DONE cov: C ft: F corp: ... exec/s: E rss: ..."
	grep -E '^#[0-9]+' "$work/$t.log" | tail -1 | sed 's/^/    /'
	grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec)' "$work/$t.log" | sed 's/^/    /'
	if [ "$rc" != 0 ]; then
		failed=1
		keep=1
		echo "FAIL: fuzz_$t crashed (libFuzzer exit $rc):"
		report "$work/$t.log"
		for f in "$work/artifacts/$t"/*; do
			[ -e "$f" ] || continue
			echo "    reproducer: $f"
			echo "    replay:     $work/fuzz_$t $f"
		done
		echo "    full log:   $work/$t.log"
		continue
	fi
	if [ "$update" = 1 ]; then
		"$work/fuzz_$t" -merge=1 "tests/fuzz/corpus/$t" "$work/corpus/$t" \
			>"$work/merge_$t.log" 2>&1 || {
			echo "FAIL: merging into tests/fuzz/corpus/$t:"
			tail -20 "$work/merge_$t.log"
			failed=1
			keep=1
		}
		echo "    corpus: $(count "tests/fuzz/corpus/$t") inputs in tests/fuzz/corpus/$t"
	fi
done
read -ra ran <<<"$targets"
[ "$failed" = 0 ] && echo "fuzz: ${#ran[@]} target(s), no crash"
exit "$failed"
