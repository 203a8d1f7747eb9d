/* check.h: the unit tests' few assertions. A failing check says what it
 * expected and what it got, with the test's sentence name, and the test
 * program exits 1 at the end. */
#ifndef BCC_HELLO_CHECK_H
#define BCC_HELLO_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static const char *check_current = "";

#define TEST(name) static void name(void)
#define RUN(name)                                                             \
	do {                                                                  \
		int before_ = check_failures;                                 \
		check_current = #name;                                        \
		name();                                                       \
		printf("%s: %s\n", before_ == check_failures ? "ok" : "FAIL", \
		       #name);                                                \
	} while (0)

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: %s: expected %s\n", __FILE__, \
				__LINE__, check_current, #cond);              \
			check_failures++;                                     \
		}                                                             \
	} while (0)

#define CHECK_INT(got, want)                                                 \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		if (g_ != w_) {                                              \
			fprintf(stderr,                                      \
				"%s:%d: %s: %s: expected %lld, got %lld\n",  \
				__FILE__, __LINE__, check_current, #got, w_, \
				g_);                                         \
			check_failures++;                                    \
		}                                                            \
	} while (0)

#define CHECK_STR(got, want)                                                    \
	do {                                                                    \
		const char *g_ = (got), *w_ = (want);                           \
		if (!g_ || strcmp(g_, w_)) {                                    \
			fprintf(stderr,                                         \
				"%s:%d: %s: %s: expected \"%s\", got \"%s\"\n", \
				__FILE__, __LINE__, check_current, #got, w_,    \
				g_ ? g_ : "(null)");                            \
			check_failures++;                                       \
		}                                                               \
	} while (0)

/* Compare a (pointer, length) field with a string. */
#define CHECK_SPAN(ptr, len, want)                                                \
	do {                                                                      \
		const char *w_ = (want);                                          \
		if ((len) != strlen(w_) || strncmp((ptr), w_, (len))) {           \
			fprintf(stderr,                                           \
				"%s:%d: %s: %s: expected \"%s\", got \"%.*s\"\n", \
				__FILE__, __LINE__, check_current, #ptr, w_,      \
				(int)(len), (ptr));                               \
			check_failures++;                                         \
		}                                                                 \
	} while (0)

#define CHECK_DONE() (check_failures ? 1 : 0)

#endif
