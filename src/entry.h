/* entry.h: where each entry point of a program attaches, from its own
 * declaration.
 *
 *   BCC names:   tracepoint__CAT__EVENT (what TRACEPOINT_PROBE(CAT, EVENT)
 *                defines), raw_tracepoint__NAME (RAW_TRACEPOINT_PROBE),
 *                kprobe__FUNC, kretprobe__FUNC
 *   libbpf SEC:  "tp/CAT/EVENT", "tracepoint/CAT/EVENT", "raw_tp/NAME",
 *                "raw_tracepoint/NAME", "kprobe/...", "uprobe/...", ...
 *   otherwise:   a plain function, attached where -t says.
 */
#ifndef BCC_HELLO_ENTRY_H
#define BCC_HELLO_ENTRY_H

enum entry_kind {
	ENTRY_PLAIN,	      /* no declaration: -t decides */
	ENTRY_TRACEPOINT,     /* category:event */
	ENTRY_RAW_TRACEPOINT, /* event (in raw form) */
	ENTRY_UNSUPPORTED,    /* a probe kind bcc-hello does not attach */
};

struct entry {
	char func[128];
	enum entry_kind kind;
	char category[128]; /* tracepoint */
	char event[128];    /* tracepoint or raw tracepoint */
	char what[160];	    /* unsupported: "kprobe do_sys_open", ... */
};

/* Classify func (section: its SEC("..."), or NULL). Returns e->kind. */
enum entry_kind entry_classify(struct entry *e, const char *func,
			       const char *section);
/* The program type to load an entry as (BPF_PROG_TYPE_*). */
int entry_prog_type(const struct entry *e);
/* "tracepoint syscalls:sys_enter_write", "raw tracepoint sched_switch". */
const char *entry_describe(const struct entry *e, char *buf, unsigned size);

#endif
