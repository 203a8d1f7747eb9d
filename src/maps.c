/* maps.c: print hash, array and per-CPU tables, and log2 histograms. */
#include "maps.h"
#include "typeinfo.h"
#include "error.h"
#include "output.h"
#include "util.h"

#include "compiled.h"
#include <bcc/libbpf.h>
#include <ctype.h>
#include <json-c/json.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAPS_ENTRIES_MAX 100000
#define MAPS_CPUS_MAX 1024

struct map {
	const char *name;
	int fd;
	bool percpu, array, hist;
	size_t ksize, vsize, stride; /* stride: one CPU's value, 8-aligned */
	int ncpus;
	struct ctype *ktype, *vtype; /* NULL: printed as hex bytes */
};

struct entry {
	unsigned char *key, *value, *cpus; /* value: summed over CPUs */
	long double num;
	bool has_num;
};

static bool printable(int type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_ARRAY ||
	       type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

bool maps_any(const struct compiled *c)
{
	for (size_t id = 0; id < c->ntables; id++)
		if (printable((int)c->tables[id].type))
			return true;
	return false;
}

/* Is name declared with BPF_HISTOGRAM in a program using bpf_log2(l)? */
static bool log2_histogram(const char *text, const char *name)
{
	size_t len = strlen(name);

	if (!text || !strstr(text, "bpf_log2"))
		return false;
	for (const char *p = text; (p = strstr(p, "BPF_HISTOGRAM"));) {
		p += strlen("BPF_HISTOGRAM");
		p += strspn(p, " \t");
		if (*p != '(')
			continue;
		p++;
		p += strspn(p, " \t");
		if (strncmp(p, name, len) == 0 &&
		    !(isalnum((unsigned char)p[len]) || p[len] == '_'))
			return true;
	}
	return false;
}

/* A key or value: by its type, or in hex when libbcc gave none. */
static void format(const struct ctype *t, const unsigned char *data,
		   size_t size, struct strbuf *sb)
{
	ctype_format(t ? t : &ctype_bytes, data, size, false, sb);
}

static struct json_object *to_json(const struct ctype *t,
				   const unsigned char *data, size_t size)
{
	return ctype_json(t ? t : &ctype_bytes, data, size);
}

/* Sum an integer value over the CPUs into e->value (same type). */
static void sum_cpus(const struct map *m, struct entry *e)
{
	long double total = 0, v;
	unsigned long long u;

	memcpy(e->value, e->cpus, m->vsize);
	if (!m->vtype || !ctype_number(m->vtype, e->cpus, m->vsize, &v))
		return;
	for (int c = 0; c < m->ncpus; c++)
		if (ctype_number(m->vtype, e->cpus + (size_t)c * m->stride,
				 m->vsize, &v))
			total += v;
	e->num = total;
	e->has_num = true;
	if (m->vsize <= sizeof(u)) {
		u = (unsigned long long)(total < 0 ? (long long)total : total);
		memcpy(e->value, &u, m->vsize); /* little endian */
	}
}

/* By value where both have a number (the largest last), then by key: as
 * numbers for an integer key, else by its bytes. One order, whatever
 * order qsort_r leaves equal elements in. */
static int by_value_then_key(const void *a, const void *b, void *map)
{
	const struct entry *x = a, *y = b;
	const struct map *m = map;
	long double kx, ky;

	if (x->has_num && y->has_num && x->num != y->num)
		return x->num < y->num ? -1 : 1;
	if (m->ktype && ctype_number(m->ktype, x->key, m->ksize, &kx) &&
	    ctype_number(m->ktype, y->key, m->ksize, &ky) && kx != ky)
		return kx < ky ? -1 : 1;
	return memcmp(x->key, y->key, m->ksize);
}

/* {"map": name, "key": key}: the start of an entry's JSON object (it
 * takes key); NULL when out of memory. */
static struct json_object *entry_object(const char *name,
					struct json_object *key)
{
	struct json_object *obj = json_object_new_object();

	if (!obj) {
		json_object_put(key);
		return NULL;
	}
	json_object_object_add(obj, "map", json_object_new_string(name));
	json_object_object_add(obj, "key", key);
	return obj;
}

/* With -i, the time of the print the entry belongs to. */
static void add_time(struct json_object *obj, const char *when)
{
	if (when)
		json_object_object_add(obj, "time",
				       json_object_new_string(when));
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Read every entry; returns how many, -1 out of memory. *more: entries
 * beyond MAPS_ENTRIES_MAX. */
/* A stop signal came (the output's stop flag): a print is cut short. */
static bool cut(const struct output *o)
{
	return o->stop && *o->stop;
}

static long read_entries(const struct map *m, const struct output *o,
			 struct entry **out, unsigned long *more)
{
	size_t cap = 0, n = 0, vbytes = m->stride * (size_t)m->ncpus;
	unsigned char *key = calloc(1, m->ksize), *next = calloc(1, m->ksize);
	struct entry *es = NULL;
	int r;

	*more = 0;
	if (!key || !next)
		goto oom;
	for (r = bpf_get_first_key(m->fd, key, m->ksize); r == 0;
	     r = bpf_get_next_key(m->fd, key, next),
	    memcpy(key, next, m->ksize)) {
		struct entry e = {0};

		if (r || cut(o))
			break;
		e.cpus = malloc(vbytes);
		if (!e.cpus)
			goto oom;
		if (bpf_lookup_elem(m->fd, key, e.cpus) ||
		    (m->array && all_zero(e.cpus, vbytes)) ||
		    n >= MAPS_ENTRIES_MAX) {
			if (n >= MAPS_ENTRIES_MAX)
				(*more)++;
			free(e.cpus);
			continue;
		}
		e.key = malloc(m->ksize);
		e.value = malloc(m->vsize ? m->vsize : 1);
		if (!e.key || !e.value) {
			free(e.key);
			free(e.value);
			free(e.cpus);
			goto oom;
		}
		memcpy(e.key, key, m->ksize);
		if (m->percpu)
			sum_cpus(m, &e);
		else {
			memcpy(e.value, e.cpus, m->vsize);
			e.has_num = m->vtype && ctype_number(m->vtype, e.value,
							     m->vsize, &e.num);
		}
		if (n == cap) {
			struct entry *grown;

			cap = cap ? 2 * cap : 64;
			grown = realloc(es, cap * sizeof(*es));
			if (!grown) {
				free(e.key);
				free(e.value);
				free(e.cpus);
				goto oom;
			}
			es = grown;
		}
		es[n++] = e;
	}
	free(key);
	free(next);
	*out = es;
	return (long)n;
oom:
	for (size_t i = 0; i < n; i++) {
		free(es[i].key);
		free(es[i].value);
		free(es[i].cpus);
	}
	free(es);
	free(key);
	free(next);
	return -1;
}

/* BCC's log2 slots: slot s holds values of bpf_log2l() == s. */
static void slot_range(long s, unsigned long long *low,
		       unsigned long long *high)
{
	if (s <= 0) {
		*low = *high = 0;
	} else if (s == 1) {
		*low = 0;
		*high = 1;
	} else if (s >= 64) {
		*low = 1ULL << 63;
		*high = ~0ULL;
	} else {
		*low = 1ULL << (s - 1);
		*high = (1ULL << s) - 1;
	}
}

static void print_hist(struct output *o, const struct map *m, struct entry *es,
		       size_t n, const char *when)
{
	long double max = 0, v;
	long first = -1, last = -1;
	long double counts[65] = {0};

	for (size_t i = 0; i < n; i++) {
		long double slot;

		if (!ctype_number(m->ktype, es[i].key, m->ksize, &slot) ||
		    slot < 0 || slot > 64 || !es[i].has_num)
			continue;
		counts[(int)slot] += es[i].num;
	}
	for (int s = 0; s <= 64; s++) {
		if (counts[s] == 0)
			continue;
		if (first < 0)
			first = s;
		last = s;
		if (counts[s] > max)
			max = counts[s];
	}
	if (!o->json)
		fprintf(o->out, "@%s (log2 histogram%s%s):\n%24s : %-10s %s\n",
			m->name, when ? ", " : "", when ? when : "", "value",
			"count", "distribution");
	for (long s = first; s >= 0 && s <= last; s++) {
		unsigned long long low, high;
		char range[64];
		int stars;

		slot_range(s, &low, &high);
		v = counts[s];
		if (o->json) {
			struct json_object *obj =
				entry_object(m->name, json_object_new_int64(s));

			if (obj) {
				json_object_object_add(
					obj, "low",
					json_object_new_uint64(low));
				json_object_object_add(
					obj, "high",
					json_object_new_uint64(high));
				json_object_object_add(
					obj, "value",
					json_object_new_uint64(
						(unsigned long long)v));
				add_time(obj, when);
			}
			output_json(o, obj);
			continue;
		}
		stars = max > 0 ? (int)(v * 40 / max) : 0;
		snprintf(range, sizeof(range), "%llu -> %llu", low, high);
		fprintf(o->out, "%24s : %-10.0Lf |%-40.*s|\n", range, v, stars,
			"****************************************");
	}
}

static void print_entries(struct output *o, const struct map *m,
			  struct entry *es, size_t n, bool verbose,
			  const char *when)
{
	/* Per-CPU values that are not numbers cannot be summed: shown per
	 * CPU always. */
	bool show_cpus = m->percpu && (verbose || !n || !es[0].has_num);

	for (size_t i = 0; i < n && !cut(o); i++) {
		struct strbuf sb = {0};

		if (o->json) {
			struct json_object *obj = entry_object(
				m->name,
				to_json(m->ktype, es[i].key, m->ksize));

			if (obj) {
				if (!m->percpu || es[i].has_num)
					json_object_object_add(
						obj, "value",
						to_json(m->vtype, es[i].value,
							m->vsize));
				add_time(obj, when);
			}
			if (obj && show_cpus) {
				struct json_object *cpus =
					json_object_new_array();

				for (int c = 0; cpus && c < m->ncpus; c++)
					json_object_array_add(
						cpus,
						to_json(m->vtype,
							es[i].cpus +
								(size_t)c *
									m->stride,
							m->vsize));
				json_object_object_add(obj, "cpus", cpus);
			}
			output_json(o, obj);
			continue;
		}
		strbuf_adds(&sb, "@");
		strbuf_adds(&sb, m->name);
		strbuf_adds(&sb, "[");
		format(m->ktype, es[i].key, m->ksize, &sb);
		strbuf_adds(&sb, "]: ");
		if (!m->percpu || es[i].has_num)
			format(m->vtype, es[i].value, m->vsize, &sb);
		if (show_cpus) {
			strbuf_adds(&sb, es[i].has_num ? " (" : "(");
			for (int c = 0; c < m->ncpus; c++) {
				char label[32];

				snprintf(label, sizeof(label),
					 "%scpu%d: ", c ? ", " : "", c);
				strbuf_adds(&sb, label);
				format(m->vtype,
				       es[i].cpus + (size_t)c * m->stride,
				       m->vsize, &sb);
			}
			strbuf_adds(&sb, ")");
		}
		fprintf(o->out, "%s\n", sb.oom || !sb.p ? "" : sb.p);
		free(sb.p);
	}
}

static int print_map(struct output *o, struct map *m, const char *text,
		     bool verbose, const char *when, struct error *err)
{
	struct entry *es = NULL;
	unsigned long more;
	long n = read_entries(m, o, &es, &more);

	if (n < 0)
		return error_set(err, "out of memory reading table %s",
				 m->name);
	m->hist = log2_histogram(text, m->name) && m->ktype && m->vtype &&
		  m->ktype->kind == CTYPE_INT && m->vtype->kind == CTYPE_INT;
	if (m->hist) {
		print_hist(o, m, es, (size_t)n, when);
	} else {
		if (n > 1) /* es is NULL when there is none */
			qsort_r(es, (size_t)n, sizeof(*es), by_value_then_key,
				m);
		if (!o->json && n == 0)
			fprintf(o->out, "@%s: empty%s%s\n", m->name,
				when ? " at " : "", when ? when : "");
		print_entries(o, m, es, (size_t)n, verbose, when);
	}
	if (more)
		fprintf(stderr,
			"bcc-hello: table %s: %lu more entries not printed (at most %d are)\n",
			m->name, more, MAPS_ENTRIES_MAX);
	for (long i = 0; i < n; i++) {
		free(es[i].key);
		free(es[i].value);
		free(es[i].cpus);
	}
	free(es);
	return 0;
}

/* A key or value type from libbcc's description, if it agrees with the
 * map's own size (else NULL: printed as hex bytes, never misread). */
static struct ctype *described(const char *desc, size_t size)
{
	struct ctype *t = desc ? ctype_from_desc(desc) : NULL;

	if (t && t->size != size) {
		ctype_free(t);
		t = NULL;
	}
	return t;
}

int maps_print(const struct compiled *c, const int *fds, const char *text,
	       struct output *o, bool verbose, const char *when,
	       struct error *err)
{
	static int cpus[MAPS_CPUS_MAX];
	int printed = 0, possible = -1;

	if (!o->json && when && maps_any(c))
		fprintf(o->out, "-- maps at %s --\n", when);
	for (size_t id = 0; id < c->ntables; id++) {
		const struct compiled_table *t = &c->tables[id];
		int type = (int)t->type, ret;
		const char *kd = t->key_desc;
		const char *vd = t->leaf_desc;
		struct map m = {
			.name = t->name,
			.fd = fds[id],
			.percpu = type == BPF_MAP_TYPE_PERCPU_HASH ||
				  type == BPF_MAP_TYPE_PERCPU_ARRAY ||
				  type == BPF_MAP_TYPE_LRU_PERCPU_HASH,
			.array = type == BPF_MAP_TYPE_ARRAY ||
				 type == BPF_MAP_TYPE_PERCPU_ARRAY,
			.ksize = t->key_size,
			.vsize = t->value_size,
			.ncpus = 1,
		};

		if (!printable(type) || m.ksize == 0)
			continue;
		if (m.percpu) {
			if (possible < 0)
				possible = cpu_list(
					"/sys/devices/system/cpu/possible",
					cpus, MAPS_CPUS_MAX);
			if (possible <= 0)
				return error_set(
					err,
					"cannot read /sys/devices/system/cpu/possible: is /sys mounted?");
			m.ncpus = possible;
		}
		m.stride = m.percpu ? (m.vsize + 7) / 8 * 8 : m.vsize;
		m.ktype = described(kd, m.ksize);
		m.vtype = described(vd, m.vsize);
		ret = print_map(o, &m, text, verbose, when, err);
		ctype_free(m.ktype);
		ctype_free(m.vtype);
		if (ret)
			return -1;
		printed++;
		if (cut(o))
			break;
	}
	if (cut(o))
		fprintf(stderr,
			"bcc-hello: printing the maps was cut short by a stop signal\n");
	return printed;
}
