/* test_typeinfo.c: C types from libbcc's descriptions and fields, and
 * their values as text and JSON. Each layout is checked against the
 * compiler's own (offsetof, sizeof) for the same C declaration. */
#include "check.h"
#include "typeinfo.h"

#include <json-c/json.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* What libbcc 0.26 gives for data_t's description. */
static const char data_desc[] =
	"[\"data_t\", [[\"pid\",\"unsigned int\"], [\"comm\",\"char\", [16]], "
	"[\"__pad_2\",\"char\",[4]], [\"bytes\",\"unsigned long long\"], "
	"[\"sm\",\"signed char\"], [\"__pad_4\",\"char\",[3]], "
	"[\"arr\",\"int\", [3]], [\"in\",[\"inner\", [[\"a\",\"unsigned int\"], "
	"[\"b\",\"unsigned short\"], [\"__pad_end\",\"char\",[2]] ], "
	"\"struct_packed\"]], [\"p\",\"unsigned long long\"], [\"f\",\"_Bool\"], "
	"[\"__pad_end\",\"char\",[7]] ], \"struct_packed\"]";

struct inner {
	unsigned int a;
	unsigned short b;
};

/* The program's struct (p is a pointer there: libbcc describes pointers
 * as unsigned long long). */
struct data_t {
	unsigned int pid;
	char comm[16];
	unsigned long long bytes;
	signed char sm;
	int arr[3];
	struct inner in;
	unsigned long long p;
	_Bool f;
};

static const char data_text[] =
	"pid=42 comm=\"say \\\"hi\\\"\\n\\xff\" bytes=18446744073709551615 "
	"sm=-5 arr=[1,-2,3] in={a=7 b=65535} p=4096 f=true";

static void fill_data(struct data_t *d)
{
	memset(d, 0xaa, sizeof(*d)); /* padding that must not show */
	d->pid = 42;
	memcpy(d->comm, "say \"hi\"\n\xff", 11);
	d->bytes = UINT64_MAX;
	d->sm = -5;
	d->arr[0] = 1;
	d->arr[1] = -2;
	d->arr[2] = 3;
	d->in.a = 7;
	d->in.b = 65535;
	d->p = 4096;
	d->f = 1;
}

static char text_buf[4096];

static const char *text(const struct ctype *t, const void *data, size_t size,
			bool top)
{
	struct strbuf sb = {0};

	ctype_format(t, data, size, top, &sb);
	snprintf(text_buf, sizeof(text_buf), "%s",
		 sb.oom ? "(out of memory)"
		 : sb.p ? sb.p
			: "");
	free(sb.p);
	return text_buf;
}

static char json_buf[4096];

/* The value as JSON text (in json_buf), parsed back. */
static struct json_object *json_back(const struct ctype *t, const void *data,
				     size_t size)
{
	struct json_object *j = ctype_json(t, data, size);

	if (!j)
		return NULL;
	snprintf(json_buf, sizeof(json_buf), "%s",
		 json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return json_tokener_parse(json_buf);
}

static struct json_object *key(struct json_object *obj, const char *name)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(obj, name, &v) ? v : NULL;
}

static const struct cmember *member(const struct ctype *t, const char *name)
{
	for (size_t i = 0; t && i < t->nmembers; i++)
		if (strcmp(t->members[i].name, name) == 0)
			return &t->members[i];
	return NULL;
}

/* The offset of a member, -1 when there is none. */
static long offset_of(const struct ctype *t, const char *name)
{
	const struct cmember *m = member(t, name);

	return m ? (long)m->offset : -1;
}

