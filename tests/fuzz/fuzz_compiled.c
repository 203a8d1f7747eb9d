/* fuzz_compiled.c: libFuzzer target for the compiled program's decoder.
 *
 * The bytes come from the compiler's child, and are what goes into the
 * kernel: whatever they are, decoding must not read out of bounds, and a
 * value it accepts must be consistent (each relocation on a BPF_LD_IMM64
 * that has its second half, naming an existing table) and encode back to
 * the very same bytes. Inputs get a valid header and checksum half of the
 * time, so that the fuzzer reaches the body's checks.
 */
#include "compiled.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void require(int cond, const char *what)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz_compiled: broken promise: %s\n", what);
	abort();
}

static void check(const struct compiled *c)
{
	for (uint32_t f = 0; f < c->nfuncs; f++) {
		const struct compiled_func *fn = &c->funcs[f];

		for (uint32_t i = 0; i < fn->nrelocs; i++) {
			const struct compiled_reloc *r = &fn->relocs[i];

			require(r->table < c->ntables, "reloc names a table");
			require(r->insn < fn->ninsns - 1,
				"reloc has two slots");
			require(fn->insns[r->insn].code ==
					(BPF_LD | BPF_IMM | BPF_DW),
				"reloc on a BPF_LD_IMM64");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf, *again;
	struct compiled c;
	const char *why;
	size_t len;

	buf = malloc(size + 16);
	if (!buf)
		return 0;
	if (size && data[0] & 1) {
		/* a valid header over the rest */
		uLong crc = crc32(0L, data + 1, (uInt)(size - 1));
		size_t body = size - 1;

		memcpy(buf, "BHPROG\1\0", 8);
		for (int i = 0; i < 4; i++) {
			buf[8 + i] = (unsigned char)(body >> (8 * i));
			buf[12 + i] = (unsigned char)(crc >> (8 * i));
		}
		memcpy(buf + 16, data + 1, body);
		len = body + 16;
	} else {
		memcpy(buf, data, size);
		len = size;
	}
	if (compiled_decode(&c, buf, len, &why) == 0) {
		size_t len2;

		check(&c);
		again = compiled_encode(&c, &len2);
		require(again != NULL, "a decoded value encodes");
		require(len2 == len && memcmp(again, buf, len) == 0,
			"encoding what was decoded gives the same bytes");
		free(again);
		compiled_release(&c);
	}
	free(buf);
	return 0;
}
