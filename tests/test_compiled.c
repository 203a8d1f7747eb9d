/* test_compiled.c: the compiled program's bytes decode to the same value,
 * and bytes that are not whole, not ours or not consistent never do. */
#include "check.h"
#include "compiled.h"

#include <stdlib.h>
#include <string.h>

/* r0 = map fd of table 1 (two slots); r0 = 0; exit */
static struct bpf_insn insns[] = {
	{.code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .src_reg = 1},
	{0},
	{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 7},
	{.code = BPF_JMP | BPF_EXIT},
};

static void sample(struct compiled *c)
{
	static char *fields[] = {"u32 pid#", "char comm[16]#"};
	static struct compiled_table tables[2] = {
		{.name = "counts",
		 .type = BPF_MAP_TYPE_HASH,
		 .key_size = 4,
		 .value_size = 8,
		 .max_entries = 10240,
		 .key_desc = "\"unsigned int\"",
		 .leaf_desc = NULL},
		{.name = "events",
		 .type = BPF_MAP_TYPE_RINGBUF,
		 .max_entries = 4096,
		 .flags = 0,
		 .fields = fields,
		 .nfields = 2},
	};
	static struct compiled_reloc relocs[] = {{.insn = 0, .table = 1}};
	static struct compiled_func funcs[] = {{.name = "hello",
						.insns = insns,
						.ninsns = 4,
						.relocs = relocs,
						.nrelocs = 1}};

	*c = (struct compiled){.license = "GPL",
			       .kern_version = 0x61200,
			       .funcs = funcs,
			       .nfuncs = 1,
			       .tables = tables,
			       .ntables = 2};
}

static int decode(const unsigned char *p, size_t len, const char **why)
{
	struct compiled c;
	int ret = compiled_decode(&c, p, len, why);

	if (ret == 0)
		compiled_release(&c);
	return ret;
}

TEST(a_program_decodes_to_what_was_encoded)
{
	struct compiled in, out;
	const char *why = NULL;
	size_t len;
	unsigned char *b;

	sample(&in);
	b = compiled_encode(&in, &len);
	CHECK(b != NULL);
	CHECK_INT(compiled_decode(&out, b, len, &why), 0);
	CHECK_STR(out.license, "GPL");
	CHECK_INT(out.kern_version, 0x61200);
	CHECK_INT(out.ntables, 2);
	CHECK_STR(out.tables[0].name, "counts");
	CHECK_INT(out.tables[0].type, BPF_MAP_TYPE_HASH);
	CHECK_INT(out.tables[0].key_size, 4);
	CHECK_INT(out.tables[0].value_size, 8);
	CHECK_INT(out.tables[0].max_entries, 10240);
	CHECK_STR(out.tables[0].key_desc, "\"unsigned int\"");
	CHECK(out.tables[0].leaf_desc == NULL); /* NULL stays NULL */
	CHECK_INT(out.tables[1].nfields, 2);
	CHECK_STR(out.tables[1].fields[1], "char comm[16]#");
	CHECK_INT(out.nfuncs, 1);
	CHECK(compiled_func(&out, "hello") != NULL);
	CHECK(compiled_func(&out, "hell") == NULL);
	CHECK_INT(out.funcs[0].ninsns, 4);
	CHECK(memcmp(out.funcs[0].insns, insns, sizeof(insns)) == 0);
	CHECK_INT(out.funcs[0].nrelocs, 1);
	CHECK_INT(out.funcs[0].relocs[0].table, 1);
	compiled_release(&out);
	free(b);
}

TEST(every_cut_short_copy_is_refused)
{
	struct compiled in;
	const char *why = NULL;
	size_t len;
	unsigned char *b;

	sample(&in);
	b = compiled_encode(&in, &len);
	for (size_t cut = 0; cut < len; cut++)
		CHECK_INT(decode(b, cut, &why), -1);
	free(b);
}

TEST(any_changed_byte_is_refused)
{
	struct compiled in;
	const char *why = NULL;
	size_t len;
	unsigned char *b;

	sample(&in);
	b = compiled_encode(&in, &len);
	for (size_t i = 0; i < len; i++) {
		b[i] ^= 0x41;
		CHECK_INT(decode(b, len, &why), -1);
		b[i] ^= 0x41;
	}
	CHECK_INT(decode(b, len, &why), 0);
	free(b);
}

TEST(the_reasons_say_what_is_wrong)
{
	struct compiled in;
	const char *why = NULL;
	size_t len;
	unsigned char *b;

	sample(&in);
	b = compiled_encode(&in, &len);
	b[len - 1] ^= 1;
	CHECK_INT(decode(b, len, &why), -1);
	CHECK_STR(why, "checksum mismatch (corrupted)");
	b[len - 1] ^= 1;
	CHECK_INT(decode(b, len - 1, &why), -1);
	CHECK_STR(why, "truncated, or with bytes past its end");
	b[6] = 9;
	CHECK_INT(decode(b, len, &why), -1);
	CHECK_STR(why, "another format version");
	b[0] = 'X';
	CHECK_INT(decode(b, len, &why), -1);
	CHECK_STR(why, "not ours (no magic)");
	free(b);
}

