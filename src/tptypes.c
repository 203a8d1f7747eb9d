/* tptypes.c: define the tracepoint field types the header tree lacks. */
#include "tptypes.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANTED_MAX 64

static bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* The type names of clang's "unknown type name 'X'" and "field has
 * incomplete type 'enum X'" errors, each once. */
static size_t unknown_names(const char *diag, char wanted[][128])
{
	static const char *const says[] = {"unknown type name '",
					   "field has incomplete type '"};
	size_t n = 0;

	for (size_t k = 0; k < sizeof(says) / sizeof(says[0]); k++)
		for (const char *p = diag; (p = strstr(p, says[k]));) {
			size_t len;
			bool seen = false;

			p += strlen(says[k]);
			while (strncmp(p, "const ", 6) == 0 ||
			       strncmp(p, "volatile ", 9) == 0)
				p = strchr(p, ' ') + 1;
			len = strcspn(p, "'\n");
			if (p[len] != '\'' || len == 0 || len >= 128)
				continue;
			for (size_t i = 0; i < n && !seen; i++)
				seen = strncmp(wanted[i], p, len) == 0 &&
				       wanted[i][len] == '\0';
			if (seen || n == WANTED_MAX)
				continue;
			memcpy(wanted[n], p, len);
			wanted[n++][len] = '\0';
		}
	return n;
}

static bool defined_already(const struct tptypes *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->names[i], name) == 0)
			return true;
	return false;
}

/* Does `type` (a field's type text) use `name` as a whole word? */
static bool uses(const char *type, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = type; (p = strstr(p, name)); p++)
		if ((p == type || !ident_char((unsigned char)p[-1])) &&
		    !ident_char((unsigned char)p[len]))
			return true;
	return false;
}

/* The largest alignment (at most 8) that both size and offset allow. */
static unsigned alignment(unsigned long size, unsigned long offset)
{
	unsigned a = 8;

	while (a > 1 && (size % a || offset % a))
		a /= 2;
	return a;
}

static const char *int_type(unsigned long size, bool is_signed)
{
	switch (size) {
	case 1:
		return is_signed ? "signed char" : "unsigned char";
	case 2:
		return is_signed ? "short" : "unsigned short";
	case 4:
		return is_signed ? "int" : "unsigned int";
	case 8:
		return is_signed ? "long long" : "unsigned long long";
	default:
		return NULL;
	}
}

/* One field of a format file: the definition of `name` its type needs. */
static int define(struct tptypes *t, const char *name, const char *type,
		  const char *field, unsigned long size, unsigned long offset,
		  bool is_signed)
{
	const char *bracket = strchr(field, '[');
	unsigned long count = 1, elem;
	char def[512];
	const char *tag = strchr(name, ' '); /* "enum X" */

	if (bracket) {
		char *end;

		count = strtoul(bracket + 1, &end, 10);
		if (*end != ']' || count == 0)
			return 0; /* [] or [SOME_MACRO]: size unknown */
	}
	elem = size / count;
	if (strchr(type, '*') && !tag) {
		/* Only pointed to: any object type will do. */
		snprintf(def, sizeof(def), "typedef void %s;\n", name);
	} else if (elem == 0 || size % count) {
		return 0;
	} else if (tag && strncmp(name, "enum ", 5) == 0) {
		/* An enum of that size; its constants are not needed. */
		const char *max = elem == 1   ? "0x7f"
				  : elem == 2 ? "0x7fff"
				  : elem == 8 ? "0x7fffffffffffffffLL"
					      : "0";

		snprintf(def, sizeof(def),
			 "enum %s%s { __bcc_hello_%s = %s };\n",
			 elem < 4 ? "__attribute__((packed)) " : "", tag + 1,
			 tag + 1, max);
	} else if (tag) { /* struct or union X, by value: its bytes */
		snprintf(
			def, sizeof(def),
			"%s { unsigned char __bcc_hello_bytes[%lu]; } __attribute__((aligned(%u)));\n",
			name, elem, alignment(elem, offset));
	} else if (int_type(elem, is_signed)) {
		snprintf(def, sizeof(def), "typedef %s %s;\n",
			 int_type(elem, is_signed), name);
	} else {
		snprintf(
			def, sizeof(def),
			"typedef struct { unsigned char __bcc_hello_bytes[%lu]; } __attribute__((aligned(%u))) %s;\n",
			elem, alignment(elem, offset), name);
	}
	if (t->n == TPTYPES_MAX)
		return 0;
	t->names[t->n] = strdup(name);
	if (!t->names[t->n])
		return -1;
	t->n++;
	strbuf_adds(&t->defs, def);
	return t->defs.oom ? -1 : 1;
}

