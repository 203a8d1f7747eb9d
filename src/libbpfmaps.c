/* libbpfmaps.c: libbpf map declarations and helpers as libbcc tables. */
#include "libbpfmaps.h"
#include "error.h"
#include "util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAPS_MAX 64
#define RESERVED_MAX 64

struct map {
	char name[128];
	bool ring;
};

struct reserved { /* a record variable and the ring it came from */
	char var[128];
	char map[128];
};

struct pass {
	const char *name; /* the source's, for messages */
	struct map maps[MAPS_MAX];
	size_t nmaps;
	struct reserved res[RESERVED_MAX];
	size_t nres;
	struct error *err;
};

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The end of a comment, string or character constant starting at s, or
 * s itself when none starts there. */
static const char *skip_lexical(const char *s)
{
	if (s[0] == '/' && s[1] == '/')
		return s + strcspn(s, "\n");
	if (s[0] == '/' && s[1] == '*') {
		const char *e = strstr(s + 2, "*/");

		return e ? e + 2 : s + strlen(s);
	}
	if (*s == '"' || *s == '\'') {
		const char *p = s + 1;

		while (*p && *p != *s && *p != '\n')
			p += p[0] == '\\' && p[1] ? 2 : 1;
		return *p == *s ? p + 1 : p;
	}
	return s;
}

/* After an opening parenthesis at open: the closing one, with the
 * top-level commas' positions in commas (at most max). NULL if none. */
static const char *close_paren(const char *open, const char **commas,
			       size_t *ncommas, size_t max)
{
	int depth = 0;

	*ncommas = 0;
	for (const char *p = open; *p;) {
		const char *q = skip_lexical(p);

		if (q != p) {
			p = q;
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{')
			depth++;
		else if (*p == ')' || *p == ']' || *p == '}') {
			if (--depth == 0)
				return *p == ')' ? p : NULL;
		} else if (*p == ',' && depth == 1 && *ncommas < max)
			commas[(*ncommas)++] = p;
		p++;
	}
	return NULL;
}

/* Copy [s, e) trimmed into buf. */
static void trim_into(char *buf, size_t size, const char *s, const char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	snprintf(buf, size, "%.*s", (int)(e - s), s);
}

static size_t newlines(const char *s, const char *e)
{
	size_t n = 0;

	for (; s < e; s++)
		n += *s == '\n';
	return n;
}

/* One map's fields, from the body of its struct. */
struct decl {
	char type[256], key[256], value[256], max[256];
	char key_size[256], value_size[256];
	bool odd; /* an entry spans lines or holds a comment */
};

static void decl_field(struct decl *d, const char *field, const char *arg)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"type", offsetof(struct decl, type)},
		{"key", offsetof(struct decl, key)},
		{"value", offsetof(struct decl, value)},
		{"max_entries", offsetof(struct decl, max)},
		{"key_size", offsetof(struct decl, key_size)},
		{"value_size", offsetof(struct decl, value_size)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(field, fields[i].name))
			snprintf((char *)d + fields[i].off, sizeof(d->type),
				 "%s", arg);
}

/* __uint(F, X) and __type(F, T) entries of a map's body. */
static void parse_body(struct decl *d, const char *s, const char *e)
{
	for (const char *p = s; p < e;) {
		const char *q = skip_lexical(p), *open, *comma[2], *close;
		char field[64], arg[256];
		size_t nc;

		if (q != p) {
			p = q;
			continue;
		}
		if ((strncmp(p, "__uint(", 7) && strncmp(p, "__type(", 7)) ||
		    (p > s && ident_char(p[-1]))) {
			p++;
			continue;
		}
		open = p + 6;
		close = close_paren(open, comma, &nc, 2);
		if (!close || close > e || nc != 1) {
			p++;
			continue;
		}
		trim_into(field, sizeof(field), open + 1, comma[0]);
		trim_into(arg, sizeof(arg), comma[0] + 1, close);
		d->odd |= strpbrk(arg, "\n") || strstr(arg, "/*") ||
			  strstr(arg, "//");
		decl_field(d, field, arg);
		p = close + 1;
	}
}

