/* typeinfo.h: the C types of a program's data, to print what it sends.
 *
 * bcc-hello prints ring and perf buffer records and map entries of any
 * program without user-space code written for it. libbcc describes the
 * types two ways, and both become one tree of struct ctype:
 *   - a table's key and value (bpf_table_key_desc_id / _leaf_desc_id):
 *     JSON text such as "unsigned int", or for a struct
 *     ["data_t", [["pid","unsigned int"], ["comm","char",[16]],
 *                 ["__pad_1","char",[4]], ["n","unsigned long long"]],
 *      "struct_packed"]
 *     (padding made explicit, nested structs nested, "union" for unions);
 *   - what a program submits to a BPF_PERF_OUTPUT or BPF_RINGBUF_OUTPUT
 *     table (bpf_perf_event_field): "name#type" per field, such as
 *     "pid#u32", "comm#char[16]", "p#void *", "in#struct inner", laid
 *     out here with the C rules for BPF (natural alignment).
 * Values are printed as text (name=value) or as JSON objects (json-c).
 */
#ifndef BCC_HELLO_TYPEINFO_H
#define BCC_HELLO_TYPEINFO_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

enum ctype_kind {
	CTYPE_INT,    /* integer of size 1, 2, 4 or 8; is_signed */
	CTYPE_BOOL,   /* _Bool */
	CTYPE_FLOAT,  /* float or double */
	CTYPE_PTR,    /* a pointer: printed as hex */
	CTYPE_CHARS,  /* char[N]: text up to the first NUL */
	CTYPE_ARRAY,  /* elem[count] of anything else */
	CTYPE_STRUCT, /* members at their offsets */
	CTYPE_UNION,  /* members all at offset 0 */
	CTYPE_BYTES,  /* a type not known here: its size in hex bytes, or
		       * with size 0 all the bytes to the end of the data */
};

struct cmember {
	char *name; /* "" for an anonymous struct or union: shown inline */
	size_t offset;
	struct ctype *type;
	bool padding; /* libbcc's __pad_N / __pad_end: not printed */
	/* A bitfield (bits > 0): bits wide, starting bit_offset bits into
	 * the type->size bytes at offset. 0 for other members. */
	unsigned bit_offset, bits;
};

struct ctype {
	enum ctype_kind kind;
	size_t size, align;
	bool is_signed;
	char *name;	    /* struct name, or the C type's name */
	struct ctype *elem; /* CTYPE_ARRAY, CTYPE_CHARS: the element */
	size_t count;	    /* CTYPE_ARRAY, CTYPE_CHARS */
	struct cmember *members;
	size_t nmembers;
};

/* Parse a libbcc table description (JSON text). A scalar name not known
 * here becomes a size-0 CTYPE_BYTES (the rest of the data), and ends its
 * struct: later offsets are not known. NULL on malformed text or out of
 * memory. */
struct ctype *ctype_from_desc(const char *desc);
/* Lay out a submitted record from libbcc's "name#type" fields. Struct
 * types named in fields ("struct X", "union X") are looked up by name
 * among known and the types nested in them (their descriptions from
 * tables, may be NULL) and copied; typedef names of structs cannot be.
 * A type that cannot be resolved becomes a size-0 CTYPE_BYTES, placed
 * right after the previous field, covering the rest of the record (the
 * fields after it are dropped; the struct's size is then its offset),
 * and *unknown (if not NULL) points to its type text inside fields[i],
 * else is NULL. NULL on malformed input (a field without "name#type")
 * or out of memory. */
struct ctype *ctype_from_fields(const char *const *fields, size_t n,
				struct ctype *const *known, size_t nknown,
				const char **unknown);
void ctype_free(struct ctype *t);
/* Bytes of no known type: all of the data given, in hex. */
extern const struct ctype ctype_bytes;

/* Append data (size bytes) as text: integers in decimal, bools as
 * true/false, floats in their shortest exact form, pointers as 0x hex,
 * structs and unions as "{a=1 b=2}" or at top level "a=1 b=2" (top),
 * arrays as "[1,2,3]", other types as hex bytes in memory order ("0a0b").
 * Char arrays are text up to the first NUL: \n \t \r \\ \" escaped,
 * other control bytes and invalid UTF-8 as \xNN (valid UTF-8 kept); the
 * text is quoted ("...") when empty or when it holds a space or one of
 * ,={}[] so that values can be told apart. Data shorter than t->size:
 * what is complete is printed, then "..." where the data ends. */
void ctype_format(const struct ctype *t, const void *data, size_t size,
		  bool top, struct strbuf *out);
/* Text as a terminal may show it, unquoted: printable ASCII and valid
 * UTF-8 as they are, \\n \\t \\r \\\\ escaped, other control bytes (escape
 * sequences) and invalid UTF-8 as \\xNN. Into buf (NUL-terminated, cut
 * at a whole character when it does not fit; returns the length), or
 * written to f, with no allocation (it runs for every trace line). With
 * controls_only (--raw) only what a terminal acts on is escaped: control
 * bytes but \\t, and invalid UTF-8. */
size_t ctype_escape_buf(char *buf, size_t size, const void *data, size_t n);
void ctype_escape_write(FILE *f, const void *data, size_t n,
			bool controls_only);
/* The same value as a json-c object (new reference): integers as JSON
 * numbers (unsigned 64-bit kept exact), pointers as numbers, bools,
 * floats (NaN and infinities as strings), char arrays as strings (invalid
 * UTF-8 bytes replaced by U+FFFD), structs and unions as objects without
 * padding, arrays as arrays, other types as hex strings. Short data: the
 * members and elements complete; a scalar not complete, in hex. NULL when
 * out of memory. */
struct json_object *ctype_json(const struct ctype *t, const void *data,
			       size_t size);
/* For sorting map entries: the value as a number if t is an integer
 * (or bool), true then. */
bool ctype_number(const struct ctype *t, const void *data, size_t size,
		  long double *out);

#endif
