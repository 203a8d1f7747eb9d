/* libbpfmaps.h: libbpf's map declarations and map helpers, for libbcc.
 *
 * A libbpf-style program declares its maps as
 *     struct {
 *             __uint(type, BPF_MAP_TYPE_RINGBUF);
 *             __uint(max_entries, 256 * 1024);
 *     } rb SEC(".maps");
 * and calls the helpers on their address: bpf_map_lookup_elem(&counts,
 * &pid), bpf_ringbuf_reserve(&rb, sizeof(*e), 0), bpf_perf_event_output(
 * ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e)). libbcc knows neither:
 * its tables are declared with macros (BPF_HASH, BPF_RINGBUF_OUTPUT...)
 * and used through methods (counts.lookup(&pid)), from which it also
 * learns the type of each record a program sends. This pass rewrites one
 * into the other, keeping every line where it was:
 *   - each map becomes the BCC table of the same type, name, key and
 *     value types and size, on the line of its `struct {` (the lines of
 *     the declaration stay, empty);
 *   - each helper call on a map's address becomes the table's method:
 *     lookup, update (BPF_ANY) or insert (BPF_NOEXIST), delete,
 *     ringbuf_reserve / ringbuf_output, and ringbuf_submit / discard on
 *     the table the record was reserved from, perf_submit.
 * A map kind or flag that libbcc cannot express is refused with a line
 * that names it.
 */
#ifndef BCC_HELLO_LIBBPFMAPS_H
#define BCC_HELLO_LIBBPFMAPS_H

struct error;

/* Rewrite *text in place (a new string replaces it); name is the source's
 * name for messages. Returns how many maps were translated, or -1 with
 * err set (the text is then unchanged). */
int libbpfmaps_rewrite(char **text, const char *name, struct error *err);

#endif
