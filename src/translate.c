/* translate.c: #line directives in, user's lines back out. */
#include "translate.h"
#include "source.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append the name as the body of a C string literal. */
static char *put_name(char *o, const char *name)
{
	for (; *name; name++) {
		if (*name == '"' || *name == '\\')
			*o++ = '\\';
		*o++ = *name;
	}
	return o;
}

struct lexer {
	bool in_block_comment;
	int parens;
};

/* Scan one line; return true if a directive may follow it. */
static bool line_safe_after(struct lexer *lx, const char *s, size_t len)
{
	bool directive = false, first = true;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (lx->in_block_comment) {
			if (c == '*' && i + 1 < len && s[i + 1] == '/') {
				lx->in_block_comment = false;
				i++;
			}
			continue;
		}
		if (c == ' ' || c == '\t')
			continue;
		if (first && c == '#')
			directive = true;
		first = false;
		if (c == '/' && i + 1 < len && s[i + 1] == '/')
			break;
		if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			lx->in_block_comment = true;
			i++;
		} else if (c == '"' || c == '\'') {
			/* skip the literal; an unterminated one ends the line */
			for (i++; i < len && s[i] != c; i++)
				if (s[i] == '\\')
					i++;
		} else if (!directive && c == '(') {
			lx->parens++;
		} else if (!directive && c == ')' && lx->parens > 0) {
			lx->parens--;
		}
	}
	if (len && s[len - 1] == '\\')
		return false; /* continued: a macro definition or a string */
	return !lx->in_block_comment && lx->parens == 0;
}

char *translate_source(const struct source *src)
{
	size_t namelen = 2 * strlen(src->name) + 32, lines = 1;
	struct lexer lx = {0};
	const char *p, *end = src->text + src->len;
	char *out, *o;
	size_t line = 1;

	for (p = src->text; p < end; p++)
		lines += *p == '\n';
	out = malloc(src->len + 2 + lines * (namelen + 12));
	if (!out)
		return NULL;
	o = out + sprintf(out, "#line 1 \"");
	o = put_name(o, src->name);
	o += sprintf(o, "\"\n");
	for (p = src->text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		bool safe = line_safe_after(&lx, p, len);

		memcpy(o, p, len);
		o += len;
		if (!nl)
			break;
		*o++ = '\n';
		p = nl + 1;
		line++;
		if (safe && p < end) {
			o += sprintf(o, "#line %zu \"", line);
			o = put_name(o, src->name);
			o += sprintf(o, "\"\n");
		}
	}
	*o = '\0';
	return out;
}

/* The text of line n (1-based) of the source, trimmed; length in *len. */
static const char *source_line(const struct source *src, long n, int *len)
{
	const char *p = src->text, *end = src->text + src->len, *nl;

	for (long i = 1; i < n && p < end; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p >= end)
		return NULL;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	nl = memchr(p, '\n', (size_t)(end - p));
	*len = (int)((nl ? nl : end) - p);
	while (*len > 0 && (p[*len - 1] == ' ' || p[*len - 1] == '\t' ||
			    p[*len - 1] == '\r'))
		(*len)--;
	return p;
}

/* If line (len bytes) is "; <text> @ <name>:<n>", the line number n. The
 * kernel prints the file's base name. */
static long annotation_line(const char *line, size_t len, const char *name)
{
	const char *at = NULL, *q = line, *slash = strrchr(name, '/');
	size_t namelen;

	name = slash ? slash + 1 : name;
	namelen = strlen(name);

	if (line[0] != ';')
		return 0;
	while ((q = memmem(q, len - (size_t)(q - line), " @ ", 3))) {
		at = q;
		q += 3;
	}
	if (!at || (size_t)(at + 3 + namelen + 1 - line) > len ||
	    strncmp(at + 3, name, namelen) || at[3 + namelen] != ':')
		return 0;
	return strtol(at + 4 + namelen, NULL, 10);
}

char *translate_verifier_log(const char *log, const struct source *src)
{
	struct strbuf sb = {0};

	strbuf_add(&sb, "", 0);
	for (const char *p = log; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		long n = annotation_line(p, len, src->name);
		const char *text = NULL;
		int tlen = 0;

		if (n > 0)
			text = source_line(src, n, &tlen);
		if (text) {
			char tail[64];

			strbuf_add(&sb, "; ", 2);
			strbuf_add(&sb, text, (size_t)tlen);
			strbuf_add(&sb, " @ ", 3);
			strbuf_adds(&sb, src->name);
			snprintf(tail, sizeof(tail), ":%ld\n", n);
			strbuf_adds(&sb, tail);
		} else {
			strbuf_add(&sb, p, len);
		}
		p += len;
	}
	if (sb.oom) {
		free(sb.p);
		return NULL;
	}
	return sb.p;
}
