/* fuzz_tutorial.c: libFuzzer target for the tutorial-source translator.
 *
 * The input is a BPF C source (up to its first NUL byte, as the text
 * source_read() hands on is a C string). It goes through the two passes
 * compile.c runs before libbcc sees it: tutorial_rewrite(), then
 * translate_source() on the rewritten text, put after the prelude as
 * full_text() does. It is rewritten twice: without settings, and with
 * --set pid_filter=0x2a -p 1234 (an error unless the source declares
 * pid_filter). The input is also read as a verifier log, whose
 * "; ... @ FILE:LINE" annotations translate_verifier_log() maps.
 *
 * What the tutorial pass promises is checked: the line count never
 * changes, each line starts inside a block comment exactly when the same
 * line of the input does, and every SEC() it records is found again by
 * its function.
 */
#include "error.h"
#include "source.h"
#include "translate.h"
#include "tutorial.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A quote and a backslash, which the #line directives must escape. */
#define NAME "progs/my \"hello\\1\".c"

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Past the string or character constant at s: its closing quote, or the
 * end of the line if it has none. */
static const char *skip_literal(const char *s)
{
	char quote = *s++;

	while (*s && *s != '\n' && *s != quote)
		s += s[0] == '\\' && s[1] && s[1] != '\n' ? 2 : 1;
	return *s == quote ? s + 1 : s;
}

/* To the end of the line at s (its '\n' or the NUL), following block
 * comments: *in_comment says whether one is open, before and after. */
static const char *scan_line(const char *s, bool *in_comment)
{
	while (*s && *s != '\n') {
		if (*in_comment) {
			if (s[0] == '*' && s[1] == '/') {
				*in_comment = false;
				s += 2;
			} else {
				s++;
			}
		} else if (s[0] == '/' && s[1] == '/') {
			s += strcspn(s, "\n");
		} else if (s[0] == '/' && s[1] == '*') {
			*in_comment = true;
			s += 2;
		} else if (*s == '"' || *s == '\'') {
			s = skip_literal(s);
		} else {
			s++;
		}
	}
	return s;
}

/* Does every line of b start inside a block comment exactly when that line
 * of a does, and b end inside one when a does? As the rewrite goes line
 * for line, anything else turns comment into code, or code into comment. */
static bool comment_states_match(const char *a, const char *b)
{
	bool in_a = false, in_b = false;

	for (;;) {
		a = scan_line(a, &in_a);
		b = scan_line(b, &in_b);
		if (in_a != in_b)
			return false;
		if (!*a || !*b)
			return !*a && !*b;
		a++;
		b++;
	}
}

static void require(int cond, const char *what)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz_tutorial: %s\n", what);
	abort();
}

static void translate(const struct tutorial *tu, const char *log)
{
	struct source src = {
		.text = tu->text, .len = strlen(tu->text), .name = NAME};
	char *body = translate_source(&src), *all, *mapped;

	if (!body)
		return; /* out of memory */
	all = malloc(strlen(tu->prelude) + strlen(body) + 1);
	if (all) {
		strcpy(all, tu->prelude);
		strcat(all, body);
	}
	free(all);
	free(body);
	mapped = translate_verifier_log(log, &src);
	free(mapped);
}

static void rewrite(const char *text, const struct setting *sets, size_t nsets,
		    int pid)
{
	struct tutorial *tu = malloc(sizeof(*tu));
	struct error err = {0};

	if (!tu)
		return;
	if (tutorial_rewrite(tu, text, NAME, sets, nsets, pid, &err) == 0) {
		require(tu->text && tu->prelude, "no text after a success");
		require(count_lines(tu->text) == count_lines(text),
			"the rewritten source has another number of lines");
		require(tu->nsections <= TUTORIAL_MAX &&
				tu->nconsts <= TUTORIAL_MAX,
			"more sections or consts than TUTORIAL_MAX");
		for (size_t i = 0; i < tu->nsections; i++) {
			const char *func = tu->sections[i].func;

			require(tutorial_section_of(tu, func) != NULL,
				"a recorded section not found by its function");
		}
		require(comment_states_match(text, tu->text),
			"a line starts inside a block comment in the input and not in the rewritten source, or the other way");
		translate(tu, text);
	} else {
		require(err.msg[0], "a failure without a message");
	}
	tutorial_release(tu);
	free(err.details);
	free(tu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct setting sets[] = {{"pid_filter", "0x2a"}};
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rewrite(text, NULL, 0, 0);
	rewrite(text, sets, 1, 1234);
	free(text);
	return 0;
}
