/* output.c: one event per line, in columns like BCC's trace_fields. */
#include "output.h"
#include "typeinfo.h"
#include "tracefs.h"
#include "tracepipe.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include <stdlib.h>
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

void output_header(struct output *o)
{
	if (o->header_done || o->raw || o->json)
		return;
	fprintf(o->out, "%-18s %-16s %-7s %-3s %s\n", "TIME(s)", "COMM", "PID",
		"CPU", "MESSAGE");
	o->header_done = true;
}

/* The start of /proc/TID/NAME in buf, NUL-terminated (tracefs_read's
 * open and read on the stack: this runs for each batch of lines and
 * allocates nothing); its length, or 0 if the thread is gone. */
static size_t read_proc(pid_t tid, const char *name, char *buf, size_t size)
{
	char dir[32];
	long n;

	snprintf(dir, sizeof(dir), "/proc/%d", (int)tid);
	n = tracefs_read(dir, name, buf, size);
	return n > 0 ? (size_t)n : 0;
}

pid_t output_tgid(pid_t tid)
{
	char status[512]; /* Tgid: is the 4th line */
	const char *at;

	if (read_proc(tid, "status", status, sizeof(status)) &&
	    (at = strstr(status, "\nTgid:")))
		return (pid_t)strtol(at + 6, NULL, 10);
	return 0;
}

/* output_tgid, for the last thread asked about kept. */
static pid_t tgid_of(struct output *o, pid_t tid)
{
	if (tid != o->last_tid) {
		o->last_tgid = output_tgid(tid);
		o->last_tid = tid;
	}
	return o->last_tgid;
}

/* A live thread's command name, from /proc; false if it is gone. */
static bool comm_of(pid_t tid, char *buf, size_t size)
{
	if (!read_proc(tid, "comm", buf, size))
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] != '\0';
}

/* The command to show for a trace line's thread. The kernel's comes from
 * its cache of command names (saved_cmdlines), which records a thread
 * only at its next context switch after an event: a reader that is quick
 * sees "<...>" for a thread not yet recorded, or the name of an earlier
 * thread that had the same PID (PIDs wrap at pid_max). So while the
 * thread lives its name is read from /proc, once per batch of lines (a
 * small cache, emptied by each flush, so a renamed thread is seen). */
static void thread_comm(struct output *o, struct trace_line *tl)
{
	struct comm_entry *e = &o->comms[(unsigned)tl->pid % OUTPUT_COMM_CACHE];

	if (e->tid != tl->pid || !e->valid) {
		e->tid = tl->pid;
		e->valid = true;
		e->live = comm_of(tl->pid, e->comm, sizeof(e->comm));
	}
	if (e->live) {
		tl->comm = e->comm;
		tl->comm_len = strlen(e->comm);
	}
}

/* A stop was asked for: nothing more is written (see struct output). */
static bool stopping(const struct output *o)
{
	return o->stop && *o->stop && *o->stop != o->reload_signal;
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

/* Text of any bytes as a JSON string (invalid UTF-8 replaced). */
static struct json_object *json_text(const char *s, size_t n)
{
	static struct ctype byte = {
		.kind = CTYPE_INT, .size = 1, .align = 1, .is_signed = true};
	struct ctype chars = {.kind = CTYPE_CHARS,
			      .size = n,
			      .align = 1,
			      .elem = &byte,
			      .count = n};

	return ctype_json(&chars, s, n);
}

void output_json(struct output *o, struct json_object *obj)
{
	const char *text;

	if (!obj) {
		o->failed = true; /* out of memory: stop, said at exit */
		return;
	}
	text = json_object_to_json_string_ext(
		obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text && fprintf(o->out, "%s\n", text) < 0)
		o->failed = true;
	json_object_put(obj);
}

/* {"ts":..,"cpu":..,"comm":..,"pid":..,"msg":..}: a trace line, or a
 * continuation line of the last one ("continued":true). */
static void trace_json(struct output *o, const char *msg, size_t len,
		       bool continued)
{
	struct json_object *obj = json_object_new_object();

	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	if (obj) {
		/* The kernel's own digits, not the nearest double's. */
		json_object_object_add(
			obj, "ts",
			json_object_new_double_s(o->last.ts, o->last.ts_text));
		json_object_object_add(obj, "cpu",
				       json_object_new_int(o->last.cpu));
		json_object_object_add(
			obj, "comm",
			json_text(o->last.comm, strlen(o->last.comm)));
		json_object_object_add(obj, "pid",
				       json_object_new_int(o->last.pid));
		json_object_object_add(obj, "msg", json_text(msg, len));
		if (continued)
			json_object_object_add(obj, "continued",
					       json_object_new_boolean(1));
	}
	output_json(o, obj);
}

/* A record's top-level integer field called name, if it has one. */
static bool record_int(const struct ctype *t, const void *data, size_t size,
		       const char *name, long double *value)
{
	if (!t || t->kind != CTYPE_STRUCT)
		return false;
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct cmember *m = &t->members[i];

		if (strcmp(m->name, name) == 0 && m->type->kind == CTYPE_INT &&
		    m->offset + m->type->size <= size)
			return ctype_number(m->type,
					    (const char *)data + m->offset,
					    m->type->size, value);
	}
	return false;
}

