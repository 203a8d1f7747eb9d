/* compiled.c: the compiled program, encoded and decoded. */
#include "compiled.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "BHPROG"
#define FORMAT_VERSION 2
#define NULL_STR 0xffffffffu
/* Bounds far above any real program, so that a corrupt count can never
 * ask for gigabytes. */
#define MAX_ITEMS 65536u

static void wbuf_grow(struct wbuf *w, size_t more)
{
	unsigned char *p;
	size_t cap;

	if (w->failed || w->len + more <= w->cap)
		return;
	cap = w->cap ? w->cap : 256;
	while (cap < w->len + more)
		cap *= 2;
	p = realloc(w->p, cap);
	if (!p) {
		w->failed = 1;
		return;
	}
	w->p = p;
	w->cap = cap;
}

void wbuf_bytes(struct wbuf *w, const void *data, size_t len)
{
	wbuf_grow(w, len);
	if (w->failed || !len)
		return;
	memcpy(w->p + w->len, data, len);
	w->len += len;
}

void wbuf_u32(struct wbuf *w, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8),
			      (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};

	wbuf_bytes(w, b, 4);
}

void wbuf_str(struct wbuf *w, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len >= NULL_STR) {
		w->failed = 1;
		return;
	}
	wbuf_u32(w, s ? (uint32_t)len : NULL_STR);
	wbuf_bytes(w, s, len);
}

