/* fuzz_typeinfo.c: libFuzzer target for the event and map decoder.
 *
 * The input is: one byte that says what the text is (even: a libbcc table
 * description, JSON; odd: a perf or ring buffer field list, "name#type"
 * one per line), the text up to the first NUL byte, then the record's
 * bytes. The type is parsed, and the record printed as text and as JSON,
 * from an allocation of exactly its size, so that AddressSanitizer sees
 * any read past it. What decoding promises is checked: the JSON text
 * json-c writes parses back, and a type's members lie within its size.
 */
#include "typeinfo.h"
#include "util.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 64

static void require(int cond, const char *what)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz_typeinfo: broken promise: %s\n", what);
	abort();
}

static void check_layout(const struct ctype *t, int depth)
{
	require(depth < 64, "types nest at most 64 deep");
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct cmember *m = &t->members[i];

		require(m->type != NULL, "every member has a type");
		if (m->type->size && !m->bits && !m->padding)
			require(m->offset + m->type->size <= t->size ||
					t->size == 0,
				"a member lies within its struct");
		check_layout(m->type, depth + 1);
	}
	if (t->elem)
		check_layout(t->elem, depth + 1);
}

static void decode(const struct ctype *t, const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct strbuf sb = {0};
	struct json_object *j, *back;
	const char *text;
	long double num;

	if (!copy)
		return;
	memcpy(copy, data, size);
	check_layout(t, 0);
	ctype_format(t, copy, size, true, &sb);
	ctype_format(t, copy, size, false, &sb);
	free(sb.p);
	(void)ctype_number(t, copy, size, &num);
	j = ctype_json(t, copy, size);
	if (j) {
		text = json_object_to_json_string_ext(j,
						      JSON_C_TO_STRING_PLAIN);
		require(text != NULL, "json-c writes the value");
		back = json_tokener_parse(text);
		require(back != NULL, "the JSON written parses back");
		json_object_put(back);
		json_object_put(j);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	const char *text;
	size_t tlen;
	char *owned;
	struct ctype *t = NULL;

	if (n < 1)
		return 0;
	tlen = strnlen((const char *)in + 1, n - 1);
	owned = strndup((const char *)in + 1, tlen);
	if (!owned)
		return 0;
	text = owned;
	if (in[0] % 2 == 0) {
		t = ctype_from_desc(text);
	} else {
		const char *fields[MAX_FIELDS];
		size_t nf = 0;
		const char *unknown = NULL;

		for (char *p = owned, *line;
		     nf < MAX_FIELDS && (line = strsep(&p, "\n"));)
			fields[nf++] = line;
		t = ctype_from_fields(fields, nf, NULL, 0, &unknown);
	}
	if (t) {
		size_t skip = 1 + tlen + (1 + tlen < n);

		decode(t, in + skip, n - skip);
		ctype_free(t);
	}
	free(owned);
	return 0;
}
