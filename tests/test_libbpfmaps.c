/* test_libbpfmaps.c: libbpf map declarations and helper calls become
 * libbcc tables and methods, line for line. */
#include "check.h"
#include "error.h"
#include "libbpfmaps.h"

#include <stdlib.h>
#include <string.h>

static size_t lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Rewrite src; the result (malloc'd) or NULL with err set. */
static char *rewrite(const char *src, struct error *err, int *nmaps)
{
	char *text = strdup(src);

	*nmaps = libbpfmaps_rewrite(&text, "prog.c", err);
	if (*nmaps < 0) {
		CHECK_STR(text, src); /* unchanged on failure */
		free(text);
		return NULL;
	}
	CHECK_INT(lines(text), lines(src));
	return text;
}

TEST(ring_buffer_map_becomes_bpf_ringbuf_output_on_its_first_line)
{
	struct error err = {0};
	int n;
	char *t = rewrite("int a;\n"
			  "struct {\n"
			  "\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
			  "\t__uint(max_entries, 256 * 1024);\n"
			  "} rb SEC(\".maps\");\n"
			  "int b;\n",
			  &err, &n);

	CHECK_INT(n, 1);
	CHECK_STR(t, "int a;\n"
		     "BPF_RINGBUF_OUTPUT(rb, (256 * 1024) / 4096);\n\n\n\n"
		     "int b;\n");
	free(t);
}

TEST(hash_and_array_maps_keep_their_types_and_sizes)
{
	struct error err = {0};
	int n;
	char *t = rewrite(
		"struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 10240);\n"
		"\t__type(key, u32); __type(value, struct val); } start SEC(\".maps\");\n"
		"struct {\n\t__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);\n"
		"\t__uint(key_size, sizeof(u32));\n\t__uint(value_size, sizeof(u64));\n"
		"\t__uint(max_entries, 1); /* one */\n} arr SEC(\".maps\");\n",
		&err, &n);

	CHECK_INT(n, 2);
	CHECK(t && strstr(t, "BPF_TABLE(\"hash\", u32, struct val, start, "
			     "10240);\n"));
	CHECK(t && strstr(t, "BPF_TABLE(\"percpu_array\", u32, u64, arr, 1);"));
	free(t);
}

TEST(perf_event_array_becomes_bpf_perf_output)
{
	struct error err = {0};
	int n;
	char *t = rewrite(
		"struct {\n\t__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);\n"
		"\t__uint(key_size, sizeof(u32));\n\t__uint(value_size, sizeof(u32));\n"
		"} events SEC(\".maps\");\n"
		"int f(void *ctx) { struct e e = {}; "
		"bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, "
		"sizeof(e)); return 0; }\n",
		&err, &n);

	CHECK_INT(n, 1);
	CHECK(t && strstr(t, "BPF_PERF_OUTPUT(events);"));
	CHECK(t && strstr(t, "events.perf_submit(ctx, &e, sizeof(e));"));
	free(t);
}

TEST(map_helpers_become_table_methods)
{
	struct error err = {0};
	int n;
	char *t = rewrite(
		"struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8);"
		" __type(key, u32); __type(value, u64); } m SEC(\".maps\");\n"
		"int f(void) {\n"
		"\tu64 *v = bpf_map_lookup_elem(&m, &k);\n"
		"\tbpf_map_update_elem(&m, &k, &one, BPF_ANY);\n"
		"\tbpf_map_update_elem( &m, &k, &one,\n\t\tBPF_NOEXIST);\n"
		"\tbpf_map_delete_elem(&m, &k);\n"
		"\t/* bpf_map_lookup_elem(&m, &k) */ bpf_map_lookup_elem(&other, &k);\n"
		"}\n",
		&err, &n);

	CHECK(t && strstr(t, "u64 *v = m.lookup(&k);"));
	CHECK(t && strstr(t, "\tm.update(&k, &one);\n"));
	CHECK(t && strstr(t, "\tm.insert(&k, &one)\n;\n"));
	CHECK(t && strstr(t, "\tm.delete(&k);\n"));
	/* comments and maps that are not ours stay as they are */
	CHECK(t && strstr(t, "/* bpf_map_lookup_elem(&m, &k) */ "
			     "bpf_map_lookup_elem(&other, &k);"));
	free(t);
}

TEST(a_record_is_submitted_to_the_ring_it_was_reserved_from)
{
	struct error err = {0};
	int n;
	char *t = rewrite(
		"struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } a SEC(\".maps\");\n"
		"struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 8192); } b SEC(\".maps\");\n"
		"int f(void) {\n"
		"\tstruct ev *x = bpf_ringbuf_reserve(&b, sizeof(*x), 0);\n"
		"\tif (!x) return 0;\n"
		"\tbpf_ringbuf_submit(x, 0);\n"
		"\tbpf_ringbuf_output(&a, &y, sizeof(y), 0);\n"
		"}\n",
		&err, &n);

	CHECK_INT(n, 2);
	CHECK(t && strstr(t, "struct ev *x = b.ringbuf_reserve(sizeof(*x));"));
	CHECK(t && strstr(t, "b.ringbuf_submit(x, 0);"));
	CHECK(t && strstr(t, "a.ringbuf_output(&y, sizeof(y), 0);"));
	free(t);
}

TEST(a_map_kind_libbcc_cannot_express_is_refused_by_name)
{
	struct error err = {0};
	int n;

	CHECK(!rewrite("struct {\n\t__uint(type, BPF_MAP_TYPE_QUEUE);\n"
		       "\t__uint(max_entries, 8);\n} q SEC(\".maps\");\n",
		       &err, &n));
	CHECK(strstr(err.msg, "map q is of type BPF_MAP_TYPE_QUEUE"));
}

TEST(a_ring_buffer_that_is_not_whole_pages_is_refused)
{
	struct error err = {0};
	int n;

	CHECK(!rewrite("struct { __uint(type, BPF_MAP_TYPE_RINGBUF); "
		       "__uint(max_entries, 1000); } rb SEC(\".maps\");\n",
		       &err, &n));
	CHECK(strstr(err.msg, "max_entries 1000"));
}

TEST(an_update_flag_a_table_has_no_method_for_is_refused)
{
	struct error err = {0};
	int n;

	CHECK(!rewrite(
		"struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8);"
		" __type(key, u32); __type(value, u64); } m SEC(\".maps\");\n"
		"int f(void) { return bpf_map_update_elem(&m, &k, &v, BPF_EXIST); }\n",
		&err, &n));
	CHECK(strstr(err.msg, "flags BPF_EXIST"));
}

TEST(a_program_without_maps_is_left_alone)
{
	struct error err = {0};
	int n;
	char *t = rewrite(
		"int f(void) { return bpf_map_lookup_elem(&m, &k) != 0; }\n",
		&err, &n);

	CHECK_INT(n, 0);
	CHECK_STR(t,
		  "int f(void) { return bpf_map_lookup_elem(&m, &k) != 0; }\n");
	free(t);
}

int main(void)
{
	RUN(ring_buffer_map_becomes_bpf_ringbuf_output_on_its_first_line);
	RUN(hash_and_array_maps_keep_their_types_and_sizes);
	RUN(perf_event_array_becomes_bpf_perf_output);
	RUN(map_helpers_become_table_methods);
	RUN(a_record_is_submitted_to_the_ring_it_was_reserved_from);
	RUN(a_map_kind_libbcc_cannot_express_is_refused_by_name);
	RUN(a_ring_buffer_that_is_not_whole_pages_is_refused);
	RUN(an_update_flag_a_table_has_no_method_for_is_refused);
	RUN(a_program_without_maps_is_left_alone);
	return check_failures ? 1 : 0;
}
