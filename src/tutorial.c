/* tutorial.c: libbpf-style sources, rewritten line for line for libbcc. */
#include "tutorial.h"
#include "error.h"
#include "libbpfmaps.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What libbpf's headers give that tutorial programs use, for libbcc. */
static const char prelude_text[] =
	"#undef SEC\n"
	"#define SEC(name)\n"
	"#ifndef __always_inline\n"
	"#define __always_inline inline __attribute__((always_inline))\n"
	"#endif\n"
	/* bpf_core_read.h: the types are the running kernel's (from its
	 * BTF), so a plain read at the compiled offset is the CO-RE read. */
	"#define __bh_rd(p, f) ({ typeof((p)->f) __bh_v; "
	"bpf_probe_read_kernel(&__bh_v, sizeof(__bh_v), &(p)->f); __bh_v; })\n"
	"#define __bh_r1(s, a) __bh_rd(s, a)\n"
	"#define __bh_r2(s, a, b) __bh_rd(__bh_r1(s, a), b)\n"
	"#define __bh_r3(s, a, b, c) __bh_rd(__bh_r2(s, a, b), c)\n"
	"#define __bh_r4(s, a, b, c, d) __bh_rd(__bh_r3(s, a, b, c), d)\n"
	"#define __bh_r5(s, a, b, c, d, e) __bh_rd(__bh_r4(s, a, b, c, d), e)\n"
	"#define __bh_i1(h, o, s, a) h(o, sizeof(*(o)), &(s)->a)\n"
	"#define __bh_i2(h, o, s, a, b) h(o, sizeof(*(o)), &__bh_r1(s, a)->b)\n"
	"#define __bh_i3(h, o, s, a, b, c) "
	"h(o, sizeof(*(o)), &__bh_r2(s, a, b)->c)\n"
	"#define __bh_i4(h, o, s, a, b, c, d) "
	"h(o, sizeof(*(o)), &__bh_r3(s, a, b, c)->d)\n"
	"#define __bh_i5(h, o, s, a, b, c, d, e) "
	"h(o, sizeof(*(o)), &__bh_r4(s, a, b, c, d)->e)\n"
	"#define __bh_nth(_1, _2, _3, _4, _5, N, ...) N\n"
	"#define BPF_CORE_READ(s, ...) __bh_nth(__VA_ARGS__, __bh_r5, "
	"__bh_r4, __bh_r3, __bh_r2, __bh_r1, 0)(s, __VA_ARGS__)\n"
	"#define BPF_CORE_READ_INTO(o, s, ...) __bh_nth(__VA_ARGS__, "
	"__bh_i5, __bh_i4, __bh_i3, __bh_i2, __bh_i1, 0)"
	"(bpf_probe_read_kernel, o, s, __VA_ARGS__)\n"
	"#define BPF_CORE_READ_STR_INTO(o, s, ...) __bh_nth(__VA_ARGS__, "
	"__bh_i5, __bh_i4, __bh_i3, __bh_i2, __bh_i1, 0)"
	"(bpf_probe_read_kernel_str, o, s, __VA_ARGS__)\n"
	"#define bpf_core_read(dst, sz, src) "
	"bpf_probe_read_kernel(dst, sz, (const void *)(src))\n"
	"#define bpf_core_read_str(dst, sz, src) "
	"bpf_probe_read_kernel_str(dst, sz, (const void *)(src))\n";

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

bool tutorial_valid_value(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		if (!isxdigit((unsigned char)*p))
			return false;
		while (isxdigit((unsigned char)*p))
			p++;
	} else {
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	while (*p == 'u' || *p == 'U' || *p == 'l' || *p == 'L')
		p++;
	return *p == '\0' && p - s < 64;
}

/* Copy s[0..n) trimmed into buf. */
static void trimmed(char *buf, size_t size, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	snprintf(buf, size, "%.*s", (int)n, s);
}

/* The end of the string or character constant that starts at s[i]: just
 * after its closing quote, or len if the line ends first. */
static size_t literal_end(const char *s, size_t len, size_t i)
{
	size_t j = i + 1;

	while (j < len && s[j] != s[i])
		j += s[j] == '\\' ? 2 : 1;
	return j < len ? j + 1 : len;
}