/* A consistent checksum does not make a bad reference good. */
TEST(a_relocation_that_points_nowhere_is_refused)
{
	struct compiled in;
	struct compiled_reloc bad[] = {{.insn = 2, .table = 0}};
	const char *why = NULL;
	size_t len;
	unsigned char *b;

	sample(&in);
	in.funcs[0].relocs = bad; /* not a BPF_LD_IMM64 */
	b = compiled_encode(&in, &len);
	CHECK_INT(decode(b, len, &why), -1);
	CHECK_STR(why, "malformed contents");
	free(b);
	bad[0] = (struct compiled_reloc){.insn = 0, .table = 2}; /* 2 tables */
	b = compiled_encode(&in, &len);
	CHECK_INT(decode(b, len, &why), -1);
	free(b);
	bad[0] = (struct compiled_reloc){.insn = 3, .table = 0}; /* last slot */
	insns[3].code = BPF_LD | BPF_IMM | BPF_DW;
	b = compiled_encode(&in, &len);
	CHECK_INT(decode(b, len, &why), -1);
	insns[3].code = BPF_JMP | BPF_EXIT;
	free(b);
}

/* Two compiles of one program with placeholder PIDs 111 and 222. */
static void pid_pair(struct bpf_insn *a, struct bpf_insn *b,
		     struct compiled *ca, struct compiled *cb,
		     struct compiled_func *fa, struct compiled_func *fb)
{
	static const struct bpf_insn prog[5] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
		/* if r1 != PID goto +1 */
		{.code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = 1, .off = 1},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1},
		/* r2 = PID */
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2},
		{.code = BPF_JMP | BPF_EXIT},
	};

	memcpy(a, prog, sizeof(prog));
	memcpy(b, prog, sizeof(prog));
	a[1].imm = a[3].imm = 111;
	b[1].imm = b[3].imm = 222;
	*fa = (struct compiled_func){.name = "f", .insns = a, .ninsns = 5};
	*fb = (struct compiled_func){.name = "f", .insns = b, .ninsns = 5};
	*ca = (struct compiled){.license = "GPL", .funcs = fa, .nfuncs = 1};
	*cb = (struct compiled){.license = "GPL", .funcs = fb, .nfuncs = 1};
}

TEST(the_pid_sites_are_where_two_placeholders_differ_and_any_pid_patches_in)
{
	struct bpf_insn a[5], b[5];
	struct compiled ca, cb;
	struct compiled_func fa, fb;

	pid_pair(a, b, &ca, &cb, &fa, &fb);
	CHECK_INT(compiled_find_pid_sites(&ca, &cb, 111, 222), 0);
	CHECK_INT(ca.pid_sites_known, 1);
	CHECK_INT(ca.npid_sites, 2);
	CHECK_INT(ca.pid_sites[0].insn, 1);
	CHECK_INT(ca.pid_sites[1].insn, 3);
	compiled_set_pid(&ca, 4242);
	CHECK_INT(a[1].imm, 4242);
	CHECK_INT(a[3].imm, 4242);
	CHECK_INT(a[0].imm, 0); /* nothing else changed */
	CHECK_INT(a[2].imm, 1);
	free(ca.pid_sites);
}

TEST(a_pid_that_shapes_more_than_a_constant_is_refused)
{
	struct bpf_insn a[5], b[5];
	struct compiled ca, cb;
	struct compiled_func fa, fb;

	/* PID + 1 somewhere: 112 against 223 is no placeholder */
	pid_pair(a, b, &ca, &cb, &fa, &fb);
	a[2].imm = 112;
	b[2].imm = 223;
	CHECK_INT(compiled_find_pid_sites(&ca, &cb, 111, 222), -1);
	CHECK_INT(ca.pid_sites_known, 0);
	/* another instruction, or another jump */
	pid_pair(a, b, &ca, &cb, &fa, &fb);
	b[1].off = 2;
	CHECK_INT(compiled_find_pid_sites(&ca, &cb, 111, 222), -1);
	pid_pair(a, b, &ca, &cb, &fa, &fb);
	fb.ninsns = 4;
	CHECK_INT(compiled_find_pid_sites(&ca, &cb, 111, 222), -1);
	CHECK_INT(ca.npid_sites, 0);
}

TEST(pid_sites_survive_the_encoding_and_are_checked)
{
	struct bpf_insn a[5], b[5];
	struct compiled ca, cb, out;
	struct compiled_func fa, fb;
	const char *why = NULL;
	unsigned char *bytes;
	size_t len;

	pid_pair(a, b, &ca, &cb, &fa, &fb);
	CHECK_INT(compiled_find_pid_sites(&ca, &cb, 111, 222), 0);
	bytes = compiled_encode(&ca, &len);
	CHECK_INT(compiled_decode(&out, bytes, len, &why), 0);
	CHECK_INT(out.npid_sites, 2);
	CHECK_INT(out.pid_sites[1].insn, 3);
	compiled_release(&out);
	free(bytes);
	ca.pid_sites[1].insn = 9; /* past the function */
	bytes = compiled_encode(&ca, &len);
	CHECK_INT(compiled_decode(&out, bytes, len, &why), -1);
	free(bytes);
	free(ca.pid_sites);
}

