/* fuzz_traceline.c: libFuzzer target for the trace_pipe line parser and the
 * output stage that consumes its lines.
 *
 * The input is what a read of trace_pipe could return: one or more lines,
 * split on '\n' as tracepipe_read() splits them. Each line is copied into
 * a buffer of exactly its length, so that AddressSanitizer sees a parser
 * that reads past the length it was given. trace_line_parse() must return
 * spans inside the line; output_line() prints to /dev/null in the four
 * ways the tool uses it (raw, columns with -c, columns with -p, --json).
 */
#include "output.h"
#include "tracepipe.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SELF 4242 /* bcc-hello's own PID, whose events are hidden */
#define ONLY 1234 /* a -p PID */

static void require(int cond, const char *what, const char *line, size_t len)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz_traceline: %s, for the line \"%.*s\"\n", what,
		(int)len, line);
	abort();
}

/* Is the span [s, s + n) inside [line, line + len)? */
static int inside(const char *s, size_t n, const char *line, size_t len)
{
	return s >= line && s <= line + len && n <= (size_t)(line + len - s);
}

static void check_parse(const char *line, size_t len)
{
	struct trace_line tl;

	if (trace_line_parse(line, len, &tl))
		return;
	require(inside(tl.comm, tl.comm_len, line, len),
		"comm outside the line", line, len);
	require(inside(tl.flags, tl.flags_len, line, len),
		"flags outside the line", line, len);
	require(inside(tl.time, tl.time_len, line, len),
		"time outside the line", line, len);
	require(inside(tl.event, tl.event_len, line, len),
		"event outside the line", line, len);
	require(inside(tl.msg, tl.msg_len, line, len),
		"message outside the line", line, len);
	require(tl.time_len > 0 && tl.event_len > 0,
		"a parsed line without its time or event", line, len);
	require(tl.pid >= 0 && tl.cpu >= 0, "a negative PID or CPU", line, len);
	for (size_t i = 0; i < tl.time_len; i++)
		require((tl.time[i] >= '0' && tl.time[i] <= '9') ||
				tl.time[i] == '.',
			"a time that is not digits and '.'", line, len);
	require(tl.time + tl.time_len < line + len &&
			tl.time[tl.time_len] == ':',
		"a time not followed by ':'", line, len);
	/* The irq flags are one word, absent without options/irq-info. */
	require(!memchr(tl.flags, ' ', tl.flags_len) &&
			tl.flags + tl.flags_len <= tl.time,
		"flags with a space, or after the time", line, len);
	require(tl.comm + tl.comm_len < tl.flags && tl.time < tl.event &&
			tl.event + tl.event_len < tl.msg,
		"fields out of order", line, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	const char *p = (const char *)data, *end = p + size;
	struct output outs[4];

	if (!null) {
		null = fopen("/dev/null", "w");
		if (!null)
			abort();
	}
	output_init(&outs[0], null, true, SELF, 0, 0);
	output_init(&outs[1], null, false, SELF, 0, 3);
	output_init(&outs[2], null, false, SELF, ONLY, 0);
	output_init(&outs[3], null, false, SELF, 0, 0);
	outs[3].json = true;

	/* The whole input as one line: it is the end of libFuzzer's buffer. */
	check_parse(p, size);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = malloc(len ? len : 1);

		if (!line)
			abort();
		memcpy(line, p, len);
		check_parse(line, len);
		for (size_t i = 0; i < 4; i++)
			output_line(line, len, &outs[i]);
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
	for (size_t i = 0; i < 4; i++)
		output_flush(&outs[i]);
	return 0;
}