/* "sizeof(T)" -> "T"; else "" (a size with no type). */
static void type_of_size(char *out, size_t size, const char *expr)
{
	size_t n = strlen(expr);

	out[0] = '\0';
	if (n > 8 && !strncmp(expr, "sizeof(", 7) && expr[n - 1] == ')')
		snprintf(out, size, "%.*s", (int)(n - 8), expr + 7);
	else if (n > 7 && !strncmp(expr, "sizeof ", 7))
		snprintf(out, size, "%s", expr + 7);
}

static const char *table_kind(const char *type)
{
	static const char *const kinds[][2] = {
		{"BPF_MAP_TYPE_HASH", "hash"},
		{"BPF_MAP_TYPE_ARRAY", "array"},
		{"BPF_MAP_TYPE_PERCPU_HASH", "percpu_hash"},
		{"BPF_MAP_TYPE_PERCPU_ARRAY", "percpu_array"},
		{"BPF_MAP_TYPE_LRU_HASH", "lru_hash"},
		{"BPF_MAP_TYPE_LRU_PERCPU_HASH", "lru_percpu_hash"},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(type, kinds[i][0]))
			return kinds[i][1];
	return NULL;
}

/* The BCC declaration of one map into out; -1 with err set if libbcc
 * cannot express it. */
static int bcc_decl(struct pass *ps, struct decl *d, const char *map,
		    struct strbuf *out)
{
	char buf[1024];
	const char *kind = table_kind(d->type);

	if (d->odd)
		return error_set(
			ps->err,
			"%s: map %s: write each __uint() and __type() of a map on one line, without comments",
			ps->name, map);

	if (!d->key[0])
		type_of_size(d->key, sizeof(d->key), d->key_size);
	if (!d->value[0])
		type_of_size(d->value, sizeof(d->value), d->value_size);
	if (!strcmp(d->type, "BPF_MAP_TYPE_RINGBUF")) {
		unsigned long bytes = strtoul(d->max, NULL, 0);
		char *end;

		/* "256 * 1024" and such: let the compiler count pages. */
		strtoul(d->max, &end, 0);
		snprintf(buf, sizeof(buf),
			 "BPF_RINGBUF_OUTPUT(%s, (%s) / 4096);", map,
			 d->max[0] ? d->max : "0");
		if (d->max[0] && !*end && (bytes < 4096 || bytes % 4096))
			return error_set(
				ps->err,
				"%s: ring buffer map %s has max_entries %s; give a multiple of 4096 bytes, a power of 2 pages",
				ps->name, map, d->max);
	} else if (!strcmp(d->type, "BPF_MAP_TYPE_PERF_EVENT_ARRAY")) {
		snprintf(buf, sizeof(buf), "BPF_PERF_OUTPUT(%s);", map);
	} else if (kind) {
		if (!d->key[0] || !d->value[0] || !d->max[0])
			return error_set(
				ps->err,
				"%s: map %s needs its key and value types (__type(key, T), __type(value, T), or __uint(key_size, sizeof(T))) and max_entries for a BCC table",
				ps->name, map);
		snprintf(buf, sizeof(buf), "BPF_TABLE(\"%s\", %s, %s, %s, %s);",
			 kind, d->key, d->value, map, d->max);
	} else {
		return error_set(
			ps->err,
			"%s: map %s is of type %s, which bcc-hello cannot make a BCC table of; use a hash, array, per-CPU, LRU, ring buffer or perf event array map",
			ps->name, map, d->type[0] ? d->type : "(none)");
	}
	strbuf_adds(out, buf);
	if (ps->nmaps < MAPS_MAX) {
		snprintf(ps->maps[ps->nmaps].name, sizeof(ps->maps[0].name),
			 "%s", map);
		ps->maps[ps->nmaps++].ring =
			!strcmp(d->type, "BPF_MAP_TYPE_RINGBUF");
	}
	return 0;
}

enum { CODE, BLOCK_COMMENT, OTHER }; /* what a byte of text is part of */

