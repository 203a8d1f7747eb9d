/* typeinfo.c: the C types of a program's data, and their values as text
 * and as JSON.
 *
 * Two sources become one tree. libbcc's JSON description of a table's
 * key and value already settles the offsets ("struct_packed" spells the
 * padding out); the "name#type" fields of a submitted record are laid
 * out here by the C rules for BPF (x86-64 sizes, natural alignment,
 * System V bitfields). A type not known here ends the layout: from its
 * offset on, the record is shown as bytes, which is all we know of it.
 */
#include "typeinfo.h"

#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No BPF key, value or record comes near; sizes below never overflow. */
#define CTYPE_MAX_SIZE ((size_t)1 << 30)
#define CTYPE_MAX_DIMS 8
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Building types ---- */

static struct ctype *ctype_new(enum ctype_kind kind, const char *name,
			       size_t len)
{
	struct ctype *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->kind = kind;
	t->align = 1;
	t->name = strndup(name, len);
	if (!t->name) {
		free(t);
		return NULL;
	}
	return t;
}

static bool is_open_bytes(const struct ctype *t)
{
	return t->kind == CTYPE_BYTES && t->size == 0;
}

static struct ctype *scalar(enum ctype_kind kind, size_t size, bool is_signed,
			    const char *name, size_t len)
{
	struct ctype *t = ctype_new(kind, name, len);

	if (t) {
		t->size = size;
		t->align = size;
		t->is_signed = is_signed;
	}
	return t;
}

/* A type not known here: bytes from its offset to the end of the data. */
static struct ctype *bytes_rest(const char *name, size_t len)
{
	return ctype_new(CTYPE_BYTES, name, len);
}

const struct ctype ctype_bytes = {.kind = CTYPE_BYTES, .align = 1};

void ctype_free(struct ctype *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nmembers; i++) {
		free(t->members[i].name);
		ctype_free(t->members[i].type);
	}
	free(t->members);
	ctype_free(t->elem);
	free(t->name);
	free(t);
}

static struct ctype *ctype_copy(const struct ctype *t)
{
	struct ctype *c = ctype_new(t->kind, t->name, strlen(t->name));

	if (!c)
		return NULL;
	c->size = t->size;
	c->align = t->align;
	c->is_signed = t->is_signed;
	c->count = t->count;
	if (t->elem && !(c->elem = ctype_copy(t->elem)))
		goto fail;
	if (t->nmembers) {
		c->members = calloc(t->nmembers, sizeof(*c->members));
		if (!c->members)
			goto fail;
	}
	for (; c->nmembers < t->nmembers; c->nmembers++) {
		const struct cmember *from = &t->members[c->nmembers];
		struct cmember *to = &c->members[c->nmembers];

		*to = *from;
		to->name = strdup(from->name);
		to->type = to->name ? ctype_copy(from->type) : NULL;
		if (!to->type) {
			free(to->name);
			goto fail;
		}
	}
	return c;
fail:
	ctype_free(c);
	return NULL;
}

/* Does t reach to the end of the data, its size only the part known? */
static bool open_ended(const struct ctype *t)
{
	switch (t->kind) {
	case CTYPE_BYTES:
		return is_open_bytes(t);
	case CTYPE_STRUCT:
		return t->nmembers &&
		       open_ended(t->members[t->nmembers - 1].type);
	case CTYPE_UNION:
		for (size_t i = 0; i < t->nmembers; i++)
			if (open_ended(t->members[i].type))
				return true;
		return false;
	default:
		return false;
	}
}

/* elem[count], taking elem (freed on failure). A char array is text; an
 * array of a type not known here is bytes to the end. */
static struct ctype *array_of(struct ctype *elem, size_t count)
{
	enum ctype_kind kind = CTYPE_ARRAY;
	const char *dims = "";
	struct ctype *t;
	char name[160];
	int base;

	if (open_ended(elem)) {
		t = bytes_rest(elem->name, strlen(elem->name));
		ctype_free(elem);
		return t;
	}
	if (count && elem->size > CTYPE_MAX_SIZE / count) {
		ctype_free(elem);
		return NULL;
	}
	if (elem->kind == CTYPE_INT && strcmp(elem->name, "char") == 0)
		kind = CTYPE_CHARS;
	/* int[2][3]: the new dimension goes before the element's. */
	if (elem->kind == CTYPE_ARRAY || elem->kind == CTYPE_CHARS)
		dims = strchr(elem->name, '[');
	base = dims[0] ? (int)(dims - elem->name) : (int)strlen(elem->name);
	snprintf(name, sizeof(name), "%.*s[%zu]%.24s", base < 100 ? base : 100,
		 elem->name, count, dims);
	t = ctype_new(kind, name, strlen(name));
	if (!t) {
		ctype_free(elem);
		return NULL;
	}
	t->size = elem->size * count;
	t->align = elem->align;
	t->elem = elem;
	/* Elements of size 0 hold nothing: shown as [], however many are
	 * declared (char[12671267][2][0] took the fuzzer 15 s a record). */
	t->count = elem->size ? count : 0;
	return t;
}

/* Append a member, taking type (freed on failure). */
static bool add_member(struct ctype *st, const char *name, size_t len,
		       struct ctype *type, size_t offset)
{
	struct cmember *more, *m;

	more = realloc(st->members, (st->nmembers + 1) * sizeof(*more));
	if (!more) {
		ctype_free(type);
		return false;
	}
	st->members = more;
	m = &more[st->nmembers];
	memset(m, 0, sizeof(*m));
	m->name = strndup(name, len);
	if (!m->name) {
		ctype_free(type);
		return false;
	}
	m->type = type;
	m->offset = offset;
	st->nmembers++;
	return true;
}

/* ---- Layout by the C rules ---- */

/* A struct being laid out: bit is the first free bit, align the largest
 * alignment of its members so far. */
struct layout {
	size_t bit, align;
};

