/* btftypes.c: kernel types from the running kernel's BTF (see btftypes.h). */
#include "btftypes.h"
#include "error.h"

#include <bpf/btf.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define KEY_MAX 160

static bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

int btftypes_open(struct btftypes *bt, const char *path, struct error *err)
{
	memset(bt, 0, sizeof(*bt));
	path = path ? path : VMLINUX_BTF;
	snprintf(bt->path, sizeof(bt->path), "%s", path);
	bt->btf = btf__parse_raw(path);
	if (!bt->btf) {
		int e = errno;

		return error_set(
			err,
			"cannot read the kernel's types from %s: %s; kernel structs need a kernel built with CONFIG_DEBUG_INFO_BTF, or a header tree given with -K DIR",
			path, strerror(e));
	}
	return 0;
}

bool btftypes_available(const struct btftypes *bt)
{
	return bt->btf != NULL;
}

static bool has_key(char *const *keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

static int add_key(char ***keys, size_t *n, const char *key)
{
	char **grown = realloc(*keys, (*n + 1) * sizeof(**keys));

	if (!grown)
		return -1;
	*keys = grown;
	grown[*n] = strdup(key);
	if (!grown[*n])
		return -1;
	(*n)++;
	return 0;
}

/* The key of a type: "struct x", "union x", "enum x", "typedef x", or for
 * an anonymous enum "enum {FIRST" (its first constant). "" if none. */
static void key_of(const struct btf *btf, unsigned id, char *key, size_t size)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = btf__name_by_offset(btf, t->name_off);
	const char *kind = NULL;

	key[0] = '\0';
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		kind = "struct";
		break;
	case BTF_KIND_UNION:
		kind = "union";
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		kind = "enum";
		break;
	case BTF_KIND_TYPEDEF:
		kind = "typedef";
		break;
	default:
		return;
	}
	if (name && *name) {
		snprintf(key, size, "%s %s", kind, name);
	} else if (!strcmp(kind, "enum") && btf_vlen(t) > 0) {
		/* enum and enum64 members both start with name_off */
		const struct btf_enum *e = btf_enum(t);

		snprintf(key, size, "enum {%s",
			 btf__name_by_offset(btf, e->name_off));
	}
}

/* The BTF id of a key, or 0. */
static unsigned id_of(const struct btf *btf, const char *key)
{
	static const struct {
		const char *prefix;
		int kind;
	} kinds[] = {{"struct ", BTF_KIND_STRUCT},
		     {"union ", BTF_KIND_UNION},
		     {"typedef ", BTF_KIND_TYPEDEF},
		     {"enum ", BTF_KIND_ENUM},
		     {"enum ", BTF_KIND_ENUM64}};
	unsigned n = btf__type_cnt(btf);

	if (strncmp(key, "enum {", 6) == 0) {
		char k[KEY_MAX];

		for (unsigned id = 1; id < n; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);

			if ((btf_is_enum(t) || btf_is_enum64(t)) &&
			    t->name_off == 0) {
				key_of(btf, id, k, sizeof(k));
				if (strcmp(k, key) == 0)
					return id;
			}
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t len = strlen(kinds[i].prefix);
		int id;

		if (strncmp(key, kinds[i].prefix, len))
			continue;
		id = btf__find_by_name_kind(btf, key + len, kinds[i].kind);
		if (id > 0)
			return (unsigned)id;
	}
	return 0;
}

static int want_id(struct btftypes *bt, unsigned id)
{
	for (size_t i = 0; i < bt->nwanted; i++)
		if (bt->wanted[i] == id)
			return 0;
	if (bt->nwanted == bt->capwanted) {
		size_t cap = bt->capwanted ? 2 * bt->capwanted : 16;
		unsigned *grown = realloc(bt->wanted, cap * sizeof(*grown));

		if (!grown)
			return -1;
		bt->wanted = grown;
		bt->capwanted = cap;
	}
	bt->wanted[bt->nwanted++] = id;
	bt->stale = true;
	return 1;
}

int btftypes_want(struct btftypes *bt, const char *cname)
{
	char key[KEY_MAX];
	unsigned id;
	int r;

	if (!bt->btf)
		return 0;
	if (strncmp(cname, "struct ", 7) && strncmp(cname, "union ", 6) &&
	    strncmp(cname, "enum ", 5))
		snprintf(key, sizeof(key), "typedef %s", cname);
	else
		snprintf(key, sizeof(key), "%s", cname);
	if (has_key(bt->skip, bt->nskip, key))
		return 0;
	id = id_of(bt->btf, key);
	if (!id) {
		if (!bt->absent[0])
			snprintf(bt->absent, sizeof(bt->absent), "%s", cname);
		return 0;
	}
	r = want_id(bt, id);
	if (r > 0 && add_key(&bt->names, &bt->nnames, cname))
		return -1;
	return r;
}

