/* output.c: one event per line, in columns like BCC's trace_fields. */
#include "output.h"
#include "tracepipe.h"

#include <errno.h>
#include <string.h>

void output_init(struct output *o, FILE *out, bool raw, pid_t self, pid_t only,
		 unsigned long limit)
{
	memset(o, 0, sizeof(*o));
	o->out = out;
	o->raw = raw;
	o->self = self;
	o->only = only;
	o->limit = limit;
}

static void header(struct output *o)
{
	if (o->header_done || o->raw)
		return;
	fprintf(o->out, "%-18s %-16s %-7s %-3s %s\n", "TIME(s)", "COMM", "PID",
		"CPU", "MESSAGE");
	o->header_done = true;
}

/* The process (thread group) of a thread, from /proc; 0 if it is gone. */
static pid_t tgid_of(struct output *o, pid_t tid)
{
	char path[64], line[128];
	pid_t tgid = 0;
	FILE *f;

	if (tid == o->last_tid)
		return o->last_tgid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Tgid: %d", &tgid) == 1)
				break;
		fclose(f);
	}
	o->last_tid = tid;
	o->last_tgid = tgid;
	return tgid;
}

/* Is this line one to hide: our own, or another process's under -p? */
static bool hidden(struct output *o, pid_t pid)
{
	if (pid == o->self) {
		o->own++;
		return true;
	}
	if (o->only && pid != o->only && tgid_of(o, pid) != o->only) {
		o->others++;
		return true;
	}
	return false;
}

int output_line(const char *line, size_t len, void *ctx)
{
	struct output *o = ctx;
	struct trace_line tl;

	if (o->failed || (o->limit && o->events >= o->limit))
		return 1;
	if (trace_line_parse(line, len, &tl)) {
		/* A continuation of the previous message. Formatted output
		 * drops the blank line a trailing "\n" leaves. */
		if (o->in_own || (!o->raw && len == 0))
			return 0;
		if (o->raw)
			fprintf(o->out, "%.*s\n", (int)len, line);
		else
			fprintf(o->out, "%-18s %-16s %-7s %-3s %.*s\n", "", "",
				"", "", (int)len, line);
		return 0;
	}
	o->in_own = hidden(o, tl.pid);
	if (o->in_own)
		return 0;
	header(o);
	if (o->raw) {
		fprintf(o->out, "%.*s\n", (int)len, line);
	} else {
		size_t m = tl.msg_len;

		while (m && (tl.msg[m - 1] == '\n' || tl.msg[m - 1] == ' '))
			m--;
		fprintf(o->out, "%-18.*s %-16.*s %-7d %-3d %.*s\n",
			(int)tl.time_len, tl.time, (int)tl.comm_len, tl.comm,
			tl.pid, tl.cpu, (int)m, tl.msg);
	}
	o->events++;
	return o->limit && o->events >= o->limit;
}

bool output_flush(struct output *o)
{
	if (fflush(o->out) || ferror(o->out))
		o->failed = true;
	return !o->failed;
}
