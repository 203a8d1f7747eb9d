/* list.h: which tracepoints this kernel has, and what a program sees of
 * each (bcc-hello's answer to "what else can I attach to?"). */
#ifndef BCC_HELLO_LIST_H
#define BCC_HELLO_LIST_H

#include <stdbool.h>
#include <stdio.h>

struct error;

/* Print the tracepoints under TRACEFS_DIR/events whose "category:event"
 * matches the glob PATTERN (fnmatch; NULL or "" = all), one per line,
 * sorted. With fields, after each one its argument fields as a
 * TRACEPOINT_PROBE sees them (args->NAME), from the format file, indented,
 * e.g. "    int __syscall_nr;" skipping the common_ fields. Only events that
 * have a format file count. Returns the number printed (>= 0), or -1 with
 * err set (tracefs events folder unreadable). A pattern matching nothing
 * is not an error: return 0 (the caller says so). */
int list_tracepoints(const char *tracefs_dir, const char *pattern, bool fields,
		     FILE *out, struct error *err);

#endif