/* The first ';' of [p, end) that is not in a character constant, or NULL. */
static const char *semicolon(const char *p, const char *end)
{
	size_t len = (size_t)(end - p);

	for (size_t i = 0; i < len;) {
		if (p[i] == ';')
			return p + i;
		i = p[i] == '\'' ? literal_end(p, len, i) : i + 1;
	}
	return NULL;
}

/* Do s[i] and s[i + 1] spell the two characters of two? */
static bool pair_at(const char *s, size_t len, size_t i, const char *two)
{
	return i + 1 < len && s[i] == two[0] && s[i + 1] == two[1];
}

/* The code of a line that starts outside comments, into code: each
 * comment becomes one space (as for the compiler), strings and character
 * constants are kept. *open is where a block comment starts that the line
 * leaves open, else NULL. */
static void line_code(struct strbuf *code, const char *line, size_t len,
		      const char **open)
{
	code->len = 0;
	strbuf_add(code, "", 0);
	*open = NULL;
	for (size_t i = 0; i < len;) {
		if (*open) {
			if (pair_at(line, len, i, "*/")) {
				*open = NULL;
				strbuf_add(code, " ", 1);
				i += 2;
			} else {
				i++;
			}
		} else if (pair_at(line, len, i, "//")) {
			strbuf_add(code, " ", 1);
			return;
		} else if (pair_at(line, len, i, "/*")) {
			*open = line + i;
			i += 2;
		} else if (line[i] == '"' || line[i] == '\'') {
			size_t j = literal_end(line, len, i);

			strbuf_add(code, line + i, j - i);
			i = j;
		} else {
			strbuf_add(code, line + i++, 1);
		}
	}
}

/* `[static] const [volatile] TYPE NAME = VALUE;` at top level: fill the
 * parts, and true. */
static bool const_global(const char *line, size_t len, char *type, char *name,
			 char *value)
{
	const char *p = line, *end = line + len, *eq, *semi, *nm;
	char decl[256];
	size_t dlen;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (end - p > 7 && !strncmp(p, "static ", 7))
		p += 7;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (end - p < 6 || strncmp(p, "const ", 6))
		return false;
	p += 6;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (end - p > 9 && !strncmp(p, "volatile ", 9))
		p += 9;
	eq = memchr(p, '=', (size_t)(end - p));
	semi = semicolon(p, end);
	if (!eq || !semi || semi < eq || memchr(p, '[', (size_t)(eq - p)) ||
	    memchr(p, '(', (size_t)(eq - p)) ||
	    memchr(p, '\'', (size_t)(eq - p)) ||
	    memchr(p, '"', (size_t)(semi - p)))
		return false;
	trimmed(decl, sizeof(decl), p, (size_t)(eq - p));
	dlen = strlen(decl);
	nm = decl + dlen;
	while (nm > decl && ident_char(nm[-1]))
		nm--;
	if (nm == decl || nm == decl + dlen || isdigit((unsigned char)*nm))
		return false;
	snprintf(name, 128, "%s", nm);
	trimmed(type, 128, decl, (size_t)(nm - decl));
	if (!type[0] || strchr(type, '*'))
		return false;
	trimmed(value, 128, eq + 1, (size_t)(semi - eq - 1));
	return value[0] != '\0';
}

/* After SEC("..."), the function it annotates: the identifier before the
 * first '(' (if a ';', '=' or '[' comes first, it is a variable). */
static bool annotated_function(const char *p, char *func, size_t size)
{
	const char *paren;
	size_t n = strcspn(p, "(;=[{");
	const char *start;

	if (p[n] != '(')
		return false;
	paren = p + n;
	while (paren > p && isspace((unsigned char)paren[-1]))
		paren--;
	start = paren;
	while (start > p && ident_char(start[-1]))
		start--;
	if (start == paren)
		return false;
	snprintf(func, size, "%.*s", (int)(paren - start), start);
	return true;
}

static const char *setting_for(const char *name, const struct setting *sets,
			       size_t nsets)
{
	for (size_t i = 0; i < nsets; i++)
		if (!strcmp(sets[i].name, name))
			return sets[i].value;
	return NULL;
}

/* A call of bpf_trace_printk (or bpf_printk), its name ending at j:
 * written as bpf_trace_printk with TUTORIAL_MARK before its format, when
 * its '(' is on this line and the line is no directive; else the program
 * is unmarked. Returns where the rest of the line starts. */