static struct btf_const *const_named(struct btftypes *bt, const char *name)
{
	for (size_t i = 0; i < bt->nconsts; i++)
		if (!strcmp(bt->consts[i].name, name))
			return &bt->consts[i];
	return NULL;
}

static int add_const(struct btftypes *bt, const char *name, long long value,
		     bool wide)
{
	struct btf_const *grown, *c;

	grown = realloc(bt->consts, (bt->nconsts + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	bt->consts = grown;
	c = &grown[bt->nconsts];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (asprintf(&c->line, "enum { %s = %lld%s };\n", name, value,
		     wide ? "LL" : "") < 0)
		return -1;
	bt->nconsts++;
	bt->stale = true;
	return add_key(&bt->names, &bt->nnames, name) ? -1 : 1;
}

/* An enumerator of that name, as a one-constant enum; 1 if BTF has it
 * (and it was not asked for before). */
static int want_constant(struct btftypes *bt, const char *name)
{
	unsigned n = btf__type_cnt(bt->btf);

	if (strlen(name) >= KEY_MAX || const_named(bt, name))
		return 0;
	for (unsigned id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(bt->btf, id);
		unsigned vlen = btf_vlen(t);

		for (unsigned i = 0; btf_is_enum(t) && i < vlen; i++) {
			const struct btf_enum *e = btf_enum(t) + i;

			if (!strcmp(btf__name_by_offset(bt->btf, e->name_off),
				    name))
				return add_const(
					bt, name,
					btf_kflag(t)
						? (long long)e->val
						: (long long)(unsigned)e->val,
					false);
		}
		for (unsigned i = 0; btf_is_enum64(t) && i < vlen; i++) {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			if (!strcmp(btf__name_by_offset(bt->btf, e->name_off),
				    name))
				return add_const(bt, name,
						 (long long)btf_enum64_value(e),
						 true);
		}
	}
	return 0;
}

/* A type or constant one error line says is missing; 1 if it is new. */
static int learn_missing(struct btftypes *bt, const char *line, size_t len)
{
	static const char *const tags[] = {"'struct ", "'union ", "'enum "};
	char name[KEY_MAX];

	if (memmem(line, len, "incomplete", 10)) {
		for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
			char key[KEY_MAX];

			if (!quoted_after(line, len, tags[i], name,
					  sizeof(name) - 8))
				continue;
			snprintf(key, sizeof(key), "%s%s", tags[i] + 1, name);
			return btftypes_want(bt, key);
		}
		return 0;
	}
	if (memmem(line, len, "will not be visible outside", 27)) {
		/* a parameter's struct that is never dereferenced */
		if (!quoted_after(line, len, "declaration of '", name,
				  sizeof(name)))
			return 0;
		return btftypes_want(bt, name);
	}
	if (quoted_after(line, len, "unknown type name '", name, sizeof(name)))
		return btftypes_want(bt, name);
	if (quoted_after(line, len, "use of undeclared identifier '", name,
			 sizeof(name)))
		return want_constant(bt, name);
	return 0;
}

/* An error inside our own definitions: leave that declaration out. */
static int learn_defined(struct btftypes *bt, const char *line, size_t len)
{
	const char *p = line + strlen(BTFTYPES_FILE ":");
	unsigned long n = strtoul(p, NULL, 10);
	const char *key;

	(void)len;
	if (n == 0 || n > bt->nlines || !bt->keys[n - 1])
		return 0;
	key = bt->keys[n - 1];
	if (!strncmp(key, "const ", 6)) { /* defined elsewhere after all */
		struct btf_const *c = const_named(bt, key + 6);

		if (!c || c->dropped)
			return 0;
		c->dropped = true;
		bt->stale = true;
		return 1;
	}
	if (has_key(bt->skip, bt->nskip, key))
		return 0;
	if (add_key(&bt->skip, &bt->nskip, key))
		return -1;
	bt->stale = true;
	return 1;
}

int btftypes_learn(struct btftypes *bt, const char *diagnostics)
{
	int changed = 0;

	if (!bt->btf || !diagnostics)
		return 0;
	for (const char *p = diagnostics; *p;) {
		size_t len = strcspn(p, "\n");
		const char *err = memmem(p, len, ": error: ", 9);
		int r = 0;

		if (!err && memmem(p, len, "will not be visible outside", 27))
			err = memmem(p, len, ": warning: ", 11);

		if (err && strncmp(p, BTFTYPES_FILE ":",
				   strlen(BTFTYPES_FILE ":")) == 0)
			r = learn_defined(bt, p, len);
		else if (err)
			r = learn_missing(bt, err, len - (size_t)(err - p));
		if (r < 0)
			return -1;
		changed += r;
		p += len + (p[len] == '\n');
	}
	return changed;
}

/* btf_dump's output, into a strbuf unless discarding. */
struct sink {
	struct strbuf *sb;
	bool discard;
};

static void sink_printf(void *ctx, const char *fmt, va_list ap)
{
	struct sink *s = ctx;
	char small[512], *big = NULL;
	va_list copy;
	int n;

	if (s->discard)
		return;
	va_copy(copy, ap);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		strbuf_add(s->sb, small, (size_t)n);
		return;
	}
	if (vasprintf(&big, fmt, ap) < 0) {
		s->sb->oom = true;
		return;
	}
	strbuf_add(s->sb, big, (size_t)n);
	free(big);
}