int output_record(void *ctx, const char *table, const struct ctype *type,
		  const void *data, size_t size)
{
	struct output *o = ctx;
	long double pid;
	double ts = now_seconds();

	if (o->failed)
		return 1;
	if ((record_int(type, data, size, "tgid", &pid) ||
	     record_int(type, data, size, "pid", &pid)) &&
	    hidden(o, (pid_t)pid))
		return 0;
	if (o->limit && o->events >= o->limit) {
		o->discarded++; /* read past -c: not shown */
		return 1;
	}
	if (stopping(o)) {
		o->discarded++;
		return 0;
	}
	if (o->json) {
		struct json_object *obj = json_object_new_object(), *fields;

		if (obj) {
			char text[32];

			snprintf(text, sizeof(text), "%.6f", ts);
			json_object_object_add(
				obj, "ts", json_object_new_double_s(ts, text));
			json_object_object_add(obj, "table",
					       json_object_new_string(table));
		}
		fields = ctype_json(type ? type : &ctype_bytes, data, size);
		if (obj && fields &&
		    json_object_is_type(fields, json_type_object)) {
			json_object_object_foreach(fields, key, val)
				json_object_object_add(obj, key,
						       json_object_get(val));
		} else if (obj) {
			json_object_object_add(obj, type ? "value" : "bytes",
					       json_object_get(fields));
		}
		json_object_put(fields);
		output_json(o, obj);
	} else {
		struct strbuf sb = {0};

		ctype_format(type ? type : &ctype_bytes, data, size, true, &sb);
		fprintf(o->out, "%-18.6f %s: %s\n", ts, table,
			sb.p && !sb.oom ? sb.p : "");
		free(sb.p);
	}
	o->events++;
	o->unflushed++;
	return o->limit && o->events >= o->limit;
}

/* Under the columns TIME(s) COMM PID CPU (18 + 16 + 7 + 3 and a space
 * after each): a message's next line. */
#define CONTINUATION "                                                "

/* prefix, then text escaped (only its control bytes, for --raw), then a
 * newline: no byte of a traced string reaches the terminal as a command
 * to it. No allocation: this runs for every line. */
static void put_escaped(struct output *o, const char *prefix, const char *text,
			size_t len, bool controls_only)
{
	fputs(prefix, o->out);
	ctype_escape_write(o->out, text, len, controls_only);
	fputc('\n', o->out);
}