/* For each byte of text: code, a block comment, or another comment, a
 * string or a character constant (a newline that ends a // comment is
 * code). */
static char *code_mask(const char *text)
{
	size_t n = strlen(text);
	char *mask = calloc(n + 1, 1);

	if (!mask)
		return NULL;
	for (const char *p = text; *p;) {
		const char *q = skip_lexical(p);

		if (q == p)
			p++;
		else
			for (char kind = p[1] == '*' ? BLOCK_COMMENT : OTHER;
			     p < q; p++)
				mask[p - text] = kind;
	}
	return mask;
}

/* Back from p over white space and comments. */
static const char *back_over_space(const char *text, const char *code,
				   const char *p)
{
	while (p > text &&
	       (code[p - 1 - text] != CODE || isspace((unsigned char)p[-1])))
		p--;
	return p;
}

/* A declaration `struct { ... } NAME SEC(".maps");` whose SEC is at sec
 * (code): its start, its end (after the ';'), its body and NAME. */
static bool find_decl(const char *text, const char *code, const char *sec,
		      const char **start, const char **end, const char **body,
		      const char **close, char *name, size_t size)
{
	const char *p = back_over_space(text, code, sec), *n;
	int depth = 0;

	n = p;
	while (n > text && ident_char(n[-1]))
		n--;
	if (n == p || (size_t)(p - n) >= size)
		return false;
	snprintf(name, size, "%.*s", (int)(p - n), n);
	p = back_over_space(text, code, n);
	if (p == text || p[-1] != '}')
		return false;
	*close = p - 1;
	for (p = p - 1; p >= text; p--) {
		if (code[p - text] != CODE)
			continue;
		depth += *p == '}';
		depth -= *p == '{';
		if (depth == 0)
			break;
	}
	if (p < text)
		return false;
	*body = p + 1;
	p = back_over_space(text, code, p);
	if (p - text < 6 || strncmp(p - 6, "struct", 6) ||
	    (p - text > 6 && ident_char(p[-7])))
		return false;
	*start = p - 6;
	for (p = sec + 12;
	     *p && (code[p - text] != CODE || isspace((unsigned char)*p));)
		p++;
	if (*p != ';')
		return false;
	*end = p + 1;
	return true;
}

/* The lines of [start, end) after the first, empty, each starting inside
 * a block comment where it did, so that no code becomes comment. */
static void keep_lines(struct strbuf *out, const char *text, const char *code,
		       const char *start, const char *end)
{
	bool ours = false;

	for (const char *p = start; p < end; p++) {
		bool want;

		if (*p != '\n')
			continue;
		/* the next line starts in a block comment */
		want = code[p - text] == BLOCK_COMMENT;
		if (want != ours)
			strbuf_adds(out, want ? " /*" : "*/");
		ours = want;
		strbuf_add(out, "\n", 1);
	}
	if (ours)
		strbuf_adds(out, "*/");
}

/* Pass 1: each map declaration becomes a BCC table. */
static int rewrite_maps(struct pass *ps, const char *text, struct strbuf *out)
{
	char *code = code_mask(text);
	const char *p = text;

	if (!code)
		return error_set(ps->err, "out of memory");
	for (const char *sec; (sec = strstr(p, "SEC(\".maps\")"));) {
		const char *start, *end, *body, *close;
		char map[128];
		struct decl d = {0};

		if (code[sec - text] != CODE ||
		    !find_decl(text, code, sec, &start, &end, &body, &close,
			       map, sizeof(map)) ||
		    start < p) {
			strbuf_add(out, p, (size_t)(sec + 12 - p));
			p = sec + 12;
			continue;
		}
		parse_body(&d, body, close);
		strbuf_add(out, p, (size_t)(start - p));
		if (bcc_decl(ps, &d, map, out)) {
			free(code);
			return -1;
		}
		keep_lines(out, text, code, start, end);
		p = end;
	}
	strbuf_adds(out, p);
	free(code);
	return 0;
}

static const struct map *map_named(const struct pass *ps, const char *name)
{
	for (size_t i = 0; i < ps->nmaps; i++)
		if (!strcmp(ps->maps[i].name, name))
			return &ps->maps[i];
	return NULL;
}