static size_t align_up(size_t n, size_t a)
{
	return a > 1 ? (n + a - 1) / a * a : n;
}

/* The offset of the next member of type t. A type not known here has no
 * known alignment: its bytes start right after the last member. */
static size_t place(struct layout *l, const struct ctype *t)
{
	size_t off = (l->bit + 7) / 8;

	if (!is_open_bytes(t))
		off = align_up(off, t->align);
	l->bit = (off + t->size) * 8;
	if (t->align > l->align)
		l->align = t->align;
	return off;
}

/* A bitfield (the System V rule, which BPF follows): it goes in the
 * storage unit of its type that holds the next free bit, or the next
 * unit if it would cross into it; width 0 moves to the next unit.
 * Unnamed bitfields do not align the struct. */
static void place_bits(struct layout *l, const struct ctype *t, unsigned bits,
		       bool named, struct cmember *m)
{
	size_t unit = t->size * 8;

	if (bits == 0 || l->bit / unit != (l->bit + bits - 1) / unit)
		l->bit = align_up(l->bit, unit);
	m->offset = l->bit / unit * t->size;
	m->bit_offset = l->bit % unit;
	m->bits = bits;
	l->bit += bits;
	if (named && t->align > l->align)
		l->align = t->align;
}

static void finish(struct ctype *st, const struct layout *l)
{
	st->align = l->align;
	st->size = (l->bit + 7) / 8;
	if (!open_ended(st))
		st->size = align_up(st->size, st->align);
}

/* ---- Type names ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool word_is(const char *w, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(w, s, len) == 0;
}

/* Kernel and libc typedefs a program's fields are declared with, by
 * size and sign (x86-64 and BPF agree on all of them). */
static const struct int_names {
	unsigned char size;
	bool is_signed;
	const char *names[10];
} int_names[] = {
	{1, false, {"u8", "__u8", "uint8_t"}},
	{1, true, {"s8", "__s8", "int8_t"}},
	{2,
	 false,
	 {"u16", "__u16", "uint16_t", "__le16", "__be16", "umode_t",
	  "__sum16"}},
	{2, true, {"s16", "__s16", "int16_t"}},
	{4,
	 false,
	 {"u32", "__u32", "uint32_t", "__le32", "__be32", "uid_t", "gid_t",
	  "dev_t", "gfp_t", "__wsum"}},
	{4, true, {"s32", "__s32", "int32_t", "pid_t"}},
	{8,
	 false,
	 {"u64", "__u64", "uint64_t", "__le64", "__be64", "size_t", "uintptr_t",
	  "ino_t", "sector_t"}},
	{8,
	 true,
	 {"s64", "__s64", "int64_t", "ssize_t", "intptr_t", "ptrdiff_t",
	  "loff_t", "off_t", "time_t", "ktime_t"}},
};

enum word {
	W_SIGNED,
	W_UNSIGNED,
	W_CHAR,
	W_SHORT,
	W_INT,
	W_LONG,
	W_FLOAT,
	W_DOUBLE,
	W_INT128,
	W_BOOL,
	W_NWORDS
};

static const char *const words[W_NWORDS] = {
	"signed", "unsigned", "char",	"short",    "int",
	"long",	  "float",    "double", "__int128", "_Bool",
};

static bool qualifier(const char *w, size_t len)
{
	return word_is(w, len, "const") || word_is(w, len, "volatile") ||
	       word_is(w, len, "restrict") || word_is(w, len, "__restrict");
}

/* Where types named in fields are looked up. */
struct known {
	struct ctype *const *types;
	size_t n;
};

static const struct ctype *find_record(const struct ctype *t,
				       enum ctype_kind kind, const char *name,
				       size_t len)
{
	const struct ctype *found = NULL;

	if (!t)
		return NULL;
	if (t->kind == kind && word_is(name, len, t->name))
		return t;
	if (t->elem)
		found = find_record(t->elem, kind, name, len);
	for (size_t i = 0; i < t->nmembers && !found; i++)
		found = find_record(t->members[i].type, kind, name, len);
	return found;
}

/* "struct X" or "union X", copied from the known types (their nested
 * types too). */
static struct ctype *tagged(const char *tag, size_t tlen, const char *name,
			    size_t len, const struct known *k, bool *unresolved)
{
	enum ctype_kind kind;

	if (word_is(tag, tlen, "enum"))
		return scalar(CTYPE_INT, 4, false, tag, name + len - tag);
	kind = word_is(tag, tlen, "union") ? CTYPE_UNION : CTYPE_STRUCT;
	for (size_t i = 0; k && i < k->n; i++) {
		const struct ctype *t =
			find_record(k->types[i], kind, name, len);

		if (t)
			return ctype_copy(t);
	}
	*unresolved = true;
	return NULL;
}

/* long double and __int128: 16 bytes, shown as bytes. */
static struct ctype *wide(const char *name, size_t len)
{
	struct ctype *t = scalar(CTYPE_BYTES, 16, false, name, len);

	if (t)
		t->align = 16;
	return t;
}

/* A C base type from its words, in any order, as in "long unsigned". */
static struct ctype *builtin(const unsigned count[W_NWORDS], size_t nwords,
			     const char *name, size_t len, bool *unresolved)
{
	size_t rest = nwords - count[W_SIGNED] - count[W_UNSIGNED];
	bool is_signed = !count[W_UNSIGNED];
	size_t size = 0;

	if (count[W_SIGNED] + count[W_UNSIGNED] > 1) {
		*unresolved = true;
		return NULL;
	}
	if (count[W_BOOL] && nwords == 1)
		return scalar(CTYPE_BOOL, 1, false, name, len);
	if (count[W_FLOAT] && nwords == 1)
		return scalar(CTYPE_FLOAT, 4, true, name, len);
	if (count[W_DOUBLE] && nwords == 1)
		return scalar(CTYPE_FLOAT, 8, true, name, len);
	if ((count[W_DOUBLE] && count[W_LONG] == 1 && nwords == 2) ||
	    (count[W_INT128] && rest == 1))
		return wide(name, len);
	if (count[W_CHAR] && rest == 1)
		size = 1;
	else if (count[W_SHORT] == 1 && rest == 1 + count[W_INT])
		size = 2;
	else if (count[W_LONG] && count[W_LONG] <= 2 &&
		 rest == count[W_LONG] + count[W_INT])
		size = 8;
	else if (rest == count[W_INT] && rest <= 1 && nwords)
		size = 4;
	if (!size) {
		*unresolved = true;
		return NULL;
	}
	return scalar(CTYPE_INT, size, is_signed, name, len);
}