/* The 8 bytes of s as the two immediates of an ld_imm64 at in[0..1]. */
static void load_bytes(struct bpf_insn *in, const char *s)
{
	uint64_t v;

	memcpy(&v, s, sizeof(v)); /* as the program stores them */
	in[0] = (struct bpf_insn){.code = BPF_LD | BPF_IMM | BPF_DW,
				  .dst_reg = 1,
				  .imm = (int32_t)(uint32_t)v};
	in[1] = (struct bpf_insn){.imm = (int32_t)(uint32_t)(v >> 32)};
}

TEST(the_mark_is_found_where_its_placeholder_is_loaded_and_patched_there)
{
	struct bpf_insn in[7];
	struct compiled_func f = {.name = "p", .insns = in, .ninsns = 7};
	struct compiled c = {.license = "GPL", .funcs = &f, .nfuncs = 1};
	const char *why = NULL;
	struct compiled out;
	unsigned char *bytes;
	size_t len;

	load_bytes(in, "bh:mark:");
	load_bytes(in + 2, "Hello wo"); /* the format's next 8 bytes */
	load_bytes(in + 4, "bh:mark:");
	in[6] = (struct bpf_insn){.code = BPF_JMP | BPF_EXIT};
	CHECK_INT(compiled_find_mark_sites(&c, "bh:mark:"), 0);
	CHECK_INT(c.marked, 1);
	CHECK_INT(c.nmark_sites, 2);
	CHECK_INT(c.mark_sites[1].insn, 4);
	bytes = compiled_encode(&c, &len);
	CHECK_INT(compiled_decode(&out, bytes, len, &why), 0);
	CHECK_INT(out.marked, 1);
	CHECK_INT(out.nmark_sites, 2);
	compiled_set_mark(&out, "Zx81QpLm");
	load_bytes(in, "Zx81QpLm");
	CHECK_INT(out.funcs[0].insns[0].imm, in[0].imm);
	CHECK_INT(out.funcs[0].insns[1].imm, in[1].imm);
	CHECK_INT(out.funcs[0].insns[4].imm, in[0].imm);
	CHECK_INT(out.funcs[0].insns[5].imm, in[1].imm);
	CHECK_INT(out.funcs[0].insns[2].imm, c.funcs[0].insns[2].imm);
	compiled_release(&out);
	free(bytes);
	c.mark_sites[1].insn = 6; /* its pair would run past the function */
	bytes = compiled_encode(&c, &len);
	CHECK_INT(compiled_decode(&out, bytes, len, &why), -1);
	free(bytes);
	free(c.mark_sites);
}

TEST(a_placeholder_found_nowhere_leaves_the_program_unmarked)
{
	struct bpf_insn in[1] = {{.code = BPF_JMP | BPF_EXIT}};
	struct compiled_func f = {.name = "p", .insns = in, .ninsns = 1};
	struct compiled c = {.license = "GPL", .funcs = &f, .nfuncs = 1};

	/* stored some other way (byte by byte): no line would match */
	CHECK_INT(compiled_find_mark_sites(&c, "bh:mark:"), -1);
	CHECK_INT(c.marked, 0);
}

TEST(half_a_placeholder_stored_apart_leaves_the_program_unmarked)
{
	struct bpf_insn in[3];
	struct compiled_func f = {.name = "p", .insns = in, .ninsns = 3};
	struct compiled c = {.license = "GPL", .funcs = &f, .nfuncs = 1};
	uint32_t half;

	memcpy(&half, "ark:", sizeof(half));
	load_bytes(in, "bh:mark:");
	/* an unaligned format: "ark:" stored on its own as well */
	in[2] = (struct bpf_insn){.code = BPF_ALU64 | BPF_MOV | BPF_K,
				  .imm = (int32_t)half};
	CHECK_INT(compiled_find_mark_sites(&c, "bh:mark:"), -1);
	CHECK_INT(c.marked, 0);
	CHECK_INT(c.nmark_sites, 0);
}

int main(void)
{
	RUN(a_program_decodes_to_what_was_encoded);
	RUN(every_cut_short_copy_is_refused);
	RUN(any_changed_byte_is_refused);
	RUN(the_reasons_say_what_is_wrong);
	RUN(a_relocation_that_points_nowhere_is_refused);
	RUN(the_pid_sites_are_where_two_placeholders_differ_and_any_pid_patches_in);
	RUN(a_pid_that_shapes_more_than_a_constant_is_refused);
	RUN(pid_sites_survive_the_encoding_and_are_checked);
	RUN(the_mark_is_found_where_its_placeholder_is_loaded_and_patched_there);
	RUN(a_placeholder_found_nowhere_leaves_the_program_unmarked);
	RUN(half_a_placeholder_stored_apart_leaves_the_program_unmarked);
	return check_failures ? 1 : 0;
}