/* The map of "&name", or NULL. */
static const struct map *map_arg(const struct pass *ps, const char *arg)
{
	if (arg[0] != '&')
		return NULL;
	arg++;
	while (isspace((unsigned char)*arg))
		arg++;
	return map_named(ps, arg);
}

/* The variable assigned by the statement the call at call is part of:
 * "e = bpf_ringbuf_reserve(" or "struct event *e = (...)bpf_ring...". */
static void assigned_var(const char *text, const char *call, char *var,
			 size_t size)
{
	const char *p = call, *e;

	var[0] = '\0';
	while (p > text && p[-1] != '=' && p[-1] != ';' && p[-1] != '{')
		p--;
	if (p == text || p[-1] != '=')
		return;
	p--;
	while (p > text && isspace((unsigned char)p[-1]))
		p--;
	e = p;
	while (p > text && ident_char(p[-1]))
		p--;
	if (e > p && (size_t)(e - p) < size)
		snprintf(var, size, "%.*s", (int)(e - p), p);
}

/* The ring a record variable was reserved from: the only ring there is,
 * else the one its reservation named. */
static const char *ring_of(const struct pass *ps, const char *var)
{
	const char *only = NULL;
	size_t rings = 0;

	for (size_t i = 0; i < ps->nres; i++)
		if (!strcmp(ps->res[i].var, var))
			return ps->res[i].map;
	for (size_t i = 0; i < ps->nmaps; i++)
		if (ps->maps[i].ring) {
			only = ps->maps[i].name;
			rings++;
		}
	return rings == 1 ? only : NULL;
}

/* The replacement of one helper call, into out; false to keep it. args:
 * the call's trimmed arguments. */
static bool method_call(struct pass *ps, const char *text, const char *call,
			const char *helper, char args[][512], size_t nargs,
			struct strbuf *out)
{
	const struct map *m = nargs ? map_arg(ps, args[0]) : NULL;
	char *buf = NULL;
	int n = -1;

	if (!strcmp(helper, "bpf_map_lookup_elem") && m && nargs == 2)
		n = asprintf(&buf, "%s.lookup(%s)", m->name, args[1]);
	else if (!strcmp(helper, "bpf_map_delete_elem") && m && nargs == 2)
		n = asprintf(&buf, "%s.delete(%s)", m->name, args[1]);
	else if (!strcmp(helper, "bpf_map_update_elem") && m && nargs == 4) {
		bool insert = !strcmp(args[3], "BPF_NOEXIST") ||
			      !strcmp(args[3], "1");

		if (!insert && strcmp(args[3], "BPF_ANY") &&
		    strcmp(args[3], "0")) {
			error_set(
				ps->err,
				"%s: bpf_map_update_elem(&%s, ...) with flags %s: a BCC table updates with BPF_ANY or inserts with BPF_NOEXIST; use one of those",
				ps->name, m->name, args[3]);
			return false;
		}
		n = asprintf(&buf, "%s.%s(%s, %s)", m->name,
			     insert ? "insert" : "update", args[1], args[2]);
	} else if (!strcmp(helper, "bpf_ringbuf_reserve") && m && m->ring &&
		   nargs == 3) {
		if (ps->nres < RESERVED_MAX) {
			assigned_var(text, call, ps->res[ps->nres].var,
				     sizeof(ps->res[0].var));
			snprintf(ps->res[ps->nres].map, sizeof(ps->res[0].map),
				 "%s", m->name);
			ps->nres += ps->res[ps->nres].var[0] != '\0';
		}
		n = asprintf(&buf, "%s.ringbuf_reserve(%s)", m->name, args[1]);
	} else if (!strcmp(helper, "bpf_ringbuf_output") && m && m->ring &&
		   nargs == 4)
		n = asprintf(&buf, "%s.ringbuf_output(%s, %s, %s)", m->name,
			     args[1], args[2], args[3]);
	else if ((!strcmp(helper, "bpf_ringbuf_submit") ||
		  !strcmp(helper, "bpf_ringbuf_discard")) &&
		 nargs == 2 && ring_of(ps, args[0]))
		n = asprintf(&buf, "%s.%s(%s, %s)", ring_of(ps, args[0]),
			     helper + 4, args[0], args[1]);
	else if (!strcmp(helper, "bpf_perf_event_output") && nargs == 5 &&
		 map_arg(ps, args[1]))
		n = asprintf(&buf, "%s.perf_submit(%s, %s, %s)",
			     map_arg(ps, args[1])->name, args[0], args[3],
			     args[4]);
	else
		return false;
	if (n < 0) {
		error_set(ps->err, "out of memory");
		return false;
	}
	strbuf_adds(out, buf);
	free(buf);
	return true;
}