TEST(a_struct_description_keeps_libbccs_offsets)
{
	struct ctype *t = ctype_from_desc(data_desc);
	const struct cmember *in;

	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(t->kind, CTYPE_STRUCT);
	CHECK_STR(t->name, "data_t");
	CHECK_INT(t->size, sizeof(struct data_t));
	CHECK_INT(t->align, 8);
	CHECK_INT(offset_of(t, "pid"), offsetof(struct data_t, pid));
	CHECK_INT(offset_of(t, "comm"), offsetof(struct data_t, comm));
	CHECK_INT(offset_of(t, "bytes"), offsetof(struct data_t, bytes));
	CHECK_INT(offset_of(t, "sm"), offsetof(struct data_t, sm));
	CHECK_INT(offset_of(t, "arr"), offsetof(struct data_t, arr));
	CHECK_INT(offset_of(t, "in"), offsetof(struct data_t, in));
	CHECK_INT(offset_of(t, "p"), offsetof(struct data_t, p));
	CHECK_INT(offset_of(t, "f"), offsetof(struct data_t, f));
	/* The numbers of the issue, in case the compiler ever disagreed. */
	CHECK_INT(offset_of(t, "bytes"), 24);
	CHECK_INT(offset_of(t, "in"), 48);
	CHECK_INT(offset_of(t, "f"), 64);
	CHECK_INT(t->size, 72);
	CHECK(member(t, "__pad_2") && member(t, "__pad_2")->padding);
	CHECK(!member(t, "pid")->padding);
	CHECK_INT(member(t, "comm")->type->kind, CTYPE_CHARS);
	CHECK_INT(member(t, "comm")->type->count, 16);
	CHECK_INT(member(t, "arr")->type->kind, CTYPE_ARRAY);
	CHECK_STR(member(t, "arr")->type->name, "int[3]");
	CHECK_INT(member(t, "sm")->type->is_signed, 1);
	CHECK_INT(member(t, "f")->type->kind, CTYPE_BOOL);
	in = member(t, "in");
	CHECK_INT(in->type->kind, CTYPE_STRUCT);
	CHECK_STR(in->type->name, "inner");
	CHECK_INT(in->type->size, 8);
	CHECK_INT(in->type->align, 4);
	CHECK_INT(offset_of(in->type, "b"), 4);
	ctype_free(t);
}

TEST(a_record_prints_as_name_value_text)
{
	struct ctype *t = ctype_from_desc(data_desc);
	struct data_t d;
	char nested[sizeof(data_text) + 2];

	fill_data(&d);
	CHECK_STR(text(t, &d, sizeof(d), true), data_text);
	snprintf(nested, sizeof(nested), "{%s}", data_text);
	CHECK_STR(text(t, &d, sizeof(d), false), nested);
	/* Appends to what is there. */
	{
		struct strbuf sb = {0};

		strbuf_adds(&sb, "event: ");
		ctype_format(member(t, "in")->type, &d.in, sizeof(d.in), true,
			     &sb);
		CHECK_STR(sb.p, "event: a=7 b=65535");
		free(sb.p);
	}
	ctype_free(t);
}

TEST(a_record_prints_as_json_that_parses_back)
{
	struct ctype *t = ctype_from_desc(data_desc);
	struct json_object *j, *arr, *in;
	struct data_t d;

	fill_data(&d);
	j = json_back(t, &d, sizeof(d));
	CHECK(j != NULL);
	if (!j) {
		ctype_free(t);
		return;
	}
	CHECK_INT(json_object_object_length(j), 8); /* no padding */
	CHECK(key(j, "__pad_2") == NULL);
	CHECK_INT(json_object_get_type(key(j, "pid")), json_type_int);
	CHECK_INT(json_object_get_int64(key(j, "pid")), 42);
	/* Unsigned 64-bit, exact. */
	CHECK(strstr(json_buf, "\"bytes\":18446744073709551615") != NULL);
	CHECK(json_object_get_uint64(key(j, "bytes")) == UINT64_MAX);
	CHECK_INT(json_object_get_int64(key(j, "sm")), -5);
	/* The quote and newline escaped by JSON, the bad byte replaced. */
	CHECK_STR(json_object_get_string(key(j, "comm")),
		  "say \"hi\"\n\xef\xbf\xbd");
	arr = key(j, "arr");
	CHECK_INT(json_object_get_type(arr), json_type_array);
	CHECK_INT(json_object_array_length(arr), 3);
	CHECK_INT(json_object_get_int64(json_object_array_get_idx(arr, 1)), -2);
	in = key(j, "in");
	CHECK_INT(json_object_get_type(in), json_type_object);
	CHECK_INT(json_object_object_length(in), 2);
	CHECK_INT(json_object_get_int64(key(in, "b")), 65535);
	CHECK_INT(json_object_get_type(key(j, "f")), json_type_boolean);
	CHECK_INT(json_object_get_boolean(key(j, "f")), 1);
	json_object_put(j);
	ctype_free(t);
}