int output_line(const char *line, size_t len, void *ctx)
{
	struct output *o = ctx;
	struct trace_line tl;
	size_t mark_at = 0;
	bool has_mark;

	if (o->failed)
		return 1;
	if (!o->raw && len > 4 && strncmp(line, "CPU:", 4) == 0 &&
	    memmem(line, len, " [LOST ", 7)) {
		/* The kernel's notice of overwritten events: they are in
		 * its stats, so counted in the summary, not an event. */
		o->in_own = true; /* a message it interrupted stays hidden */
		return 0;
	}
	if (trace_line_parse(line, len, &tl)) {
		/* A continuation of the previous message. Formatted output
		 * drops the blank line a trailing "\n" leaves. */
		if (o->in_own || (!o->raw && len == 0))
			return 0;
		if (o->json)
			trace_json(o, line, len, true);
		else if (o->raw)
			put_escaped(o, "", line, len, true);
		else
			put_escaped(o, CONTINUATION, line, len, false);
		return 0;
	}
	has_mark = tl.msg_len >= sizeof(o->mark) &&
		   memcmp(tl.msg, o->mark, sizeof(o->mark)) == 0;
	if (o->no_printk || (o->marked && !has_mark)) {
		o->others++;
		o->in_own = true; /* and its continuation lines */
		return 0;
	}
	/* (stripped unmarked too: after a --watch reload from a marked
	 * version, the old version's lines still queued keep their mark) */
	if (has_mark) {
		mark_at = tl.msg - line;
		tl.msg += sizeof(o->mark);
		tl.msg_len -= sizeof(o->mark);
	}
	o->in_own = hidden(o, tl.pid);
	if (o->in_own)
		return 0;
	if (o->limit && o->events >= o->limit) {
		o->discarded++;	  /* read past -c: not shown */
		o->in_own = true; /* and its continuation lines */
		return 1;
	}
	if (stopping(o)) {
		o->discarded++;	  /* read after the stop: not shown */
		o->in_own = true; /* and its continuation lines */
		return 0;
	}
	output_header(o);
	if (!o->raw)
		thread_comm(o, &tl);
	if (tl.comm_len == 9 && memcmp(tl.comm, "bcc-hello", 9) == 0)
		o->from_hello++; /* another run's output, traced */
	if (o->json) {
		snprintf(o->last.ts_text, sizeof(o->last.ts_text), "%.*s",
			 (int)tl.time_len, tl.time);
		o->last.ts = strtod(o->last.ts_text, NULL);
		o->last.cpu = tl.cpu;
		o->last.pid = tl.pid;
		snprintf(o->last.comm, sizeof(o->last.comm), "%.*s",
			 (int)tl.comm_len, tl.comm);
		trace_json(o, tl.msg, tl.msg_len, false);
	} else if (o->raw && has_mark) {
		/* the kernel's line, but for the mark */
		ctype_escape_write(o->out, line, mark_at, true);
		put_escaped(o, "", tl.msg, tl.msg_len, true);
	} else if (o->raw) {
		put_escaped(o, "", line, len, true);
	} else {
		size_t m = tl.msg_len;
		char comm[4 * 32 + 1], head[256];

		while (m && (tl.msg[m - 1] == '\n' || tl.msg[m - 1] == ' '))
			m--;
		/* the command and the message are anybody's bytes */
		ctype_escape_buf(comm, sizeof(comm), tl.comm,
				 tl.comm_len < 32 ? tl.comm_len : 32);
		snprintf(head, sizeof(head), "%-18.*s %-16s %-7d %-3d ",
			 (int)(tl.time_len < 40 ? tl.time_len : 40), tl.time,
			 comm, tl.pid, tl.cpu);
		put_escaped(o, head, tl.msg, m, false);
	}
	o->events++;
	o->unflushed++;
	return o->limit && o->events >= o->limit;
}

bool output_flush(struct output *o)
{
	/* Threads are looked up again for the next batch. */
	for (size_t i = 0; i < OUTPUT_COMM_CACHE; i++)
		o->comms[i].valid = false;
	o->last_tid = o->last_tgid = 0;
	if (fflush(o->out) || ferror(o->out))
		o->failed = true;
	else
		o->unflushed = 0;
	return !o->failed;
}

void output_finish(struct output *o, double grace)
{
	int fd = fileno(o->out);
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	double until = now_seconds() + grace;
	struct stat st;

	if (o->failed || !o->unflushed)
		return;
	if (grace > 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		/* Wait for the reader to make room; drop the rest when it
		 * does not, rather than hold the exit. */
		while (poll(&p, 1, 50) == 0 && now_seconds() < until)
			;
		if (!(p.revents & POLLOUT)) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			o->failed = true;
		}
	}
	clearerr(o->out);
	if (!o->failed)
		output_flush(o);
	if (o->failed) {
		fflush(o->out);
		o->unwritten += o->unflushed;
		o->events -= o->unflushed;
		o->unflushed = 0;
	}
}