static const char *const helpers[] = {
	"bpf_map_lookup_elem", "bpf_map_update_elem",	"bpf_map_delete_elem",
	"bpf_ringbuf_reserve", "bpf_ringbuf_output",	"bpf_ringbuf_submit",
	"bpf_ringbuf_discard", "bpf_perf_event_output",
};

/* The helper whose name starts at p, or NULL. */
static const char *helper_at(const char *text, const char *p)
{
	if (p > text && ident_char(p[-1]))
		return NULL;
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		size_t n = strlen(helpers[i]);

		if (!strncmp(p, helpers[i], n) && !ident_char(p[n]))
			return helpers[i];
	}
	return NULL;
}

/* Pass 2: helper calls on maps become the tables' methods. */
static int rewrite_calls(struct pass *ps, const char *text, struct strbuf *out)
{
	for (const char *p = text; *p;) {
		const char *q = skip_lexical(p), *helper, *open, *close;
		const char *commas[8];
		char args[5][512];
		size_t nc = 0, nargs, mark;

		if (q != p) {
			strbuf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		helper = helper_at(text, p);
		if (!helper) {
			strbuf_add(out, p++, 1);
			continue;
		}
		open = p + strlen(helper);
		open += strspn(open, " \t");
		close = *open == '(' ? close_paren(open, commas, &nc, 8) : NULL;
		nargs = nc + 1;
		if (!close || nargs > 5) {
			strbuf_add(out, p++, 1);
			continue;
		}
		/* a comment inside the call: its lines are left as they are */
		if (memmem(p, (size_t)(close - p), "/*", 2) ||
		    memmem(p, (size_t)(close - p), "//", 2)) {
			strbuf_add(out, p++, 1);
			continue;
		}
		for (size_t i = 0; i < nargs; i++)
			trim_into(args[i], sizeof(args[i]),
				  i ? commas[i - 1] + 1 : open + 1,
				  i < nc ? commas[i] : close);
		mark = out->len;
		if (!method_call(ps, text, p, helper, args, nargs, out)) {
			if (ps->err->msg[0])
				return -1;
			strbuf_add(out, p++, 1);
			continue;
		}
		/* the lines of a call that spanned several stay */
		for (size_t i = newlines(out->p + mark, out->p + out->len);
		     i < newlines(p, close); i++)
			strbuf_add(out, "\n", 1);
		p = close + 1;
	}
	return 0;
}

int libbpfmaps_rewrite(char **text, const char *name, struct error *err)
{
	struct pass *ps = calloc(1, sizeof(*ps));
	struct strbuf maps = {0}, calls = {0};
	int ret = -1;

	if (!ps)
		return error_set(err, "out of memory");
	ps->name = name;
	ps->err = err;
	if (!strstr(*text, "SEC(\".maps\")")) {
		free(ps);
		return 0;
	}
	if (rewrite_maps(ps, *text, &maps) || maps.oom ||
	    rewrite_calls(ps, maps.p, &calls))
		goto out;
	if (calls.oom) {
		error_set(err, "out of memory");
		goto out;
	}
	free(*text);
	*text = calls.p;
	calls.p = NULL;
	ret = (int)ps->nmaps;
out:
	if (ret < 0 && !err->msg[0])
		error_set(err, "out of memory");
	free(maps.p);
	free(calls.p);
	free(ps);
	return ret;
}