/* An integer type known by its typedef name, such as "u32". */
static struct ctype *typedef_int(const char *name, size_t len, bool *unresolved)
{
	for (size_t i = 0; i < ARRAY_LEN(int_names); i++)
		for (size_t j = 0;
		     j < ARRAY_LEN(int_names[i].names) && int_names[i].names[j];
		     j++)
			if (word_is(name, len, int_names[i].names[j]))
				return scalar(CTYPE_INT, int_names[i].size,
					      int_names[i].is_signed, name,
					      len);
	*unresolved = true;
	return NULL;
}

/* The type named by words such as "unsigned int", "u32", "const char",
 * "enum e", "struct s". NULL with *unresolved set when it is none. */
static struct ctype *named_type(const char *s, size_t len,
				const struct known *k, bool *unresolved)
{
	unsigned count[W_NWORDS] = {0};
	const char *tag = NULL, *ident = NULL;
	size_t nwords = 0, tlen = 0, ilen = 0;
	char name[128];
	size_t nlen = 0;

	for (size_t i = 0; i < len;) {
		const char *w = s + i;
		size_t wl = 0;
		int which = W_NWORDS;

		while (i + wl < len && !is_space(w[wl]))
			wl++;
		i += wl;
		while (i < len && is_space(s[i]))
			i++;
		if (wl == 0 || qualifier(w, wl))
			continue;
		if (nlen + wl + 1 >= sizeof(name)) {
			*unresolved = true;
			return NULL;
		}
		if (nlen)
			name[nlen++] = ' ';
		memcpy(name + nlen, w, wl);
		nlen += wl;
		nwords++;
		for (int j = 0; j < W_NWORDS; j++)
			if (word_is(w, wl, words[j]))
				which = j;
		if (which < W_NWORDS) {
			count[which]++;
		} else if (nwords == 1 && (word_is(w, wl, "struct") ||
					   word_is(w, wl, "union") ||
					   word_is(w, wl, "enum"))) {
			tag = w;
			tlen = wl;
		} else {
			ident = w;
			ilen = wl;
		}
	}
	name[nlen] = '\0';
	if (tag || ident) {
		if (tag && ident && nwords == 2)
			return tagged(tag, tlen, ident, ilen, k, unresolved);
		if (!tag && nwords == 1 && word_is(ident, ilen, "bool"))
			return scalar(CTYPE_BOOL, 1, false, name, nlen);
		if (!tag && nwords == 1)
			return typedef_int(name, nlen, unresolved);
		*unresolved = true;
		return NULL;
	}
	return builtin(count, nwords, name, nlen, unresolved);
}

/* Trim spaces from both ends of s[0..*len). */
static const char *trim(const char *s, size_t *len)
{
	for (; *len && is_space(*s); s++)
		(*len)--;
	while (*len && is_space(s[*len - 1]))
		(*len)--;
	return s;
}

/* Parse the trailing "[N]" groups of a type's text, innermost first:
 * the count of dims, len cut to the element's text; -1 when malformed. */
static int trailing_dims(const char *s, size_t *len, size_t *dims)
{
	int nd = 0;

	for (s = trim(s, len); *len && s[*len - 1] == ']'; s = trim(s, len)) {
		size_t end = *len - 1, open = end, v = 0;

		while (open > 0 && s[open - 1] != '[')
			open--;
		if (open == 0 || open == end || nd == CTYPE_MAX_DIMS)
			return -1;
		for (size_t i = open; i < end; i++) {
			if (!is_digit(s[i]) || v > CTYPE_MAX_SIZE)
				return -1;
			v = v * 10 + (size_t)(s[i] - '0');
		}
		if (v > CTYPE_MAX_SIZE)
			return -1;
		dims[nd++] = v;
		*len = open - 1;
	}
	return nd;
}

/* A field's type as clang spells it: "u32", "char[16]", "void *",
 * "struct inner", "const char *[4]", "int (*)(int)". */
static struct ctype *type_from_text(const char *s, const struct known *k,
				    bool *unresolved)
{
	size_t dims[CTYPE_MAX_DIMS], len = strlen(s), size;
	struct ctype *t;
	int nd;

	*unresolved = false;
	s = trim(s, &len);
	if (memchr(s, '(', len)) {
		/* A pointer to a function or an array, or something odd. */
		if (!strstr(s, "(*")) {
			*unresolved = true;
			return NULL;
		}
		return scalar(CTYPE_PTR, 8, false, s, len);
	}
	nd = trailing_dims(s, &len, dims);
	if (nd < 0 || len == 0) {
		*unresolved = true;
		return NULL;
	}
	if (memchr(s, '*', len))
		t = scalar(CTYPE_PTR, 8, false, s, len);
	else
		t = named_type(s, len, k, unresolved);
	/* An array too big for any record is no type we know. */
	size = t ? t->size : 0;
	for (int i = 0; t && i < nd; i++) {
		if (dims[i] && size > CTYPE_MAX_SIZE / dims[i]) {
			ctype_free(t);
			*unresolved = true;
			return NULL;
		}
		size *= dims[i];
	}
	for (int i = 0; t && i < nd; i++)
		t = array_of(t, dims[i]);
	return t;
}