TEST(submitted_fields_are_laid_out_with_natural_alignment)
{
	static const char *const fields[] = {"pid#u32", "comm#char[16]",
					     "bytes#u64"};
	static const char *const old_clang[] = {"pid#u32", "comm#char [16]",
						"bytes#u64"};
	const char *unknown = "unset";
	struct ctype *t = ctype_from_fields(fields, 3, NULL, 0, &unknown);
	struct ctype *old = ctype_from_fields(old_clang, 3, NULL, 0, NULL);

	CHECK(t && old);
	if (!t || !old)
		goto out;
	CHECK(unknown == NULL);
	CHECK_INT(t->nmembers, 3);
	CHECK_INT(offset_of(t, "pid"), 0);
	CHECK_INT(offset_of(t, "comm"), 4);
	CHECK_INT(offset_of(t, "bytes"), 24);
	CHECK_INT(t->size, 32);
	CHECK_INT(member(t, "comm")->type->kind, CTYPE_CHARS);
	CHECK_INT(member(t, "bytes")->type->is_signed, 0);
	CHECK_INT(offset_of(old, "bytes"), 24);
	CHECK_INT(member(old, "comm")->type->count, 16);
out:
	ctype_free(t);
	ctype_free(old);
}

/* The C declaration of the record below, for the compiler's layout. */
struct rec {
	uint32_t pid;
	struct inner in;
	void *p;
	_Bool f;
	int8_t sm;
	int arr[3];
	unsigned long g[2][3];
	int (*fp)(int);
	pid_t who;
	unsigned short port;
};

TEST(a_struct_named_in_a_field_is_copied_from_the_known_types)
{
	static const char *const fields[] = {
		"pid#u32",
		"in#struct inner",
		"p#void *",
		"f#bool",
		"sm#s8",
		"arr#int[3]",
		"g#const unsigned long[2][3]",
		"fp#int (*)(int)",
		"who#pid_t",
		"port#volatile __be16",
	};
	struct ctype *known = ctype_from_desc(data_desc);
	struct ctype *t;
	const char *unknown = "unset";
	struct rec r = {
		.pid = 1,
		.in = {2, 3},
		.p = (void *)0x1000,
		.sm = -1,
		.arr = {4, 5, 6},
		.g = {{1, 2, 3}, {4, 5, 6}},
		.who = -1,
		.port = 80,
	};

	t = ctype_from_fields(fields, 10, &known, 1, &unknown);
	/* A copy: the known types can go. */
	ctype_free(known);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(unknown == NULL);
	CHECK_INT(offset_of(t, "in"), offsetof(struct rec, in));
	CHECK_INT(offset_of(t, "p"), offsetof(struct rec, p));
	CHECK_INT(offset_of(t, "f"), offsetof(struct rec, f));
	CHECK_INT(offset_of(t, "sm"), offsetof(struct rec, sm));
	CHECK_INT(offset_of(t, "arr"), offsetof(struct rec, arr));
	CHECK_INT(offset_of(t, "g"), offsetof(struct rec, g));
	CHECK_INT(offset_of(t, "fp"), offsetof(struct rec, fp));
	CHECK_INT(offset_of(t, "who"), offsetof(struct rec, who));
	CHECK_INT(offset_of(t, "port"), offsetof(struct rec, port));
	CHECK_INT(t->size, sizeof(struct rec));
	CHECK_STR(member(t, "in")->type->name, "inner");
	CHECK_INT(member(t, "p")->type->kind, CTYPE_PTR);
	CHECK_INT(member(t, "fp")->type->kind, CTYPE_PTR);
	CHECK_STR(member(t, "g")->type->name, "unsigned long[2][3]");
	CHECK_STR(text(t, &r, sizeof(r), true),
		  "pid=1 in={a=2 b=3} p=0x1000 f=false sm=-1 arr=[4,5,6] "
		  "g=[[1,2,3],[4,5,6]] fp=0x0 who=-1 port=80");
	ctype_free(t);
}

