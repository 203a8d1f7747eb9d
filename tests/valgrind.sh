# valgrind.sh: every unit test program runs clean under valgrind's memcheck
# (no invalid read or write, no use of uninitialised memory, no leak).
# Usage: valgrind.sh BUILD_DIR. Skips where valgrind is not installed.
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
dir=${1:?usage: valgrind.sh BUILD_DIR}
bad=0
n=0
for t in "$dir"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$((n + 1))
	if ! valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect "$t" >/tmp/valgrind.$$.log 2>&1; then
		echo "FAIL: $(basename "$t") under valgrind:"
		grep -E '==[0-9]+==|FAIL' /tmp/valgrind.$$.log | head -30
		bad=$((bad + 1))
	else
		echo "ok: $(basename "$t") clean under valgrind"
	fi
done
rm -f /tmp/valgrind.$$.log
echo "valgrind: $n unit test programs, $bad with errors"
[ "$n" -gt 0 ] && [ "$bad" = 0 ]
