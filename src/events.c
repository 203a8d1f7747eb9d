/* events.c: read ring and perf buffer tables. */
#include "events.h"
#include "typeinfo.h"
#include "error.h"
#include "util.h"

#include "compiled.h"
#include <bcc/libbpf.h>
#include <bcc/perf_reader.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pages per CPU for a perf buffer (a power of two): 256 KiB. */
#define EVENTS_PERF_PAGES 64
#define EVENTS_CPUS_MAX 1024

static int on_ring(void *ctx, void *data, size_t size)
{
	struct events_table *t = ctx;
	struct events *ev = t->owner;

	if (ev->stop)
		return 0;
	if (ev->fn(ev->ctx, t->name, t->type, data, size))
		ev->stop = true;
	return 0;
}

static void on_perf(void *ctx, void *raw, int size)
{
	on_ring(ctx, raw, size > 0 ? (size_t)size : 0);
}

static void on_lost(void *ctx, uint64_t lost)
{
	struct events_table *t = ctx;

	t->lost += lost;
}

/* The structs the program's tables describe, for fields that name one. */
static size_t known_structs(const struct compiled *c, struct ctype **known,
			    size_t max)
{
	size_t n = 0;

	for (size_t id = 0; id < c->ntables; id++) {
		const char *descs[2] = {c->tables[id].key_desc,
					c->tables[id].leaf_desc};

		for (int k = 0; k < 2 && n < max; k++) {
			struct ctype *t =
				descs[k] ? ctype_from_desc(descs[k]) : NULL;

			if (t &&
			    (t->kind == CTYPE_STRUCT || t->kind == CTYPE_UNION))
				known[n++] = t;
			else
				ctype_free(t);
		}
	}
	return n;
}

/* The record type of table id: NULL (bytes) when libbcc has no fields. */
static int record_type(struct events_table *t, const struct compiled_table *ct,
		       struct ctype *const *known, size_t nknown,
		       struct error *err)
{
	size_t n = ct->nfields;
	const char *unknown = NULL;

	if (n == 0) {
		fprintf(stderr,
			"bcc-hello: warning: table %s: libbcc recorded no fields for what the program submits; its records are printed as bytes\n",
			t->name);
		return 0;
	}
	t->type = ctype_from_fields((const char **)ct->fields, n, known, nknown,
				    &unknown);
	if (!t->type)
		return error_set(
			err,
			"table %s: cannot lay out what the program submits; submit a struct of integers, arrays and structs",
			t->name);
	if (unknown)
		fprintf(stderr,
			"bcc-hello: warning: table %s: type '%s' is not known here; it and what follows are printed as bytes\n",
			t->name, unknown);
	return 0;
}

static int add_reader(struct events *ev, int fd, void *reader,
		      struct events_table *t, struct error *err)
{
	struct events_reader *r =
		realloc(ev->readers, (ev->nreaders + 1) * sizeof(*ev->readers));

	if (!r) {
		if (t->ring)
			bpf_free_ringbuf(reader);
		else
			perf_reader_free(reader);
		return error_set(err, "out of memory");
	}
	ev->readers = r;
	r[ev->nreaders++] =
		(struct events_reader){.fd = fd, .reader = reader, .table = t};
	return 0;
}

static int open_perf(struct events *ev, struct events_table *t, int map_fd,
		     struct error *err)
{
	static int cpus[EVENTS_CPUS_MAX];
	int ncpus = cpu_list("/sys/devices/system/cpu/online", cpus,
			     EVENTS_CPUS_MAX);

	if (ncpus <= 0)
		return error_set(
			err,
			"cannot read /sys/devices/system/cpu/online: is /sys mounted?");
	for (int i = 0; i < ncpus; i++) {
		int cpu = cpus[i], fd;
		void *reader = bpf_open_perf_buffer(on_perf, on_lost, t, -1,
						    cpu, EVENTS_PERF_PAGES);

		if (!reader)
			return error_set(
				err,
				"table %s: cannot open a perf buffer on CPU %d: %s; raise the locked-memory limit (ulimit -l) or free memory",
				t->name, cpu, strerror(errno));
		fd = perf_reader_fd(reader);
		if (bpf_update_elem(map_fd, &cpu, &fd, 0)) {
			int e = errno;

			perf_reader_free(reader);
			return error_set(
				err,
				"table %s: cannot store the perf buffer of CPU %d in it: %s; give it at least as many entries as CPUs",
				t->name, cpu, strerror(e));
		}
		if (add_reader(ev, fd, reader, t, err))
			return -1;
	}
	return 0;
}