static size_t mark_call(struct tutorial *tu, struct strbuf *o, const char *line,
			size_t len, size_t j)
{
	size_t k = j, d = 0;

	strbuf_adds(o, "bpf_trace_printk");
	while (d < len && (line[d] == ' ' || line[d] == '\t'))
		d++;
	while (k < len && (line[k] == ' ' || line[k] == '\t'))
		k++;
	/* In a directive ("#define bpf_printk(fmt, ...) ...") the mark could
	 * land where a literal cannot be: such a program goes unmarked. */
	if (k == len || line[k] != '(' || (d < len && line[d] == '#')) {
		tu->unmarked = true;
		return j;
	}
	strbuf_add(o, line + j, k + 1 - j);
	strbuf_adds(o, TUTORIAL_MARK " ");
	return k + 1;
}

/* Rewrite one line outside comments and strings: bpf_printk becomes
 * bpf_trace_printk, each call is marked (mark_call), and SEC("...") is
 * recorded. *in_comment carries a
 * block comment across lines. */
static void rewrite_tokens(struct tutorial *tu, struct strbuf *o,
			   const char *line, size_t len, bool *in_comment)
{
	for (size_t i = 0; i < len;) {
		char c = line[i];

		if (*in_comment) {
			if (c == '*' && i + 1 < len && line[i + 1] == '/') {
				*in_comment = false;
				strbuf_add(o, line + i, 2);
				i += 2;
			} else {
				strbuf_add(o, line + i++, 1);
			}
			continue;
		}
		if (c == '/' && i + 1 < len && line[i + 1] == '/') {
			strbuf_add(o, line + i, len - i);
			return;
		}
		if (c == '/' && i + 1 < len && line[i + 1] == '*') {
			*in_comment = true;
			strbuf_add(o, line + i, 2);
			i += 2;
			continue;
		}
		if (c == '"' || c == '\'') {
			size_t j = literal_end(line, len, i);

			strbuf_add(o, line + i, j - i);
			i = j;
			continue;
		}
		if (ident_char(c) && (i == 0 || !ident_char(line[i - 1]))) {
			size_t j = i;

			while (j < len && ident_char(line[j]))
				j++;
			if ((j - i == 10 &&
			     !strncmp(line + i, "bpf_printk", 10)) ||
			    (j - i == 16 &&
			     !strncmp(line + i, "bpf_trace_printk", 16))) {
				tu->libbpf_style |= j - i == 10;
				j = mark_call(tu, o, line, len, j);
			} else {
				if (j - i == 3 &&
				    !strncmp(line + i, "SEC", 3) && j < len &&
				    line[j] == '(') {
					const char *q = line + j + 1;
					const char *close;

					while (*q == ' ')
						q++;
					close = *q == '"' ? strchr(q + 1, '"')
							  : NULL;
					tu->libbpf_style = true;
					if (close &&
					    tu->nsections < TUTORIAL_MAX &&
					    annotated_function(
						    close + 1,
						    tu->sections[tu->nsections]
							    .func,
						    sizeof(tu->sections[0]
								   .func))) {
						snprintf(
							tu->sections
								[tu->nsections]
									.section,
							sizeof(tu->sections[0]
								       .section),
							"%.*s",
							(int)(close - q - 1),
							q + 1);
						tu->nsections++;
					}
				}
				strbuf_add(o, line + i, j - i);
			}
			i = j;
			continue;
		}
		strbuf_add(o, line + i++, 1);
	}
}

static bool is_libbpf_include(const char *line, size_t len)
{
	const char *p = line;

	while (p < line + len && isspace((unsigned char)*p))
		p++;
	if (line + len - p < 8 || strncmp(p, "#include", 8))
		return false;
	p += 8;
	while (p < line + len && isspace((unsigned char)*p))
		p++;
	/* <linux/bpf.h> too: libbcc includes its own copy of the UAPI
	 * definitions, while the kernel tree's include/linux/bpf.h is the
	 * kernel-internal header, slow to compile (1.5 s) and not what a
	 * tutorial means. */
	return (line + len - p > 5 &&
		(!strncmp(p, "<bpf/", 5) || !strncmp(p, "\"bpf/", 5))) ||
	       (line + len - p >= 13 && !strncmp(p, "<linux/bpf.h>", 13));
}

