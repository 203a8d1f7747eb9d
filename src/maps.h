/* maps.h: print a program's maps, like bpftrace prints its own.
 *
 * At exit, and every -i N seconds, each hash, array, LRU hash and per-CPU
 * table of the compiled program is printed, one entry per line ("@name[key]:
 * value"), sorted by value and then by key (numerically for an integer
 * key), keys and values decoded from libbcc's descriptions of their
 * types (carried in the compiled program).
 * Per-CPU values are summed (and shown per CPU with -v). Array entries
 * that are all zero are left out (an array has every index). A table
 * declared with BPF_HISTOGRAM in a program that uses bpf_log2 or
 * bpf_log2l is printed as a log2 histogram. With --json, each entry is a
 * JSON object: {"map", "key", "value"} (and "low", "high" for a
 * histogram's slot, "cpus" for per-CPU values with -v).
 */
#ifndef BCC_HELLO_MAPS_H
#define BCC_HELLO_MAPS_H

#include <stdbool.h>

struct compiled;
struct error;
struct output;

/* Print every printable table of c (fds: each table's fd, as load created
 * it; text: the program's source, to find its histograms). when: a
 * wall-clock label for -i prints, or NULL. Returns how many tables were
 * printed, or -1 with err set. */
int maps_print(const struct compiled *c, const int *fds, const char *text,
	       struct output *o, bool verbose, const char *when,
	       struct error *err);
/* Does c have a table maps_print prints? */
bool maps_any(const struct compiled *c);

#endif