TEST(an_unknown_field_type_becomes_the_rest_of_the_record_in_hex)
{
	static const char *const fields[] = {"a#u32", "b#struct nope", "c#u64"};
	static const char *const typedefd[] = {"a#u8", "d#data_t"};
	static const char *const flexible[] = {"n#u16", "s#char[]"};
	static const char *const bad[][2] = {
		{"a#u32", "b"}, {"a#u32", "#u32"}, {"a#u32", "b#"}};
	const unsigned char data[12] = {1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
	const char *unknown = NULL;
	struct ctype *t = ctype_from_fields(fields, 3, NULL, 0, &unknown);
	struct json_object *j;

	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_STR(unknown, "struct nope");
	CHECK(unknown == fields[1] + 2); /* inside the field's text */
	CHECK_INT(t->nmembers, 2);	 /* c's offset is not known */
	CHECK_INT(member(t, "b")->type->kind, CTYPE_BYTES);
	CHECK_INT(member(t, "b")->type->size, 0);
	CHECK_INT(offset_of(t, "b"), 4);
	CHECK_INT(t->size, 4);
	CHECK_STR(text(t, data, sizeof(data), true), "a=1 b=0102030405060708");
	CHECK_STR(text(t, data, 4, true), "a=1 b=");
	j = json_back(t, data, sizeof(data));
	CHECK_STR(json_object_get_string(key(j, "b")), "0102030405060708");
	json_object_put(j);
	ctype_free(t);

	t = ctype_from_fields(typedefd, 2, NULL, 0, &unknown);
	CHECK_STR(unknown, "data_t");
	CHECK_INT(offset_of(t, "d"), 1); /* right after a: alignment unknown */
	CHECK_STR(text(t, data, 3, true), "a=1 d=0000");
	ctype_free(t);
	t = ctype_from_fields(flexible, 2, NULL, 0, &unknown);
	CHECK_STR(unknown, "char[]");
	ctype_free(t);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(ctype_from_fields(bad[i], 2, NULL, 0, NULL) == NULL);
	t = ctype_from_fields(NULL, 0, NULL, 0, NULL);
	CHECK(t && t->nmembers == 0 && t->size == 0);
	ctype_free(t);
}

TEST(short_data_prints_what_is_complete_and_never_reads_past_it)
{
	struct ctype *t = ctype_from_desc(data_desc);
	struct data_t d;

	fill_data(&d);
	/* Each size in a buffer of exactly that size: valgrind sees any
	 * read past it. */
	for (size_t size = 0; size <= sizeof(d); size++) {
		unsigned char *buf = malloc(size ? size : 1);
		struct json_object *j;
		const char *s;

		CHECK(buf != NULL);
		if (!buf)
			break;
		memcpy(buf, &d, size);
		s = text(t, buf, size, true);
		if (size == 0 || size == 3)
			CHECK_STR(s, "...");
		if (size == 4 || size == 10)
			CHECK_STR(s, "pid=42 ...");
		if (size == 15) /* comm's NUL is there */
			CHECK_STR(s,
				  "pid=42 comm=\"say \\\"hi\\\"\\n\\xff\" ...");
		if (size == 40)
			CHECK(strstr(s, " sm=-5 arr=[1,...]") &&
			      !strstr(s, "in="));
		if (size == 50)
			CHECK(strstr(s, " arr=[1,-2,3] in={...}"));
		if (size == offsetof(struct data_t, f))
			CHECK(strstr(s, " p=4096 ...") && !strstr(s, "f="));
		/* Only padding missing: nothing is. */
		if (size >= offsetof(struct data_t, f) + 1)
			CHECK_STR(s, data_text);
		j = ctype_json(t, buf, size);
		CHECK(j != NULL);
		if (size == 40) {
			CHECK_INT(json_object_object_length(j), 5);
			CHECK_INT(json_object_array_length(key(j, "arr")), 1);
		}
		json_object_put(j);
		free(buf);
	}
	/* A scalar too short: JSON gives the bytes there are. */
	{
		struct ctype *u = ctype_from_desc("\"unsigned int\"");
		struct json_object *j = json_back(u, "\x01\x02", 2);

		CHECK_STR(json_object_get_string(j), "0102");
		CHECK_STR(text(u, "\x01\x02", 2, true), "...");
		json_object_put(j);
		ctype_free(u);
	}
	ctype_free(t);
}

TEST(malformed_descriptions_give_null)
{
	static const char *const bad[] = {
		"",
		"[",
		"42",
		"{}",
		"null",
		"\"int\" trailing",
		"[\"x\"]",
		"[\"x\", [[\"a\"]], \"struct_packed\"]",
		"[\"x\", [[\"a\", 1]], \"struct_packed\"]",
		"[\"x\", [], \"klass\"]",
		"[\"x\", [[\"a\",\"int\",[-1]]], \"struct_packed\"]",
		"[\"x\", [[\"a\",\"int\",[]]], \"struct_packed\"]",
		"[\"x\", [[\"a\",\"int\",[1073741824]]], \"struct_packed\"]",
		"[\"x\", [[\"a\",\"int\",33]], \"struct\"]",
		"[\"x\", [[\"a\",\"double\",3]], \"struct\"]",
		"[\"x\", [[\"a\",\"int\",3]], \"struct_packed\"]",
		"[\"x\", [[\"a\",\"int\",\"what\"]], \"struct_packed\"]",
	};

	CHECK(ctype_from_desc(NULL) == NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ctype *t = ctype_from_desc(bad[i]);

		if (t)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CHECK(t == NULL);
		ctype_free(t);
	}
}

TEST(scalar_descriptions_and_their_numbers)
{
	static const struct {
		const char *desc;
		enum ctype_kind kind;
		size_t size;
		bool is_signed;
	} scalars[] = {
		{"\"unsigned int\"", CTYPE_INT, 4, false},
		{"\"int\"", CTYPE_INT, 4, true},
		{"\"_Bool\"", CTYPE_BOOL, 1, false},
		{"\"signed char\"", CTYPE_INT, 1, true},
		{"\"char\"", CTYPE_INT, 1, true},
		{"\"unsigned char\"", CTYPE_INT, 1, false},
		{"\"short\"", CTYPE_INT, 2, true},
		{"\"unsigned short\"", CTYPE_INT, 2, false},
		{"\"long\"", CTYPE_INT, 8, true},
		{"\"unsigned long\"", CTYPE_INT, 8, false},
		{"\"long long\"", CTYPE_INT, 8, true},
		{"\"unsigned long long\"", CTYPE_INT, 8, false},
		{"\"float\"", CTYPE_FLOAT, 4, true},
		{"\"double\"", CTYPE_FLOAT, 8, true},
		{"\"__int128\"", CTYPE_BYTES, 16, false},
		{"\"unsigned __int128\"", CTYPE_BYTES, 16, false},
		{"\"long double\"", CTYPE_BYTES, 16, false},
		{"\"enum e\"", CTYPE_INT, 4, false},
		{"\"void\"", CTYPE_BYTES, 0, false},
	};
	const int64_t minus7 = -7;
	const uint64_t max = UINT64_MAX;
	struct ctype *t;
	long double v = 0;

	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		t = ctype_from_desc(scalars[i].desc);
		CHECK(t != NULL);
		if (!t)
			continue;
		if (t->kind != scalars[i].kind || t->size != scalars[i].size ||
		    t->is_signed != scalars[i].is_signed)
			fprintf(stderr, "wrong: %s\n", scalars[i].desc);
		CHECK_INT(t->kind, scalars[i].kind);
		CHECK_INT(t->size, scalars[i].size);
		CHECK_INT(t->is_signed, scalars[i].is_signed);
		ctype_free(t);
	}

	t = ctype_from_desc("\"long long\"");
	CHECK(ctype_number(t, &minus7, sizeof(minus7), &v) && v == -7);
	CHECK(!ctype_number(t, &minus7, 4, &v));
	CHECK_STR(text(t, &minus7, sizeof(minus7), true), "-7");
	ctype_free(t);
	t = ctype_from_desc("\"unsigned long long\"");
	/* Not exact under valgrind, which computes long double as double. */
	CHECK(ctype_number(t, &max, sizeof(max), &v) && v > 18446744073709e6L);
	ctype_free(t);
	t = ctype_from_desc("\"_Bool\"");
	CHECK(ctype_number(t, "\x01", 1, &v) && v == 1);
	CHECK_STR(text(t, "\x00", 1, true), "false");
	ctype_free(t);
	t = ctype_from_desc(data_desc);
	CHECK(!ctype_number(t, &max, sizeof(max), &v));
	ctype_free(t);
	t = ctype_from_desc("\"unsigned __int128\"");
	CHECK_STR(text(t,
		       "\x01\x02\x03\x04\x05\x06\x07\x08"
		       "\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10",
		       16, true),
		  "0102030405060708090a0b0c0d0e0f10");
	ctype_free(t);
}