/* The name a typedef line declares: "typedef T NAME;", "typedef T
 * (*NAME)(...);", "typedef T NAME[4];", "} NAME;" closing one. */
static void typedef_name(const char *line, size_t len, char *out, size_t size)
{
	const char *end = line + len, *p, *q;
	const char *fp = memmem(line, len, "(*", 2);

	out[0] = '\0';
	if (fp) {
		p = fp + 2;
	} else {
		const char *semi = memchr(line, ';', len);

		end = semi ? semi : end;
		/* strip [..] and trailing attributes */
		for (q = line; q < end; q++)
			if (*q == '[') {
				end = q;
				break;
			}
		while (end > line && !ident_char((unsigned char)end[-1]))
			end--;
		p = end;
		while (p > line && ident_char((unsigned char)p[-1]))
			p--;
	}
	for (q = p; q < line + len && ident_char((unsigned char)*q); q++)
		;
	snprintf(out, size, "typedef %.*s", (int)(q - p), p);
}

/* The key of the declaration that starts at this line, or "" if it is a
 * multi-line typedef (named at its closing line). */
static void decl_key(const char *line, size_t len, const char *next, char *key,
		     size_t size)
{
	static const char *const tags[] = {"struct ", "union ", "enum "};

	key[0] = '\0';
	if (strncmp(line, "typedef ", 8) == 0) {
		if (memchr(line, ';', len))
			typedef_name(line, len, key, size);
		return;
	}
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t tl = strlen(tags[i]), n;

		if (strncmp(line, tags[i], tl))
			continue;
		if (line[tl] == '{' && memchr(line, ';', len)) {
			/* one of our constants: "enum { NAME = V };" */
			const char *nm =
				line + tl + 1 + strspn(line + tl + 1, " ");

			n = strspn(nm, "abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
			snprintf(key, size, "const %.*s", (int)n, nm);
			return;
		}
		if (line[tl] == '{' && next) { /* anonymous enum */
			next += strspn(next, " \t");
			n = strspn(next,
				   "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
			snprintf(key, size, "enum {%.*s", (int)n, next);
			return;
		}
		n = strspn(line + tl, "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		snprintf(key, size, "%.*s", (int)(tl + n), line);
		return;
	}
}

static void free_keys(struct btftypes *bt)
{
	for (size_t i = 0; i < bt->nlines; i++)
		if (bt->keys[i] && (i == 0 || bt->keys[i] != bt->keys[i - 1]))
			free(bt->keys[i]);
	free(bt->keys);
	bt->keys = NULL;
	bt->nlines = 0;
}

/* For each line of the text, the key of the declaration it is part of
 * (the lines of one declaration share one string). A declaration starts
 * at column 0 and ends at a column-0 line that ends with ';'. */
static int index_lines(struct btftypes *bt, const char *body)
{
	size_t n = 0, start = 0;
	char key[KEY_MAX];
	char *cur = NULL;
	bool open_typedef = false;

	for (const char *p = body; *p; p++)
		n += *p == '\n';
	bt->keys = calloc(n + 1, sizeof(*bt->keys));
	if (!bt->keys)
		return -1;
	bt->nlines = n + 1;
	n = 0;
	for (const char *p = body; *p && n < bt->nlines; n++) {
		size_t len = strcspn(p, "\n");
		const char *next = p[len] ? p + len + 1 : NULL;
		bool top = len && !isspace((unsigned char)*p) && *p != '#';

		if (top && *p != '}') {
			decl_key(p, len, next, key, sizeof(key));
			cur = key[0] ? strdup(key) : NULL;
			if (key[0] && !cur)
				return -1;
			open_typedef =
				!key[0] && strncmp(p, "typedef ", 8) == 0;
			start = n;
		} else if (top && open_typedef) { /* "} name;" */
			typedef_name(p, len, key, sizeof(key));
			cur = strdup(key);
			if (!cur)
				return -1;
			for (size_t i = start; i < n; i++)
				bt->keys[i] = cur;
			open_typedef = false;
		}
		bt->keys[n] = cur;
		if (top && p[len - 1] == ';')
			cur = NULL;
		p += len + (p[len] == '\n');
	}
	return 0;
}

static int make_text(struct btftypes *bt)
{
	struct strbuf sb = {0};
	struct sink sink = {.sb = &sb};
	struct btf_dump *d;
	static const char head[] = "#line 1 \"" BTFTYPES_FILE "\"\n";
	int r = 0;

	d = btf_dump__new(bt->btf, sink_printf, &sink, NULL);
	if (!d)
		return -1;
	sink.discard = true;
	for (size_t i = 0; i < bt->nskip && r == 0; i++) {
		unsigned id = id_of(bt->btf, bt->skip[i]);

		if (id)
			r = btf_dump__dump_type(d, id);
	}
	sink.discard = false;
	strbuf_adds(&sb, head);
	for (size_t i = 0; i < bt->nwanted && r == 0; i++)
		r = btf_dump__dump_type(d, bt->wanted[i]);
	btf_dump__free(d);
	for (size_t i = 0; i < bt->nconsts; i++)
		if (!bt->consts[i].dropped)
			strbuf_adds(&sb, bt->consts[i].line);
	strbuf_add(&sb, "", 0);
	if (r || sb.oom) {
		free(sb.p);
		return -1;
	}
	free_keys(bt);
	free(bt->text);
	bt->text = sb.p;
	/* line 1 of the file is the line after the #line directive */
	if (index_lines(bt, sb.p + strlen(head)))
		return -1;
	bt->stale = false;
	return 0;
}

const char *btftypes_text(struct btftypes *bt)
{
	if (!bt->btf || (bt->nwanted == 0 && bt->nconsts == 0))
		return "";
	if ((bt->stale || !bt->text) && make_text(bt))
		return NULL;
	return bt->text;
}

/* Edits (insert, delete, replace a byte) from a to b, at most 64 bytes
 * of b counted. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];

	if (lb > 64)
		lb = 64;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j],
			       best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

bool btftypes_nearest_helper(const struct btftypes *bt, const char *name,
			     char *out, size_t size)
{
	static const char prefix[] = "BPF_FUNC_";
	size_t best = strlen(name) / 3 + 2;
	const struct btf_type *t;
	const struct btf_enum *e;
	int id;

	if (!bt->btf)
		return false;
	id = btf__find_by_name_kind(bt->btf, "bpf_func_id", BTF_KIND_ENUM);
	if (id < 0)
		return false;
	t = btf__type_by_id(bt->btf, (unsigned)id);
	e = btf_enum(t);
	out[0] = '\0';
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const char *n = btf__name_by_offset(bt->btf, e[i].name_off);
		char helper[80];
		size_t d;

		if (!n || strncmp(n, prefix, sizeof(prefix) - 1) ||
		    strlen(n) > 70)
			continue;
		snprintf(helper, sizeof(helper), "bpf_%s",
			 n + sizeof(prefix) - 1);
		for (char *c = helper; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		d = edit_distance(name, helper);
		/* a name cut short, or run on, is the likelier slip */
		if (d > 0 && (!strncmp(helper, name, strlen(name)) ||
			      !strncmp(name, helper, strlen(helper))))
			d = 1 + d / 4;
		if (d > 0 && d < best) {
			best = d;
			snprintf(out, size, "%s", helper);
		}
	}
	return out[0] != '\0';
}

void btftypes_release(struct btftypes *bt)
{
	free_keys(bt);
	free(bt->text);
	for (size_t i = 0; i < bt->nskip; i++)
		free(bt->skip[i]);
	free(bt->skip);
	for (size_t i = 0; i < bt->nnames; i++)
		free(bt->names[i]);
	free(bt->names);
	free(bt->wanted);
	for (size_t i = 0; i < bt->nconsts; i++)
		free(bt->consts[i].line);
	free(bt->consts);
	btf__free(bt->btf);
	memset(bt, 0, sizeof(*bt));
}