/* ---- libbcc's table descriptions ---- */

static struct ctype *desc_type(struct json_object *j);

static struct json_object *item(struct json_object *a, size_t i)
{
	return json_object_array_get_idx(a, i);
}

static bool is_a(struct json_object *j, enum json_type type)
{
	return j && json_object_is_type(j, type);
}

/* Apply a member's dims ([2,3] is an array of 2 arrays of 3). */
static struct ctype *desc_dims(struct ctype *t, struct json_object *dims)
{
	size_t n = json_object_array_length(dims);

	if (n == 0 || n > CTYPE_MAX_DIMS) {
		ctype_free(t);
		return NULL;
	}
	for (size_t i = n; t && i-- > 0;) {
		struct json_object *d = item(dims, i);
		int64_t v =
			is_a(d, json_type_int) ? json_object_get_int64(d) : -1;

		if (v < 0 || (uint64_t)v > CTYPE_MAX_SIZE) {
			ctype_free(t);
			return NULL;
		}
		t = array_of(t, (size_t)v);
	}
	return t;
}

/* One member: [name, type], [name, type, [dims]], [name, type, bits], or
 * an anonymous struct or union, the record itself: ["", [...], kind].
 * *bits is -1 when the member is not a bitfield. */
static struct ctype *desc_member(struct json_object *m, const char **name,
				 int *bits)
{
	struct json_object *third;
	struct ctype *t;
	size_t n;

	*bits = -1;
	if (!is_a(m, json_type_array))
		return NULL;
	n = json_object_array_length(m);
	if ((n != 2 && n != 3) || !is_a(item(m, 0), json_type_string))
		return NULL;
	*name = json_object_get_string(item(m, 0));
	third = n == 3 ? item(m, 2) : NULL;
	if (is_a(third, json_type_string))
		return desc_type(m);
	t = desc_type(item(m, 1));
	if (!t || !third)
		return t;
	if (is_a(third, json_type_array))
		return desc_dims(t, third);
	if (is_a(third, json_type_int) &&
	    (t->kind == CTYPE_INT || t->kind == CTYPE_BOOL)) {
		int64_t v = json_object_get_int64(third);

		/* Only an unnamed bitfield may have no bits, as in C. */
		if ((v > 0 || !(*name)[0]) && (uint64_t)v <= t->size * 8) {
			*bits = (int)v;
			return t;
		}
	}
	ctype_free(t);
	return NULL;
}

enum record_kind { R_PACKED, R_STRUCT, R_UNION };

/* The alignment of a struct whose offsets libbcc gave: its largest
 * member's, unless the offsets or size show it packed tighter. */
static size_t packed_align(const struct ctype *st)
{
	size_t a = 1;

	for (size_t i = 0; i < st->nmembers; i++)
		if (st->members[i].type->align > a)
			a = st->members[i].type->align;
	for (bool fits = false; a > 1 && !fits;) {
		fits = st->size % a == 0;
		for (size_t i = 0; i < st->nmembers && fits; i++) {
			const struct cmember *m = &st->members[i];
			size_t ma = m->type->align < a ? m->type->align : a;

			fits = m->offset % ma == 0;
		}
		if (!fits)
			a /= 2;
	}
	return a;
}

/* Lay out one member of a record being built. False on malformed input
 * or out of memory (type is freed). */
static bool desc_place(struct ctype *st, enum record_kind rk, struct layout *l,
		       const char *name, struct ctype *t, int bits)
{
	struct cmember *m;
	size_t off = 0;

	if (bits >= 0 && rk == R_PACKED) {
		/* libbcc never pads a struct with bitfields. */
		ctype_free(t);
		return false;
	}
	if (rk == R_PACKED) {
		off = l->bit / 8;
		l->bit += t->size * 8;
		if (l->bit / 8 > CTYPE_MAX_SIZE) {
			ctype_free(t);
			return false;
		}
	} else if (rk == R_STRUCT && bits < 0) {
		off = place(l, t);
	} else if (rk == R_UNION) {
		if (t->size * 8 > l->bit)
			l->bit = t->size * 8;
		if ((bits < 0 || name[0]) && t->align > l->align)
			l->align = t->align;
	}
	if (!add_member(st, name, strlen(name), t, off))
		return false;
	m = &st->members[st->nmembers - 1];
	if (bits > 0 && rk == R_UNION)
		m->bits = (unsigned)bits;
	else if (bits >= 0 && rk == R_STRUCT)
		place_bits(l, t, (unsigned)bits, name[0] != '\0', m);
	/* libbcc's padding, and unnamed bitfields, are not data. */
	m->padding = (rk == R_PACKED && strncmp(name, "__pad_", 6) == 0) ||
		     (bits >= 0 && !name[0]);
	return true;
}

/* [name, [members], kind]: a struct, union or enum. */
static struct ctype *desc_record(struct json_object *j)
{
	struct json_object *members = item(j, 1);
	const char *name, *kind;
	struct layout l = {0, 1};
	enum record_kind rk;
	struct ctype *st;

	if (json_object_array_length(j) != 3 ||
	    !is_a(item(j, 0), json_type_string) ||
	    !is_a(members, json_type_array) ||
	    !is_a(item(j, 2), json_type_string))
		return NULL;
	name = json_object_get_string(item(j, 0));
	kind = json_object_get_string(item(j, 2));
	if (strcmp(kind, "enum") == 0) {
		char ename[160];

		snprintf(ename, sizeof(ename), "enum %.128s", name);
		return scalar(CTYPE_INT, 4, false, ename, strlen(ename));
	}
	if (strcmp(kind, "struct_packed") == 0)
		rk = R_PACKED;
	else if (strcmp(kind, "struct") == 0)
		rk = R_STRUCT;
	else if (strcmp(kind, "union") == 0)
		rk = R_UNION;
	else
		return NULL;
	st = ctype_new(rk == R_UNION ? CTYPE_UNION : CTYPE_STRUCT, name,
		       strlen(name));
	if (!st)
		return NULL;
	for (size_t i = 0; i < json_object_array_length(members); i++) {
		const char *mname = "";
		int bits;
		struct ctype *t = desc_member(item(members, i), &mname, &bits);

		if (!t || !desc_place(st, rk, &l, mname, t, bits)) {
			ctype_free(st);
			return NULL;
		}
		/* Past a type not known here, offsets are not known either. */
		if (rk != R_UNION && open_ended(t))
			break;
	}
	if (rk == R_PACKED) {
		st->size = l.bit / 8;
		st->align = packed_align(st);
	} else {
		finish(st, &l);
	}
	return st;
}