int events_open(struct events *ev, const struct compiled *c, const int *fds,
		events_fn fn, void *ctx, struct error *err)
{
	struct ctype *known[64];
	size_t nknown, ntables, n = 0;
	int ret = 0;

	memset(ev, 0, sizeof(*ev));
	ev->fn = fn;
	ev->ctx = ctx;
	ntables = c->ntables;
	for (size_t id = 0; id < ntables; id++) {
		uint32_t type = c->tables[id].type;

		n += type == BPF_MAP_TYPE_RINGBUF ||
		     type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	}
	if (n == 0)
		return 0;
	ev->tables = calloc(n, sizeof(*ev->tables));
	if (!ev->tables)
		return error_set(err, "out of memory");
	nknown = known_structs(c, known, 64);
	for (size_t id = 0; id < ntables && ret == 0; id++) {
		uint32_t type = c->tables[id].type;
		int map_fd = fds[id];
		struct events_table *t = &ev->tables[ev->ntables];

		if (type != BPF_MAP_TYPE_RINGBUF &&
		    type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		ev->ntables++;
		t->owner = ev;
		t->ring = type == BPF_MAP_TYPE_RINGBUF;
		t->name = strdup(c->tables[id].name);
		if (!t->name) {
			ret = error_set(err, "out of memory");
			break;
		}
		ret = record_type(t, &c->tables[id], known, nknown, err);
		if (ret)
			break;
		if (type == BPF_MAP_TYPE_RINGBUF) {
			void *rb = bpf_new_ringbuf(map_fd, on_ring, t);

			ret = rb ? add_reader(ev, map_fd, rb, t, err)
				 : error_set(
					   err,
					   "table %s: cannot open the ring buffer: %s",
					   t->name, strerror(errno));
		} else {
			ret = open_perf(ev, t, map_fd, err);
		}
	}
	for (size_t i = 0; i < nknown; i++)
		ctype_free(known[i]);
	if (ret)
		events_release(ev);
	return ret;
}

size_t events_pollfds(const struct events *ev, struct pollfd *pfd, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ev->nreaders && n < max; i++)
		pfd[n++] = (struct pollfd){.fd = ev->readers[i].fd,
					   .events = POLLIN};
	return n;
}

static void read_one(struct events_reader *r)
{
	if (r->table->ring)
		bpf_consume_ringbuf(r->reader);
	else
		perf_reader_event_read(r->reader);
}

void events_service(struct events *ev, const struct pollfd *pfd, size_t n)
{
	for (size_t i = 0; i < n && i < ev->nreaders && !ev->stop; i++)
		if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
			read_one(&ev->readers[i]);
}

void events_drain(struct events *ev)
{
	for (size_t i = 0; i < ev->nreaders && !ev->stop; i++)
		read_one(&ev->readers[i]);
}

unsigned long events_lost(const struct events *ev)
{
	unsigned long lost = 0;

	for (size_t i = 0; i < ev->ntables; i++)
		lost += ev->tables[i].lost;
	return lost;
}

void events_release(struct events *ev)
{
	for (size_t i = 0; i < ev->nreaders; i++) {
		if (ev->readers[i].table->ring)
			bpf_free_ringbuf(ev->readers[i].reader);
		else
			perf_reader_free(ev->readers[i].reader);
	}
	free(ev->readers);
	for (size_t i = 0; i < ev->ntables; i++) {
		free(ev->tables[i].name);
		ctype_free(ev->tables[i].type);
	}
	free(ev->tables);
	memset(ev, 0, sizeof(*ev));
}