bool wbuf_write(int fd, const struct wbuf *w)
{
	size_t off = 0;

	while (!w->failed && off < w->len) {
		ssize_t n = write(fd, w->p + off, w->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return !w->failed;
}

uint32_t rbuf_u32(struct rbuf *r)
{
	uint32_t v;

	if (r->failed || r->left < 4) {
		r->failed = 1;
		return 0;
	}
	v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 |
	    (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
	r->p += 4;
	r->left -= 4;
	return v;
}

void *rbuf_bytes(struct rbuf *r, size_t len)
{
	unsigned char *out;

	if (r->failed || r->left < len) {
		r->failed = 1;
		return NULL;
	}
	out = malloc(len ? len : 1);
	if (!out) {
		r->failed = 1;
		return NULL;
	}
	memcpy(out, r->p, len);
	r->p += len;
	r->left -= len;
	return out;
}

char *rbuf_str(struct rbuf *r)
{
	uint32_t len = rbuf_u32(r);
	char *s;

	if (r->failed || len == NULL_STR)
		return NULL;
	if (len > r->left || memchr(r->p, '\0', len)) {
		r->failed = 1;
		return NULL;
	}
	s = malloc((size_t)len + 1);
	if (!s) {
		r->failed = 1;
		return NULL;
	}
	memcpy(s, r->p, len);
	s[len] = '\0';
	r->p += len;
	r->left -= len;
	return s;
}

static void encode_func(struct wbuf *w, const struct compiled_func *f)
{
	wbuf_str(w, f->name);
	wbuf_u32(w, f->ninsns);
	/* as the kernel takes them: this machine's layout */
	wbuf_bytes(w, f->insns, (size_t)f->ninsns * sizeof(*f->insns));
	wbuf_u32(w, f->nrelocs);
	for (uint32_t i = 0; i < f->nrelocs; i++) {
		wbuf_u32(w, f->relocs[i].insn);
		wbuf_u32(w, f->relocs[i].table);
	}
}

static void encode_table(struct wbuf *w, const struct compiled_table *t)
{
	wbuf_str(w, t->name);
	wbuf_u32(w, t->type);
	wbuf_u32(w, t->key_size);
	wbuf_u32(w, t->value_size);
	wbuf_u32(w, t->max_entries);
	wbuf_u32(w, t->flags);
	wbuf_str(w, t->key_desc);
	wbuf_str(w, t->leaf_desc);
	wbuf_u32(w, t->nfields);
	for (uint32_t i = 0; i < t->nfields; i++)
		wbuf_str(w, t->fields[i]);
}

void frame_begin(struct wbuf *w)
{
	unsigned char header[FRAME_HEADER] = {0};

	wbuf_bytes(w, header, sizeof(header));
}

bool frame_seal(struct wbuf *w, const char magic[6], unsigned version)
{
	size_t body = w->len - FRAME_HEADER;
	uLong crc;

	if (w->failed || body > UINT32_MAX)
		return false;
	crc = crc32(0L, w->p + FRAME_HEADER, (uInt)body);
	memcpy(w->p, magic, 6);
	w->p[6] = (unsigned char)version;
	w->p[7] = (unsigned char)(version >> 8);
	for (int i = 0; i < 4; i++) {
		w->p[8 + i] = (unsigned char)(body >> (8 * i));
		w->p[12 + i] = (unsigned char)(crc >> (8 * i));
	}
	return true;
}

const char *frame_open(const unsigned char *data, size_t len,
		       const char magic[6], unsigned version, struct rbuf *body)
{
	uint32_t n = 0, crc = 0;

	if (len < FRAME_HEADER || memcmp(data, magic, 6))
		return "not ours (no magic)";
	if ((unsigned)(data[6] | data[7] << 8) != version)
		return "another format version";
	for (int i = 0; i < 4; i++) {
		n |= (uint32_t)data[8 + i] << (8 * i);
		crc |= (uint32_t)data[12 + i] << (8 * i);
	}
	if (n != len - FRAME_HEADER)
		return "truncated, or with bytes past its end";
	if (crc != (uint32_t)crc32(0L, data + FRAME_HEADER, (uInt)n))
		return "checksum mismatch (corrupted)";
	*body = (struct rbuf){.p = data + FRAME_HEADER, .left = n};
	return NULL;
}

/* A set of sites: whether they are known, then each. */
static void encode_sites(struct wbuf *w, uint32_t known,
			 const struct compiled_site *sites, uint32_t n)
{
	wbuf_u32(w, known);
	wbuf_u32(w, n);
	for (uint32_t i = 0; i < n; i++) {
		wbuf_u32(w, sites[i].func);
		wbuf_u32(w, sites[i].insn);
	}
}

unsigned char *compiled_encode(const struct compiled *c, size_t *len)
{
	struct wbuf w = {0};

	frame_begin(&w);
	wbuf_str(&w, c->license);
	wbuf_u32(&w, c->kern_version);
	wbuf_u32(&w, c->ntables);
	for (uint32_t i = 0; i < c->ntables; i++)
		encode_table(&w, &c->tables[i]);
	wbuf_u32(&w, c->nfuncs);
	for (uint32_t i = 0; i < c->nfuncs; i++)
		encode_func(&w, &c->funcs[i]);
	encode_sites(&w, c->pid_sites_known, c->pid_sites, c->npid_sites);
	encode_sites(&w, c->marked, c->mark_sites, c->nmark_sites);
	if (!frame_seal(&w, MAGIC, FORMAT_VERSION)) {
		free(w.p);
		return NULL;
	}
	*len = w.len;
	return w.p;
}

/* A set of sites of c's instructions, each span instructions long, as
 * encode_sites wrote it (none unless known). */
static int decode_sites(struct rbuf *r, const struct compiled *c,
			uint32_t *known, struct compiled_site **sites,
			uint32_t *n, uint32_t span)
{
	*known = rbuf_u32(r);
	*n = rbuf_u32(r);
	if (r->failed || *known > 1 || (*n && !*known) || *n > r->left / 8)
		return -1;
	*sites = calloc(*n ? *n : 1, sizeof(**sites));
	if (!*sites)
		return -1;
	for (uint32_t i = 0; i < *n; i++) {
		struct compiled_site *st = &(*sites)[i];

		st->func = rbuf_u32(r);
		st->insn = rbuf_u32(r);
		if (r->failed || st->func >= c->nfuncs ||
		    st->insn >= c->funcs[st->func].ninsns ||
		    c->funcs[st->func].ninsns - st->insn < span)
			return -1;
	}
	return 0;
}

static int decode_func(struct rbuf *r, struct compiled_func *f,
		       uint32_t ntables)
{
	f->name = rbuf_str(r);
	f->ninsns = rbuf_u32(r);
	if (r->failed || !f->name || f->ninsns == 0 || f->ninsns > 1000000 ||
	    f->ninsns > r->left / sizeof(*f->insns))
		return -1;
	f->insns = rbuf_bytes(r, (size_t)f->ninsns * sizeof(*f->insns));
	if (!f->insns)
		return -1;
	f->nrelocs = rbuf_u32(r);
	if (r->failed || f->nrelocs > f->ninsns)
		return -1;
	f->relocs = calloc(f->nrelocs ? f->nrelocs : 1, sizeof(*f->relocs));
	if (!f->relocs)
		return -1;
	for (uint32_t i = 0; i < f->nrelocs; i++) {
		struct compiled_reloc *rl = &f->relocs[i];

		rl->insn = rbuf_u32(r);
		rl->table = rbuf_u32(r);
		/* a BPF_LD_IMM64 takes two slots: the second must exist */
		if (r->failed || rl->table >= ntables ||
		    rl->insn >= f->ninsns - 1 ||
		    f->insns[rl->insn].code != (BPF_LD | BPF_IMM | BPF_DW))
			return -1;
	}
	return 0;
}

static int decode_table(struct rbuf *r, struct compiled_table *t)
{
	t->name = rbuf_str(r);
	t->type = rbuf_u32(r);
	t->key_size = rbuf_u32(r);
	t->value_size = rbuf_u32(r);
	t->max_entries = rbuf_u32(r);
	t->flags = rbuf_u32(r);
	t->key_desc = rbuf_str(r);
	t->leaf_desc = rbuf_str(r);
	t->nfields = rbuf_u32(r);
	if (r->failed || !t->name || !t->name[0] || t->nfields > MAX_ITEMS ||
	    t->nfields > r->left / 4)
		return -1;
	t->fields = calloc(t->nfields ? t->nfields : 1, sizeof(*t->fields));
	if (!t->fields)
		return -1;
	for (uint32_t i = 0; i < t->nfields; i++)
		if (!(t->fields[i] = rbuf_str(r)))
			return -1;
	return 0;
}

static int decode_body(struct compiled *c, struct rbuf *r)
{
	c->license = rbuf_str(r);
	c->kern_version = rbuf_u32(r);
	c->ntables = rbuf_u32(r);
	if (r->failed || !c->license || c->ntables > MAX_ITEMS ||
	    c->ntables > r->left / 8)
		return -1;
	c->tables = calloc(c->ntables ? c->ntables : 1, sizeof(*c->tables));
	if (!c->tables)
		return -1;
	for (uint32_t i = 0; i < c->ntables; i++)
		if (decode_table(r, &c->tables[i]))
			return -1;
	c->nfuncs = rbuf_u32(r);
	if (r->failed || c->nfuncs > MAX_ITEMS || c->nfuncs > r->left / 8)
		return -1;
	c->funcs = calloc(c->nfuncs ? c->nfuncs : 1, sizeof(*c->funcs));
	if (!c->funcs)
		return -1;
	for (uint32_t i = 0; i < c->nfuncs; i++)
		if (decode_func(r, &c->funcs[i], c->ntables))
			return -1;
	if (decode_sites(r, c, &c->pid_sites_known, &c->pid_sites,
			 &c->npid_sites, 1) ||
	    decode_sites(r, c, &c->marked, &c->mark_sites, &c->nmark_sites, 2))
		return -1;
	return r->left ? -1 : 0;
}

int compiled_decode(struct compiled *c, const unsigned char *data, size_t len,
		    const char **why)
{
	struct rbuf r;

	memset(c, 0, sizeof(*c));
	*why = frame_open(data, len, MAGIC, FORMAT_VERSION, &r);
	if (*why)
		return -1;
	if (decode_body(c, &r)) {
		compiled_release(c);
		*why = "malformed contents";
		return -1;
	}
	return 0;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int same_table(const struct compiled_table *a,
		      const struct compiled_table *b)
{
	if (!same_str(a->name, b->name) || a->type != b->type ||
	    a->key_size != b->key_size || a->value_size != b->value_size ||
	    a->max_entries != b->max_entries || a->flags != b->flags ||
	    !same_str(a->key_desc, b->key_desc) ||
	    !same_str(a->leaf_desc, b->leaf_desc) || a->nfields != b->nfields)
		return 0;
	for (uint32_t i = 0; i < a->nfields; i++)
		if (!same_str(a->fields[i], b->fields[i]))
			return 0;
	return 1;
}

/* Functions f (of a) and g (of b) alike but for pa/pb immediates; those
 * are added to sites (room for f->ninsns more). */
static int same_func(const struct compiled_func *f,
		     const struct compiled_func *g, uint32_t fi, int32_t pa,
		     int32_t pb, struct compiled_site *sites, uint32_t *n)
{
	if (!same_str(f->name, g->name) || f->ninsns != g->ninsns ||
	    f->nrelocs != g->nrelocs ||
	    (f->nrelocs &&
	     memcmp(f->relocs, g->relocs, f->nrelocs * sizeof(*f->relocs))))
		return 0;
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const struct bpf_insn *x = &f->insns[i], *y = &g->insns[i];

		if (x->code != y->code || x->dst_reg != y->dst_reg ||
		    x->src_reg != y->src_reg || x->off != y->off)
			return 0;
		if (x->imm == y->imm)
			continue;
		if (x->imm != pa || y->imm != pb)
			return 0;
		sites[(*n)++] = (struct compiled_site){.func = fi, .insn = i};
	}
	return 1;
}

/* The sites found (malloc'd) become c's: *known set. */
static void adopt_sites(struct compiled_site **dst, uint32_t *ndst,
			uint32_t *known, struct compiled_site *sites,
			uint32_t n)
{
	free(*dst);
	*dst = sites;
	*ndst = n;
	*known = 1;
}

/* Room for a site at every instruction of c. */
static struct compiled_site *site_buffer(const struct compiled *c)
{
	size_t total = 0;

	for (uint32_t i = 0; i < c->nfuncs; i++)
		total += c->funcs[i].ninsns;
	return calloc(total ? total : 1, sizeof(struct compiled_site));
}

int compiled_find_pid_sites(struct compiled *a, const struct compiled *b,
			    int32_t pa, int32_t pb)
{
	struct compiled_site *sites;
	uint32_t n = 0;

	if (a->nfuncs != b->nfuncs || a->ntables != b->ntables ||
	    a->kern_version != b->kern_version ||
	    !same_str(a->license, b->license))
		return -1;
	for (uint32_t i = 0; i < a->ntables; i++)
		if (!same_table(&a->tables[i], &b->tables[i]))
			return -1;
	sites = site_buffer(a);
	if (!sites)
		return -1;
	for (uint32_t i = 0; i < a->nfuncs; i++)
		if (!same_func(&a->funcs[i], &b->funcs[i], i, pa, pb, sites,
			       &n)) {
			free(sites);
			return -1;
		}
	adopt_sites(&a->pid_sites, &a->npid_sites, &a->pid_sites_known, sites,
		    n);
	return 0;
}

void compiled_set_pid(struct compiled *c, int32_t pid)
{
	for (uint32_t i = 0; i < c->npid_sites; i++)
		c->funcs[c->pid_sites[i].func].insns[c->pid_sites[i].insn].imm =
			pid;
}

/* The 64-bit constant an instruction pair loads: ld_imm64, its two
 * halves in the two immediates. */
static bool ld_imm64_at(const struct compiled_func *f, uint32_t i, uint64_t *v)
{
	if (i + 1 >= f->ninsns ||
	    f->insns[i].code != (BPF_LD | BPF_IMM | BPF_DW))
		return false;
	*v = (uint32_t)f->insns[i].imm | (uint64_t)(uint32_t)f->insns[i + 1].imm
						 << 32;
	return true;
}

/* The 8 bytes as the constant that stores them: the host's byte order,
 * which is the program's. */
static uint64_t bytes_u64(const char b[8])
{
	uint64_t v;

	memcpy(&v, b, sizeof(v));
	return v;
}

int compiled_find_mark_sites(struct compiled *c, const char placeholder[8])
{
	uint64_t want = bytes_u64(placeholder), v;
	uint32_t n = 0;
	struct compiled_site *sites;
	int stray = 0;

	sites = site_buffer(c);
	if (!sites)
		return -1;
	for (uint32_t fi = 0; fi < c->nfuncs; fi++) {
		const struct compiled_func *f = &c->funcs[fi];

		for (uint32_t i = 0; i < f->ninsns; i++) {
			if (ld_imm64_at(f, i, &v)) {
				if (v == want)
					sites[n++] = (struct compiled_site){
						.func = fi, .insn = i};
				/* a half of it elsewhere: stored apart */
				stray |= v != want &&
					 ((uint32_t)v == (uint32_t)want ||
					  v >> 32 == want >> 32);
				i++;
				continue;
			}
			stray |= (uint32_t)f->insns[i].imm == (uint32_t)want ||
				 (uint32_t)f->insns[i].imm == want >> 32;
		}
	}
	if (stray || n == 0) {
		/* in pieces, or stored some other way: not patchable */
		free(sites);
		return -1;
	}
	adopt_sites(&c->mark_sites, &c->nmark_sites, &c->marked, sites, n);
	return 0;
}

void compiled_set_mark(struct compiled *c, const char mark[8])
{
	uint64_t v = bytes_u64(mark);

	for (uint32_t i = 0; i < c->nmark_sites; i++) {
		struct bpf_insn *in = &c->funcs[c->mark_sites[i].func]
					       .insns[c->mark_sites[i].insn];

		in[0].imm = (int32_t)(uint32_t)v;
		in[1].imm = (int32_t)(uint32_t)(v >> 32);
	}
}

const struct compiled_func *compiled_func(const struct compiled *c,
					  const char *name)
{
	for (uint32_t i = 0; i < c->nfuncs; i++)
		if (!strcmp(c->funcs[i].name, name))
			return &c->funcs[i];
	return NULL;
}

void compiled_release(struct compiled *c)
{
	for (uint32_t i = 0; c->funcs && i < c->nfuncs; i++) {
		free(c->funcs[i].name);
		free(c->funcs[i].insns);
		free(c->funcs[i].relocs);
	}
	for (uint32_t i = 0; c->tables && i < c->ntables; i++) {
		struct compiled_table *t = &c->tables[i];

		free(t->name);
		free(t->key_desc);
		free(t->leaf_desc);
		for (uint32_t k = 0; t->fields && k < t->nfields; k++)
			free(t->fields[k]);
		free(t->fields);
	}
	free(c->funcs);
	free(c->tables);
	free(c->license);
	free(c->pid_sites);
	free(c->mark_sites);
	memset(c, 0, sizeof(*c));
}