static struct ctype *desc_type(struct json_object *j)
{
	if (is_a(j, json_type_string)) {
		const char *s = json_object_get_string(j);
		size_t len = strlen(s);
		bool unresolved = false;
		struct ctype *t = named_type(s, len, NULL, &unresolved);

		return unresolved ? bytes_rest(s, len) : t;
	}
	if (is_a(j, json_type_array))
		return desc_record(j);
	return NULL;
}

struct ctype *ctype_from_desc(const char *desc)
{
	struct json_tokener *tok;
	struct json_object *j;
	struct ctype *t = NULL;
	size_t len, end;

	if (!desc)
		return NULL;
	len = strlen(desc);
	if (len > INT32_MAX)
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	j = json_tokener_parse_ex(tok, desc, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (j && json_tokener_get_error(tok) == json_tokener_success) {
		while (end < len && is_space(desc[end]))
			end++;
		if (end == len)
			t = desc_type(j);
	}
	json_object_put(j);
	json_tokener_free(tok);
	return t;
}

/* ---- Submitted records' fields ---- */

struct ctype *ctype_from_fields(const char *const *fields, size_t n,
				struct ctype *const *known, size_t nknown,
				const char **unknown)
{
	struct known k = {known, nknown};
	struct layout l = {0, 1};
	struct ctype *st;

	if (unknown)
		*unknown = NULL;
	if (n && !fields)
		return NULL;
	st = ctype_new(CTYPE_STRUCT, "", 0);
	if (!st)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *hash = fields[i] ? strchr(fields[i], '#') : NULL;
		bool unresolved;
		struct ctype *t;
		size_t off;

		if (!hash || hash == fields[i] || !hash[1])
			goto fail;
		t = type_from_text(hash + 1, &k, &unresolved);
		if (unresolved) {
			t = bytes_rest(hash + 1, strlen(hash + 1));
			if (unknown)
				*unknown = hash + 1;
		}
		if (!t)
			goto fail;
		off = place(&l, t);
		if (off > CTYPE_MAX_SIZE) {
			ctype_free(t);
			goto fail;
		}
		if (!add_member(st, fields[i], (size_t)(hash - fields[i]), t,
				off))
			goto fail;
		if (open_ended(t))
			break;
	}
	finish(st, &l);
	return st;
fail:
	ctype_free(st);
	return NULL;
}

/* ---- Reading values ---- */

static uint64_t load(const unsigned char *p, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	case 8:
		memcpy(&u64, p, 8);
		return u64;
	default:
		return 0;
	}
}

/* The integer at p, or a bitfield's bits in the t->size bytes at p, as
 * 64 bits, sign-extended when t is signed. */
static uint64_t int_bits(const struct ctype *t, const unsigned char *p,
			 unsigned bit_offset, unsigned bits)
{
	uint64_t v = load(p, t->size);
	unsigned width = bits ? bits : (unsigned)t->size * 8;

	if (bits) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		bit_offset = (unsigned)t->size * 8 - bit_offset - bits;
#endif
		v >>= bit_offset;
		if (bits < 64)
			v &= ((uint64_t)1 << bits) - 1;
	}
	if (t->is_signed && width < 64 && (v >> (width - 1)) & 1)
		v |= ~(uint64_t)0 << width;
	return v;
}

static double float_value(const struct ctype *t, const unsigned char *p)
{
	float f;
	double d;

	if (t->size == 4) {
		memcpy(&f, p, 4);
		return f;
	}
	memcpy(&d, p, 8);
	return d;
}

/* The shortest text that reads back as the same float or double. */
static void float_text(const struct ctype *t, double v, char *buf, size_t size)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (!isfinite(v) ||
		    (t->size == 4 ? strtof(buf, NULL) == (float)v
				  : strtod(buf, NULL) == v))
			return;
	}
}

/* The length of the valid UTF-8 sequence at s (n bytes there), *cp its
 * code point; 0 when s does not start one (overlong forms and UTF-16
 * surrogates are not valid). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t v, min;
	size_t len;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		v = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		v = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		v = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* The text of a char array: up to its first NUL, at most n bytes. */
static size_t text_len(const unsigned char *p, size_t n)
{
	const unsigned char *nul = n ? memchr(p, 0, n) : NULL;

	return nul ? (size_t)(nul - p) : n;
}

/* Where member or element data at off starts, and how much of it is
 * there (never a pointer past the data). */
static const unsigned char *at(const unsigned char *p, size_t avail, size_t off,
			       size_t *rem)
{
	if (off >= avail) {
		*rem = 0;
		return p + avail;
	}
	*rem = avail - off;
	return p + off;
}

/* Has the value at p something to show with avail bytes: all of it, or
 * for a composite the start, or for text its end? */
static bool showable(const struct ctype *t, const unsigned char *p,
		     size_t avail)
{
	if (open_ended(t) || avail >= t->size)
		return true;
	switch (t->kind) {
	case CTYPE_STRUCT:
	case CTYPE_UNION:
	case CTYPE_ARRAY:
		return avail > 0;
	case CTYPE_CHARS:
		return avail && memchr(p, 0, avail);
	default:
		return false;
	}
}

