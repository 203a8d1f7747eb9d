# format.sh: the C sources follow .clang-format (kernel style). Fails with
# the first differences when they do not; skips where clang-format is absent.
command -v clang-format >/dev/null || { echo "SKIP: clang-format is not installed"; exit 77; }
cd "$(dirname "$0")/.." || exit 1
bad=0
for f in src/*.c src/*.h tests/*.c tests/*.h; do
	if ! clang-format --style=file "$f" | diff -u "$f" - >/tmp/format.$$.diff; then
		echo "FAIL: $f is not formatted; run: clang-format -i $f"
		head -20 /tmp/format.$$.diff
		bad=$((bad + 1))
	fi
done
rm -f /tmp/format.$$.diff
echo "format: $bad file(s) to reformat"
[ "$bad" = 0 ]
