/* translate.h: the text clang compiles, and mapping what comes back.
 *
 * libbcc compiles its own copy of the source named /virtual/main.c and its
 * rewriter inserts lines (a section attribute above each entry point, a
 * preamble after its brace), so diagnostics and the verifier's line info
 * would name the wrong file and lines. We hand libbcc the source with
 * #line directives that name the user's file, one at each point where a
 * directive is safe (outside comments, strings, macro definitions and
 * parentheses), so every line after an insertion is re-synchronised.
 */
#ifndef BCC_HELLO_TRANSLATE_H
#define BCC_HELLO_TRANSLATE_H

struct source;

/* The source with #line directives; malloc'd, or NULL if out of memory. */
char *translate_source(const struct source *src);
/* The verifier log with each "; ... @ FILE:LINE" annotation showing the
 * user's own line text. malloc'd, or NULL if out of memory. */
char *translate_verifier_log(const char *log, const struct source *src);

#endif