static bool anonymous(const struct cmember *m)
{
	return !m->name[0] &&
	       (m->type->kind == CTYPE_STRUCT || m->type->kind == CTYPE_UNION);
}

/* ---- Text ---- */

static const char hexdigits[] = "0123456789abcdef";

static void hex_text(const unsigned char *p, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		char h[2] = {hexdigits[p[i] >> 4], hexdigits[p[i] & 15]};

		strbuf_add(out, h, 2);
	}
}

/* Characters that separate values in this text: a value with one is
 * quoted. */
static bool separator(unsigned char c)
{
	return c && strchr(" ,={}[]", c);
}

/* Bytes as text a terminal shows as they are: printable ASCII and valid
 * UTF-8 kept; \n \t \r and the backslash (and the quote, when quoted)
 * escaped; other control bytes (C0, DEL, C1) and invalid UTF-8 as \xNN. */
enum escape_mode {
	ESCAPE_QUOTED,	 /* inside "...": the quote escaped too */
	ESCAPE_TEXT,	 /* \n \t \r \\ and every control byte */
	ESCAPE_CONTROLS, /* only what a terminal would act on (not \t) */
};

/* The escaped form of the character at p (at most 4 bytes of UTF-8, or
 * 4 of an escape) into e; returns how many bytes of p it stands for. */
static size_t escape_one(const unsigned char *p, size_t len,
			 enum escape_mode mode, char e[8], size_t *elen)
{
	uint32_t cp = 0;
	size_t seq = utf8_seq(p, len, &cp);

	if (seq > 1 && cp >= 0xa0) {
		/* Printable UTF-8 as it is; C1 controls escaped. */
		memcpy(e, p, seq);
		*elen = seq;
		return seq;
	}
	*elen = 2;
	e[0] = '\\';
	if (mode == ESCAPE_CONTROLS &&
	    (*p == '\t' || *p == '\\' || (*p >= 0x20 && *p < 0x7f))) {
		e[0] = (char)*p;
		*elen = 1;
	} else if (*p == '\n') {
		e[1] = 'n';
	} else if (*p == '\t') {
		e[1] = 't';
	} else if (*p == '\r') {
		e[1] = 'r';
	} else if (*p == '\\' || (mode == ESCAPE_QUOTED && *p == '"')) {
		e[1] = (char)*p;
	} else if (*p < 0x20 || *p >= 0x7f) {
		snprintf(e, 8, "\\x%02x", *p);
		*elen = 4;
	} else {
		e[0] = (char)*p;
		*elen = 1;
	}
	return 1;
}

static void escape_text(const unsigned char *p, size_t len,
			enum escape_mode mode, struct strbuf *out)
{
	for (size_t i = 0; i < len;) {
		char e[8];
		size_t elen;

		i += escape_one(p + i, len - i, mode, e, &elen);
		strbuf_add(out, e, elen);
	}
}

size_t ctype_escape_buf(char *buf, size_t size, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t used = 0;

	for (size_t i = 0; i < n && size;) {
		char e[8];
		size_t elen,
			took = escape_one(p + i, n - i, ESCAPE_TEXT, e, &elen);

		if (used + elen >= size)
			break;
		memcpy(buf + used, e, elen);
		used += elen;
		i += took;
	}
	if (size)
		buf[used] = '\0';
	return used;
}

void ctype_escape_write(FILE *f, const void *data, size_t n, bool controls_only)
{
	const unsigned char *p = data;
	char chunk[512];
	size_t used = 0;

	for (size_t i = 0; i < n;) {
		char e[8];
		size_t elen;

		i += escape_one(p + i, n - i,
				controls_only ? ESCAPE_CONTROLS : ESCAPE_TEXT,
				e, &elen);
		if (used + elen > sizeof(chunk)) {
			fwrite(chunk, 1, used, f);
			used = 0;
		}
		memcpy(chunk + used, e, elen);
		used += elen;
	}
	fwrite(chunk, 1, used, f);
}

static void chars_text(const unsigned char *p, size_t n, struct strbuf *out)
{
	size_t len = text_len(p, n);
	bool quote = len == 0;

	for (size_t i = 0; i < len && !quote; i++)
		quote = separator(p[i]);
	if (quote)
		strbuf_adds(out, "\"");
	escape_text(p, len, ESCAPE_QUOTED, out);
	if (quote)
		strbuf_adds(out, "\"");
}

/* A scalar, or a bitfield's bits, as text. */
static void scalar_text(const struct ctype *t, const unsigned char *p,
			unsigned bit_offset, unsigned bits, struct strbuf *out)
{
	char buf[40];
	uint64_t v;

	switch (t->kind) {
	case CTYPE_INT:
		v = int_bits(t, p, bit_offset, bits);
		if (t->is_signed)
			snprintf(buf, sizeof(buf), "%lld", (long long)v);
		else
			snprintf(buf, sizeof(buf), "%llu",
				 (unsigned long long)v);
		break;
	case CTYPE_BOOL:
		v = int_bits(t, p, bit_offset, bits);
		snprintf(buf, sizeof(buf), "%s", v ? "true" : "false");
		break;
	case CTYPE_FLOAT:
		float_text(t, float_value(t, p), buf, sizeof(buf));
		break;
	case CTYPE_PTR:
		snprintf(buf, sizeof(buf), "0x%llx",
			 (unsigned long long)load(p, t->size));
		break;
	default:
		hex_text(p, t->size, out);
		return;
	}
	strbuf_adds(out, buf);
}

/* ---- one walk over a value, for the text and the JSON printers ---- */

/* What a printer does at each step of walk_value(). Each returns false
 * when out of memory. name is the member's, or NULL (an array element, or
 * the value itself). */
