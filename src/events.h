/* events.h: records from BPF_RINGBUF_OUTPUT and BPF_PERF_OUTPUT tables.
 *
 * Part of stage 4. For each such table of the compiled program (its type as the
 * kernel created it), a reader is opened: one libbcc ring buffer
 * (bpf_new_ringbuf) on the map's own fd, or one perf buffer per online
 * CPU (bpf_open_perf_buffer, its fd stored in the map at that CPU). Their
 * fds join trace_pipe's in the read loop's poll. Each record is decoded
 * with the layout libbcc recorded for what the program submits
 * (its fields, carried in the compiled program) and handed to a callback. Records the kernel
 * dropped from a full perf buffer are counted (the lost callback); a ring
 * buffer's are not visible in user space (bpf_ringbuf_reserve fails in
 * the program instead).
 */
#ifndef BCC_HELLO_EVENTS_H
#define BCC_HELLO_EVENTS_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

struct compiled;
struct ctype;
struct error;

/* One record of a table: type is NULL when libbcc recorded no fields
 * (the bytes are then printed in hex). Returns non-zero to stop. */
typedef int (*events_fn)(void *ctx, const char *table, const struct ctype *type,
			 const void *data, size_t size);

struct events_reader {
	int fd;	      /* to poll */
	void *reader; /* struct perf_reader * or struct ring_buffer * */
	struct events_table *table;
};

struct events_table {
	char *name;
	struct ctype *type; /* the submitted record, or NULL */
	bool ring;	    /* a ring buffer (else perf buffers) */
	unsigned long lost; /* perf buffer records the kernel dropped */
	struct events *owner;
};

struct events {
	struct events_table *tables;
	size_t ntables;
	struct events_reader *readers;
	size_t nreaders;
	events_fn fn;
	void *ctx;
	bool stop; /* the callback asked to stop */
};

/* Open readers for every ring and perf buffer table of c (fds: each
 * table's fd, as load created it). With no such table, ev stays empty
 * (0 readers). */
int events_open(struct events *ev, const struct compiled *c, const int *fds,
		events_fn fn, void *ctx, struct error *err);
/* Fill pfd (room for max) with the readers' fds; returns how many. */
size_t events_pollfds(const struct events *ev, struct pollfd *pfd, size_t max);
/* Read every reader whose pollfd (as filled above) is ready. */
void events_service(struct events *ev, const struct pollfd *pfd, size_t n);
/* Read whatever is left in every reader (before exit). */
void events_drain(struct events *ev);
unsigned long events_lost(const struct events *ev);
void events_release(struct events *ev);

#endif