struct bf {
	unsigned int a : 3;
	int b : 5;
	unsigned char c;
	unsigned long long d : 40;
	_Bool e : 1;
	int : 0;
	short g : 4;
};

TEST(bitfields_are_laid_out_as_the_compiler_does)
{
	/* libbcc says "struct", without padding, when there are bitfields. */
	struct ctype *t = ctype_from_desc(
		"[\"bf\", [[\"a\",\"unsigned int\",3], [\"b\",\"int\",5], "
		"[\"c\",\"unsigned char\"], [\"d\",\"unsigned long long\",40], "
		"[\"e\",\"_Bool\",1], [\"\",\"int\",0], [\"g\",\"short\",4]], "
		"\"struct\"]");
	struct json_object *j;
	struct bf v;

	CHECK(t != NULL);
	if (!t)
		return;
	memset(&v, 0, sizeof(v));
	v.a = 5;
	v.b = -3;
	v.c = 200;
	v.d = 0xffffffffffULL;
	v.e = 1;
	v.g = -2;
	CHECK_INT(t->size, sizeof(struct bf));
	CHECK_INT(t->align, _Alignof(struct bf));
	CHECK_INT(offset_of(t, "c"), offsetof(struct bf, c));
	CHECK_INT(member(t, "d")->bits, 40);
	CHECK_STR(text(t, &v, sizeof(v), true),
		  "a=5 b=-3 c=200 d=1099511627775 e=true g=-2");
	j = json_back(t, &v, sizeof(v));
	CHECK_INT(json_object_get_int64(key(j, "b")), -3);
	CHECK_INT(json_object_get_int64(key(j, "d")), 1099511627775LL);
	CHECK_INT(json_object_get_boolean(key(j, "e")), 1);
	CHECK_INT(json_object_object_length(j), 6); /* not the unnamed one */
	json_object_put(j);
	ctype_free(t);
}