/* #include "vmlinux.h" or <vmlinux.h>: the kernel's types, which
 * bcc-hello makes from the running kernel's BTF (btftypes.h). */
static bool is_vmlinux_include(const char *line, size_t len)
{
	const char *p = line + strspn(line, " \t");

	if (line + len - p < 8 || strncmp(p, "#include", 8))
		return false;
	p += 8;
	p += strspn(p, " \t");
	return line + len - p >= 11 && (!strncmp(p, "\"vmlinux.h\"", 11) ||
					!strncmp(p, "<vmlinux.h>", 11));
}

/* `char LICENSE[] SEC("license") = "...";`: the license's text. */
static bool license_line(const char *line, size_t len, char *lic, size_t size)
{
	const char *sec = NULL, *q, *close;

	for (const char *p = line; p + 14 <= line + len; p++)
		if (!strncmp(p, "SEC(\"license\")", 14)) {
			sec = p;
			break;
		}
	if (!sec)
		return false;
	q = memchr(sec + 14, '"', (size_t)(line + len - sec - 14));
	if (!q)
		return false;
	close = memchr(q + 1, '"', (size_t)(line + len - q - 1));
	if (!close || close == q + 1)
		return false;
	snprintf(lic, size, "%.*s", (int)(close - q - 1), q + 1);
	/* It becomes the macro's tokens: text that would start a comment,
	 * a character constant or a line splice there is no license. */
	return !strstr(lic, "/*") && !strstr(lic, "//") && !strpbrk(lic, "\\'");
}

/* The comment that replaces a libbpf include, which names the header:
 * cut at a '*', which could close that comment early. */
static void include_comment(struct strbuf *o, const char *line, size_t len)
{
	const char *inc = line + strspn(line, " \t#");
	size_t n = len - (size_t)(inc - line);
	const char *open = inc + strcspn(inc, "<\"");
	const char *close = NULL, *star;

	if (open < inc + n)
		close = memchr(open + 1, *open == '<' ? '>' : '"',
			       (size_t)(inc + n - open - 1));
	/* Keep "include <...>" only: a trailing comment would end ours. */
	if (close)
		n = (size_t)(close - inc) + 1;
	star = memchr(inc, '*', n);
	if (star)
		n = (size_t)(star - inc);
	while (n && isspace((unsigned char)inc[n - 1]))
		n--;
	strbuf_adds(o, "/* ");
	strbuf_add(o, inc, n);
	strbuf_adds(o, ": provided by bcc-hello */");
}

/* The const global NAME, as `#define NAME ((TYPE)(VALUE))`, its value
 * taken from --set or -p if given. */
static void const_define(struct tutorial *tu, struct strbuf *o,
			 const char *type, const char *cname, char *value,
			 const struct setting *sets, size_t nsets, int pid)
{
	const char *set = setting_for(cname, sets, nsets);
	size_t k = tu->nconsts;

	if (set)
		snprintf(value, 128, "%s", set);
	else if (pid &&
		 (!strcmp(cname, "pid_filter") || !strcmp(cname, "PID_FILTER")))
		snprintf(value, 128, "%d", pid);
	if (k < TUTORIAL_MAX) {
		snprintf(tu->consts[k].name, 128, "%s", cname);
		snprintf(tu->consts[k].type, 128, "%s", type);
		snprintf(tu->consts[k].value, 128, "%s", value);
		tu->nconsts++;
	}
	strbuf_adds(o, "#define ");
	strbuf_adds(o, cname);
	strbuf_adds(o, " ((");
	strbuf_adds(o, type);
	strbuf_adds(o, ")(");
	strbuf_adds(o, value);
	strbuf_adds(o, "))");
}

/* A top-level line that is a libbpf include, the license or a const
 * global: its replacement into o, and true. code is the line without its
 * comments (line_code()), so that none of them ends up inside the
 * replacement, or cut in half by it. */