/* "\tfield:TYPE NAME;\toffset:O;\tsize:S;\tsigned:G;" */
static bool parse_field(char *line, char **type, char **name,
			unsigned long *offset, unsigned long *size,
			bool *is_signed)
{
	char *f = strstr(line, "field:"), *semi, *sp, *o, *s, *g;

	if (!f)
		return false;
	f += strlen("field:");
	semi = strchr(f, ';');
	o = strstr(line, "offset:");
	s = strstr(line, "size:");
	g = strstr(line, "signed:");
	if (!semi || !o || !s || !g)
		return false;
	*semi = '\0';
	sp = strrchr(f, ' ');
	if (!sp || strstr(f, "__data_loc"))
		return false;
	*sp = '\0';
	*type = f;
	*name = sp + 1;
	if (strncmp(*name, "common_", 7) == 0)
		return false;
	*offset = strtoul(o + 7, NULL, 10);
	*size = strtoul(s + 5, NULL, 10);
	*is_signed = strtol(g + 7, NULL, 10) != 0;
	return true;
}

static bool identifier(const char *s, size_t n)
{
	if (n == 0 || n > 128 || isdigit((unsigned char)*s))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ident_char((unsigned char)s[i]))
			return false;
	return true;
}

/* Define, from one tracepoint's format file, each wanted name one of its
 * fields uses. */
static int learn_from(struct tptypes *t, const char *tracefs, const char *cat,
		      size_t clen, const char *ev, size_t elen,
		      char wanted[][128], size_t nwanted)
{
	char path[512], line[1024];
	FILE *f;
	int added = 0;

	if (!identifier(cat, clen) || !identifier(ev, elen))
		return 0;
	if (!path_fmt(path, sizeof(path), "%s/events/%.*s/%.*s/format", tracefs,
		      (int)clen, cat, (int)elen, ev))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *type, *name;
		unsigned long offset, size;
		bool is_signed;

		if (!parse_field(line, &type, &name, &offset, &size,
				 &is_signed))
			continue;
		for (size_t i = 0; i < nwanted; i++) {
			int r;

			if (defined_already(t, wanted[i]) ||
			    !uses(type, wanted[i]))
				continue;
			r = define(t, wanted[i], type, name, size, offset,
				   is_signed);
			if (r < 0) {
				fclose(f);
				return -1;
			}
			added += r;
		}
	}
	fclose(f);
	return added;
}

int tptypes_learn(struct tptypes *t, const char *diagnostics, const char *text,
		  const char *tracefs)
{
	char wanted[WANTED_MAX][128];
	size_t nwanted = unknown_names(diagnostics ? diagnostics : "", wanted);
	int added = 0;

	if (nwanted == 0)
		return 0;
	/* Each tracepoint the program names: TRACEPOINT_PROBE(cat, ev) or a
	 * function taking struct tracepoint__cat__ev. */
	for (const char *p = text; *p; p++) {
		const char *cat, *ev;
		size_t clen, elen;
		int r;

		if (strncmp(p, "TRACEPOINT_PROBE", 16) == 0 &&
		    (p == text || !ident_char((unsigned char)p[-1]))) {
			cat = p + 16 + strspn(p + 16, " \t");
			if (*cat != '(')
				continue;
			cat += 1 + strspn(cat + 1, " \t");
			clen = strspn(cat, "abcdefghijklmnopqrstuvwxyz"
					   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789_");
			ev = cat + clen + strspn(cat + clen, " \t");
			if (*ev != ',')
				continue;
			ev += 1 + strspn(ev + 1, " \t");
			elen = strspn(ev, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789_");
		} else if (strncmp(p, "tracepoint__", 12) == 0 &&
			   (p == text || !ident_char((unsigned char)p[-1]))) {
			const char *end = p + 12, *last;

			while (ident_char((unsigned char)*end))
				end++;
			cat = p + 12;
			for (last = end - 2; last > cat; last--)
				if (last[0] == '_' && last[1] == '_')
					break;
			if (last <= cat)
				continue;
			clen = (size_t)(last - cat);
			ev = last + 2;
			elen = (size_t)(end - ev);
		} else {
			continue;
		}
		r = learn_from(t, tracefs, cat, clen, ev, elen, wanted,
			       nwanted);
		if (r < 0)
			return -1;
		added += r;
	}
	return added;
}

const char *tptypes_text(const struct tptypes *t)
{
	return t->defs.p ? t->defs.p : "";
}

void tptypes_release(struct tptypes *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->names[i]);
	free(t->defs.p);
	memset(t, 0, sizeof(*t));
}