TEST(unions_arrays_of_arrays_anonymous_members_and_enums)
{
	struct ctype *u = ctype_from_desc("[\"u\", [[\"i\",\"unsigned int\"], "
					  "[\"c\",\"char\",[4]]], \"union\"]");
	struct ctype *m = ctype_from_desc(
		"[\"m\", [[\"g\",\"int\",[2,3]], [\"n\",\"char\",[2,4]]], "
		"\"struct_packed\"]");
	struct ctype *a = ctype_from_desc(
		"[\"x\", [[\"a\",\"int\"], [\"\", [[\"b\",\"int\"], "
		"[\"c\",\"short\"]], \"union\"], [\"d\",\"int\"]], "
		"\"struct_packed\"]");
	struct ctype *e = ctype_from_desc(
		"[\"e\", [[\"c\", [\"color\", [\"RED\",\"GREEN\"], \"enum\"]]], "
		"\"struct_packed\"]");
	const int g[8] = {1, 2, 3, 4, 5, 6, 0x6261, 0};
	const int abcd[3] = {1, 2, 3};
	struct json_object *j;

	CHECK(u && m && a && e);
	if (!u || !m || !a || !e)
		goto out;
	CHECK_INT(u->kind, CTYPE_UNION);
	CHECK_INT(u->size, 4);
	CHECK_INT(offset_of(u, "c"), 0);
	CHECK_STR(text(u, "abc", 4, true), "i=6513249 c=abc");
	CHECK_STR(text(u, "abc", 4, false), "{i=6513249 c=abc}");

	CHECK_INT(m->size, 32);
	CHECK_STR(member(m, "g")->type->name, "int[2][3]");
	CHECK_INT(member(m, "n")->type->elem->kind, CTYPE_CHARS);
	CHECK_STR(text(m, g, sizeof(g), true),
		  "g=[[1,2,3],[4,5,6]] n=[ab,\"\"]");
	j = json_back(m, g, sizeof(g));
	CHECK(strstr(json_buf, "\"g\":[[1,2,3],[4,5,6]],\"n\":[\"ab\",\"\"]"));
	json_object_put(j);

	CHECK_INT(a->size, 12);
	CHECK_STR(text(a, abcd, sizeof(abcd), true), "a=1 b=2 c=2 d=3");
	j = json_back(a, abcd, sizeof(abcd));
	CHECK_INT(json_object_object_length(j), 4);
	CHECK_INT(json_object_get_int64(key(j, "c")), 2);
	json_object_put(j);

	CHECK_INT(member(e, "c")->type->kind, CTYPE_INT);
	CHECK_STR(member(e, "c")->type->name, "enum color");
	CHECK_STR(text(e, abcd, 4, true), "c=1");
out:
	ctype_free(u);
	ctype_free(m);
	ctype_free(a);
	ctype_free(e);
}