static bool replace_line(struct tutorial *tu, struct strbuf *o,
			 const char *code, size_t len,
			 const struct setting *sets, size_t nsets, int pid)
{
	char type[128], cname[128], value[128], lic[128];

	if (is_libbpf_include(code, len)) {
		include_comment(o, code, len);
	} else if (is_vmlinux_include(code, len)) {
		include_comment(o, code, len);
		tu->vmlinux = true;
	} else if (license_line(code, len, lic, sizeof(lic))) {
		strbuf_adds(o, "#define BPF_LICENSE ");
		strbuf_adds(o, lic);
	} else if (const_global(code, len, type, cname, value)) {
		const_define(tu, o, type, cname, value, sets, nsets, pid);
		return true;
	} else {
		return false;
	}
	tu->libbpf_style = true;
	return true;
}

int tutorial_rewrite(struct tutorial *tu, const char *text, const char *name,
		     const struct setting *sets, size_t nsets, int pid,
		     struct error *err)
{
	struct strbuf o = {0}, code = {0};
	bool in_comment = false, depth_comment = false;
	int depth = 0, nmaps;
	const char *p = text, *end = text + strlen(text);

	memset(tu, 0, sizeof(*tu));
	strbuf_add(&o, "", 0);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *open = NULL;
		bool top = !in_comment && depth == 0;

		if (top)
			line_code(&code, p, len, &open);
		if (top && !code.oom &&
		    replace_line(tu, &o, code.p, code.len, sets, nsets, pid)) {
			/* The line ends inside a block comment: so does its
			 * replacement, which keeps the comment's start, and
			 * the lines after it stay comment. (Code after the
			 * comment's end, on its last line, would join a
			 * #define: the comment is one space to cpp.) */
			if (open) {
				strbuf_adds(&o, " ");
				strbuf_add(&o, open, (size_t)(p + len - open));
				in_comment = true;
			}
		} else {
			rewrite_tokens(tu, &o, p, len, &in_comment);
		}
		/* brace depth, outside comments and strings */
		for (size_t i = 0; i < len; i++) {
			if (depth_comment) {
				if (p[i] == '*' && i + 1 < len &&
				    p[i + 1] == '/') {
					depth_comment = false;
					i++;
				}
			} else if (p[i] == '/' && i + 1 < len &&
				   p[i + 1] == '*') {
				depth_comment = true;
				i++;
			} else if (p[i] == '"' || p[i] == '\'') {
				char q = p[i];

				for (i++; i < len && p[i] != q; i++)
					if (p[i] == '\\')
						i++;
			} else if (p[i] == '/' && i + 1 < len &&
				   p[i + 1] == '/') {
				break;
			} else if (p[i] == '{') {
				depth++;
			} else if (p[i] == '}' && depth > 0) {
				depth--;
			}
		}
		if (!nl)
			break;
		strbuf_add(&o, "\n", 1);
		p = nl + 1;
	}
	free(code.p);
	o.oom |= code.oom;
	if (o.oom) {
		free(o.p);
		return error_set(err, "out of memory");
	}
	nmaps = libbpfmaps_rewrite(&o.p, name, err);
	if (nmaps < 0) {
		free(o.p);
		return -1;
	}
	tu->libbpf_style |= nmaps > 0;
	for (size_t i = 0; i < nsets; i++) {
		bool found = false;

		for (size_t k = 0; k < tu->nconsts; k++)
			found |= !strcmp(tu->consts[k].name, sets[i].name);
		if (!found) {
			free(o.p);
			return error_usage(
				err,
				"--set %s: %s has no top-level const global named %s; declare it as 'const volatile TYPE %s = VALUE;'",
				sets[i].name, name, sets[i].name, sets[i].name);
		}
	}
	tu->prelude = strdup(tu->libbpf_style ? prelude_text : "");
	if (o.oom || !tu->prelude) {
		free(o.p);
		free(tu->prelude);
		tu->prelude = NULL;
		return error_set(err, "out of memory");
	}
	tu->text = o.p;
	tu->printk = strstr(tu->text, "bpf_trace_printk") != NULL;
	return 0;
}

const char *tutorial_section_of(const struct tutorial *tu, const char *func)
{
	for (size_t i = 0; i < tu->nsections; i++)
		if (!strcmp(tu->sections[i].func, func))
			return tu->sections[i].section;
	return NULL;
}

void tutorial_release(struct tutorial *tu)
{
	free(tu->text);
	free(tu->prelude);
	tu->text = tu->prelude = NULL;
}