struct printer {
	/* a struct, union or array begins; top: the value itself */
	bool (*open)(void *ctx, const char *name, const struct ctype *t,
		     bool top);
	bool (*close)(void *ctx, const struct ctype *t, bool top);
	/* anything else: n bytes at p (a bitfield: bits at bit_offset) */
	bool (*leaf)(void *ctx, const char *name, const struct ctype *t,
		     const unsigned char *p, size_t n, unsigned bit_offset,
		     unsigned bits);
	/* the data ran out where name would be: the walk ends here */
	bool (*cut)(void *ctx, const char *name);
};

enum { WALK_OK, WALK_CUT, WALK_OOM };

static int walk_value(const struct printer *pr, void *ctx, const char *name,
		      const struct ctype *t, const unsigned char *p,
		      size_t avail, bool top);

/* A struct's or union's members; an anonymous struct or union's members
 * as if they were the parent's. Padding is left out. */
static int walk_members(const struct printer *pr, void *ctx,
			const struct ctype *t, const unsigned char *p,
			size_t avail)
{
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct cmember *m = &t->members[i];
		size_t rem;
		const unsigned char *q = at(p, avail, m->offset, &rem);
		bool whole = m->bits ? rem >= m->type->size
				     : showable(m->type, q, rem);
		int r;

		if (m->padding)
			continue;
		if (!whole)
			return pr->cut(ctx, m->name) ? WALK_CUT : WALK_OOM;
		if (anonymous(m))
			r = walk_members(pr, ctx, m->type, q, rem);
		else if (m->bits)
			r = pr->leaf(ctx, m->name, m->type, q, rem,
				     m->bit_offset, m->bits)
				    ? WALK_OK
				    : WALK_OOM;
		else
			r = walk_value(pr, ctx, m->name, m->type, q, rem,
				       false);
		if (r != WALK_OK)
			return r;
	}
	return WALK_OK;
}

static int walk_value(const struct printer *pr, void *ctx, const char *name,
		      const struct ctype *t, const unsigned char *p,
		      size_t avail, bool top)
{
	int r = WALK_OK;
	size_t n;

	if (!showable(t, p, avail))
		return pr->cut(ctx, name) ? WALK_CUT : WALK_OOM;
	switch (t->kind) {
	case CTYPE_STRUCT:
	case CTYPE_UNION:
	case CTYPE_ARRAY:
		if (!pr->open(ctx, name, t, top))
			return WALK_OOM;
		if (t->kind != CTYPE_ARRAY)
			r = walk_members(pr, ctx, t, p, avail);
		for (size_t i = 0;
		     t->kind == CTYPE_ARRAY && i < t->count && r == WALK_OK;
		     i++) {
			size_t rem;
			const unsigned char *q =
				at(p, avail, i * t->elem->size, &rem);

			r = walk_value(pr, ctx, NULL, t->elem, q, rem, false);
		}
		if (r == WALK_OOM || !pr->close(ctx, t, top))
			return WALK_OOM;
		return r;
	case CTYPE_CHARS:
		/* Showable: all there, or its NUL is. */
		n = avail < t->size ? avail : t->size;
		break;
	case CTYPE_BYTES:
		n = open_ended(t) ? avail : t->size;
		break;
	default:
		n = t->size;
		break;
	}
	return pr->leaf(ctx, name, t, p, n, 0, 0) ? WALK_OK : WALK_OOM;
}

/* ---- text: "a=1 b={c=2} d=[1,2] s=text", "..." where the data ends ---- */

#define TEXT_DEPTH 64

struct text_printer {
	struct strbuf *out;
	int depth; /* open containers */
	bool first[TEXT_DEPTH], array[TEXT_DEPTH];
};

/* Before a value: its separator from the one before, and its name. */
static void text_prefix(struct text_printer *tp, const char *name)
{
	int d = tp->depth - 1;

	if (d < 0 || d >= TEXT_DEPTH)
		return;
	if (!tp->first[d])
		strbuf_adds(tp->out, tp->array[d] ? "," : " ");
	tp->first[d] = false;
	if (name && !tp->array[d]) {
		strbuf_adds(tp->out, name);
		strbuf_adds(tp->out, "=");
	}
}

static bool text_open(void *ctx, const char *name, const struct ctype *t,
		      bool top)
{
	struct text_printer *tp = ctx;
	bool array = t->kind == CTYPE_ARRAY;

	text_prefix(tp, name);
	if (!top || array) /* a record at the top has no braces */
		strbuf_adds(tp->out, array ? "[" : "{");
	if (tp->depth < TEXT_DEPTH) {
		tp->first[tp->depth] = true;
		tp->array[tp->depth] = array;
	}
	tp->depth++;
	return !tp->out->oom;
}

static bool text_close(void *ctx, const struct ctype *t, bool top)
{
	struct text_printer *tp = ctx;
	bool array = t->kind == CTYPE_ARRAY;

	tp->depth--;
	if (!top || array)
		strbuf_adds(tp->out, array ? "]" : "}");
	return !tp->out->oom;
}

static bool text_leaf(void *ctx, const char *name, const struct ctype *t,
		      const unsigned char *p, size_t n, unsigned bit_offset,
		      unsigned bits)
{
	struct text_printer *tp = ctx;

	text_prefix(tp, name);
	if (t->kind == CTYPE_CHARS)
		chars_text(p, n, tp->out);
	else if (t->kind == CTYPE_BYTES)
		hex_text(p, n, tp->out);
	else
		scalar_text(t, p, bit_offset, bits, tp->out);
	return !tp->out->oom;
}

static bool text_cut(void *ctx, const char *name)
{
	struct text_printer *tp = ctx;

	text_prefix(tp, NULL);
	(void)name;
	strbuf_adds(tp->out, "...");
	return !tp->out->oom;
}

static const struct printer text_printer = {.open = text_open,
					    .close = text_close,
					    .leaf = text_leaf,
					    .cut = text_cut};

void ctype_format(const struct ctype *t, const void *data, size_t size,
		  bool top, struct strbuf *out)
{
	struct text_printer tp = {.out = out};

	if (t)
		walk_value(&text_printer, &tp, NULL, t, data, data ? size : 0,
			   top);
}