TEST(char_arrays_are_escaped_and_quoted_when_needed)
{
	static const char *const fields[] = {"s#char[8]"};
	static const struct {
		const char data[9];
		const char *text, *json;
	} cases[] = {
		{"abc", "s=abc", "abc"},
		{"", "s=\"\"", ""},
		{"a b", "s=\"a b\"", "a b"},
		{"a,b", "s=\"a,b\"", "a,b"},
		{"x=y", "s=\"x=y\"", "x=y"},
		{"[1]", "s=\"[1]\"", "[1]"},
		{"abcdefgh", "s=abcdefgh", "abcdefgh"}, /* no NUL */
		{"\xc3\xa9t\xc3\xa9", "s=\xc3\xa9t\xc3\xa9",
		 "\xc3\xa9t\xc3\xa9"},
		{"\t\\\r\x01\x7f", "s=\\t\\\\\\r\\x01\\x7f", "\t\\\r\x01\x7f"},
		/* A C1 control: valid UTF-8, but not for a terminal. */
		{"\xc2\x85", "s=\\xc2\\x85", "\xc2\x85"},
		/* A UTF-16 surrogate, an overlong '/', a cut sequence. */
		{"\xed\xa0\x80", "s=\\xed\\xa0\\x80",
		 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xc0\xaf", "s=\\xc0\\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},
		{"ab\xe2\x82", "s=ab\\xe2\\x82", "ab\xef\xbf\xbd\xef\xbf\xbd"},
	};
	struct ctype *t = ctype_from_fields(fields, 1, NULL, 0, NULL);

	CHECK(t != NULL);
	if (!t)
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *j = json_back(t, cases[i].data, 8);

		CHECK_STR(text(t, cases[i].data, 8, true), cases[i].text);
		CHECK_STR(json_object_get_string(key(j, "s")), cases[i].json);
		json_object_put(j);
	}
	ctype_free(t);
}

TEST(floats_print_in_their_shortest_exact_form)
{
	static const char *const fields[] = {"f#float", "d#double"};
	struct {
		float f;
		double d;
	} v = {1.5f, 0.1};
	struct ctype *t = ctype_from_fields(fields, 2, NULL, 0, NULL);
	struct json_object *j;

	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(offset_of(t, "d"), 8);
	CHECK_STR(text(t, &v, sizeof(v), true), "f=1.5 d=0.1");
	j = json_back(t, &v, sizeof(v));
	CHECK(strstr(json_buf, "\"d\":0.1}") != NULL);
	CHECK(json_object_get_double(key(j, "d")) == 0.1);
	json_object_put(j);
	v.f = 0.1f;
	v.d = NAN;
	CHECK_STR(text(t, &v, sizeof(v), true), "f=0.1 d=nan");
	j = json_back(t, &v, sizeof(v));
	CHECK_STR(json_object_get_string(key(j, "d")), "nan");
	json_object_put(j);
	ctype_free(t);
}

int main(void)
{
	RUN(a_struct_description_keeps_libbccs_offsets);
	RUN(a_record_prints_as_name_value_text);
	RUN(a_record_prints_as_json_that_parses_back);
	RUN(submitted_fields_are_laid_out_with_natural_alignment);
	RUN(a_struct_named_in_a_field_is_copied_from_the_known_types);
	RUN(an_unknown_field_type_becomes_the_rest_of_the_record_in_hex);
	RUN(short_data_prints_what_is_complete_and_never_reads_past_it);
	RUN(malformed_descriptions_give_null);
	RUN(scalar_descriptions_and_their_numbers);
	RUN(bitfields_are_laid_out_as_the_compiler_does);
	RUN(unions_arrays_of_arrays_anonymous_members_and_enums);
	RUN(char_arrays_are_escaped_and_quoted_when_needed);
	RUN(floats_print_in_their_shortest_exact_form);
	return CHECK_DONE();
}
