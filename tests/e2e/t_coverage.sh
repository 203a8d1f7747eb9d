# t_coverage.sh: every tracepoint of the running kernel, compiled.
#
# For each events/*/*/format, a TRACEPOINT_PROBE that asserts, at compile
# time, the offset of every field of the argument struct libbcc makes (and
# that no field is wider than the kernel's). They are compiled and loaded
# with --dry-run, 64 to a file, against the tree bcc-hello chooses on its
# own (on a machine without headers for its kernel: the synthesized one).
#
# Every tracepoint must compile and load. A field at the wrong offset is
# a failure when its type is one bcc-hello defined; when libbcc itself
# lays a field out wrong (it copies a format's type text, and pads only
# plain integer types to the kernel's 8-byte system-call slots), the field
# is reported, and the rest of its file checked without it.
. "$(dirname "$0")/lib.sh"
require_bpf

GEN="$T/gen.awk"
cat >"$GEN" <<'EOF'
FNR == 1 {
	if (NR > 1) print "\treturn 0;\n}"
	n = split(FILENAME, p, "/"); cat = p[n - 2]; ev = p[n - 1]
	printf "TRACEPOINT_PROBE(%s, %s)\n{\n", cat, ev
}
/^\tfield:/ {
	line = $0
	sub(/^\tfield:/, "", line)
	split(line, parts, ";")
	decl = parts[1]
	name = decl; sub(/.*[ \t]/, "", name); sub(/\[.*/, "", name)
	type = decl; sub(/[ \t][^ \t]*$/, "", type)
	off = parts[2]; sub(/.*offset:/, "", off)
	sz = parts[3]; sub(/.*size:/, "", sz)
	if (name ~ /^common_/) next
	if (decl ~ /__data_loc/) name = "data_loc_" name
	printf "\t_Static_assert(__builtin_offsetof(struct tracepoint__%s__%s, %s) == %d, \"misplaced %s:%s.%s (%s)\");\n", cat, ev, name, off, cat, ev, name, type
	if (decl !~ /\[\]/ && decl !~ /__data_loc/)
		printf "\t_Static_assert(sizeof(args->%s) <= %d, \"too wide %s:%s.%s (%s)\");\n", name, sz, cat, ev, name, type
}
END { print "\treturn 0;\n}" }
EOF

# Generate, in a namespace where tracefs is mounted at $TFS.
in_tracefs "cd \$TFS/events && ls -d */*/format > '$T/formats' &&
	split -l 64 -d -a 3 '$T/formats' '$T/chunk.' &&
	for c in '$T'/chunk.???; do awk -f '$GEN' \$(cat \"\$c\") > \"\$c.c\"; done"
TOTAL=$(wc -l <"$T/formats")
FILES=$(ls "$T"/chunk.???.c | wc -l)
echo "# $TOTAL tracepoints with a format file, in $FILES files"

case_ "a TRACEPOINT_PROBE for each of the $TOTAL tracepoints compiles and loads, with the kernel's field offsets"
compiled=0 failed=0 misplaced=0
: >"$T/misplaced" >"$T/failed" >"$T/defined"
for c in "$T"/chunk.???.c; do
	n=$(grep -c '^TRACEPOINT_PROBE' "$c")
	"$BCC_HELLO" -v -f "$c" --dry-run >"$c.out" 2>"$c.err"
	rc=$?
	grep '^bcc-hello: \[1/5\]   ' "$c.err" | sed 's/.*   //' >>"$T/defined"
	if [ $rc -ne 0 ] && grep -q 'error: static_assert failed' "$c.err" &&
		! grep 'error:' "$c.err" | grep -vq 'static_assert failed'; then
		# libbcc's layout: note the fields, check the rest without them.
		grep -o '"misplaced [^"]*"\|"too wide [^"]*"' "$c.err" |
			tr -d '"' | sort -u >>"$T/misplaced"
		grep -o '"misplaced [^"]*"\|"too wide [^"]*"' "$c.err" |
			sort -u >"$c.bad"
		grep -vFf "$c.bad" "$c" >"$c.rest.c"
		"$BCC_HELLO" -f "$c.rest.c" --dry-run >"$c.out" 2>"$c.err"
		rc=$?
	fi
	if [ $rc -eq 0 ] && grep -q "compiled and loaded $n programs" "$c.err"; then
		compiled=$((compiled + n))
	else
		failed=$((failed + n))
		echo "$c:" >>"$T/failed"
		grep 'error' "$c.err" | head -5 >>"$T/failed"
	fi
done
misplaced=$(wc -l <"$T/misplaced")
echo "# compiled and loaded: $compiled of $TOTAL; failed: $failed"
echo "# field types the synthesized tree lacked, defined by bcc-hello: $(sort -u "$T/defined" | wc -l)"
echo "# fields libbcc lays out differently from the kernel: $misplaced"
sed 's/^/#   /' "$T/misplaced"
[ "$failed" -eq 0 ] || sed 's/^/#   /' "$T/failed"
# A misplaced field whose type bcc-hello defined would be our fault.
ours=""
while read -r name; do
	[ -n "$name" ] || continue
	ours="$ours$(grep -F "($name" "$T/misplaced" | grep -w -- "${name##* }" || true)"
done < <(sort -u "$T/defined")
good=no
[ "$compiled" -eq "$TOTAL" ] && [ "$TOTAL" -gt 1000 ] && [ -z "$ours" ] && good=yes
expect "all $TOTAL to compile and load, none misplaced by a type bcc-hello defined" \
	"$compiled compiled, $failed failed; misplaced by our types: ${ours:-none}" \
	[ "$good" = yes ] && ok

case_ "the tree used was bcc-hello's own, with types it defined from format files"
if [ -e "/lib/modules/$(uname -r)/build" ]; then
	echo "# (this machine has headers for its kernel: bcc-hello rightly used them)"
	ok
else
	expect "-v to name the synthesized tree, and types defined" \
		"$(grep 'kernel headers' "$T/chunk.000.c.err"); $(sort -u "$T/defined" | wc -l) types defined" \
		grep -q "kernel headers: .*made into" "$T/chunk.000.c.err" &&
		expect "types defined" "none" [ -s "$T/defined" ] && ok
fi

finish