/* ---- JSON ---- */

static struct json_object *hex_json(const unsigned char *p, size_t n)
{
	struct strbuf sb = {0};
	struct json_object *j = NULL;

	hex_text(p, n, &sb);
	if (!sb.oom)
		j = json_object_new_string_len(sb.p ? sb.p : "", (int)sb.len);
	free(sb.p);
	return j;
}

/* Text up to the first NUL, invalid UTF-8 bytes each replaced by
 * U+FFFD: json-c writes strings as they are. */
static struct json_object *chars_json(const unsigned char *p, size_t n)
{
	size_t len = text_len(p, n);
	struct strbuf sb = {0};
	struct json_object *j = NULL;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t seq = utf8_seq(p + i, len - i, &cp);

		if (seq)
			strbuf_add(&sb, (const char *)p + i, seq);
		else
			strbuf_adds(&sb, "\xef\xbf\xbd");
		i += seq ? seq : 1;
	}
	if (!sb.oom)
		j = json_object_new_string_len(sb.p ? sb.p : "", (int)sb.len);
	free(sb.p);
	return j;
}

static struct json_object *scalar_json(const struct ctype *t,
				       const unsigned char *p,
				       unsigned bit_offset, unsigned bits)
{
	char buf[40];
	double d;
	uint64_t v;

	switch (t->kind) {
	case CTYPE_INT:
		v = int_bits(t, p, bit_offset, bits);
		return t->is_signed ? json_object_new_int64((int64_t)v)
				    : json_object_new_uint64(v);
	case CTYPE_BOOL:
		return json_object_new_boolean(
			int_bits(t, p, bit_offset, bits) != 0);
	case CTYPE_FLOAT:
		d = float_value(t, p);
		float_text(t, d, buf, sizeof(buf));
		/* JSON has no NaN or infinity: those stay text. */
		return isfinite(d) ? json_object_new_double_s(d, buf)
				   : json_object_new_string(buf);
	case CTYPE_PTR:
		return json_object_new_uint64(load(p, t->size));
	default:
		return hex_json(p, t->size);
	}
}

/* Add v (taken) to obj under name; false when out of memory. */
static bool json_add(struct json_object *obj, const char *name,
		     struct json_object *v)
{
	if (!v)
		return false;
	if (json_object_object_add(obj, name, v) < 0) {
		json_object_put(v);
		return false;
	}
	return true;
}

/* ---- JSON: the same walk, into json-c objects ---- */

#define JSON_DEPTH 64

struct json_printer {
	struct json_object *root;
	struct json_object *stack[JSON_DEPTH];
	int depth;
};

/* Put v (taken) where the walk is: the root, a member, an element. */
static bool json_put(struct json_printer *jp, const char *name,
		     struct json_object *v)
{
	struct json_object *parent = jp->depth > 0 && jp->depth <= JSON_DEPTH
					     ? jp->stack[jp->depth - 1]
					     : NULL;

	if (!v)
		return false;
	if (jp->depth == 0) {
		jp->root = v;
		return true;
	}
	if (!parent) { /* deeper than JSON_DEPTH: left out */
		json_object_put(v);
		return true;
	}
	if (json_object_is_type(parent, json_type_array)) {
		if (json_object_array_add(parent, v) < 0) {
			json_object_put(v);
			return false;
		}
		return true;
	}
	return json_add(parent, name ? name : "", v);
}

static bool json_open(void *ctx, const char *name, const struct ctype *t,
		      bool top)
{
	struct json_printer *jp = ctx;
	struct json_object *v = t->kind == CTYPE_ARRAY
					? json_object_new_array()
					: json_object_new_object();

	(void)top;
	if (!v || !json_object_get(v)) /* one reference for the stack */
		return false;
	if (!json_put(jp, name, v)) {
		json_object_put(v);
		return false;
	}
	if (jp->depth < JSON_DEPTH)
		jp->stack[jp->depth] = v;
	jp->depth++;
	json_object_put(v); /* the parent (or root) holds it */
	return true;
}

static bool json_close(void *ctx, const struct ctype *t, bool top)
{
	struct json_printer *jp = ctx;

	(void)t;
	(void)top;
	jp->depth--;
	return true;
}

static bool json_leaf(void *ctx, const char *name, const struct ctype *t,
		      const unsigned char *p, size_t n, unsigned bit_offset,
		      unsigned bits)
{
	struct json_object *v;

	if (t->kind == CTYPE_CHARS)
		v = chars_json(p, n);
	else if (t->kind == CTYPE_BYTES)
		v = hex_json(p, n);
	else
		v = scalar_json(t, p, bit_offset, bits);
	return json_put(ctx, name, v);
}

static bool json_cut(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return true; /* what came before stays; nothing marks the end */
}

static const struct printer json_printer = {.open = json_open,
					    .close = json_close,
					    .leaf = json_leaf,
					    .cut = json_cut};

struct json_object *ctype_json(const struct ctype *t, const void *data,
			       size_t size)
{
	struct json_printer jp = {0};

	if (!data)
		size = 0;
	if (!t)
		return hex_json(data, size);
	if (walk_value(&json_printer, &jp, NULL, t, data, size, true) ==
	    WALK_OOM) {
		json_object_put(jp.root);
		return NULL;
	}
	/* Too short for even a scalar: what there is, in hex. */
	return jp.root ? jp.root : hex_json(data, size);
}

bool ctype_number(const struct ctype *t, const void *data, size_t size,
		  long double *out)
{
	uint64_t v;

	if (!t || !data || (t->kind != CTYPE_INT && t->kind != CTYPE_BOOL) ||
	    size < t->size)
		return false;
	v = int_bits(t, data, 0, 0);
	if (t->kind == CTYPE_BOOL)
		*out = v != 0;
	else if (t->is_signed)
		*out = (long double)(int64_t)v;
	else
		*out = (long double)v;
	return true;
}
