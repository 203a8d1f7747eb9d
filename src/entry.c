/* entry.c: an entry point's attach target, from its name or SEC(). */
#include "entry.h"
#include "options.h"

#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

/* "CAT__EVENT" (BCC) or "CAT/EVENT" (libbpf), both names checked. */
static enum entry_kind tracepoint(struct entry *e, const char *s,
				  const char *sep)
{
	const char *mid = strstr(s, sep);

	if (!mid || mid == s || (size_t)(mid - s) >= sizeof(e->category))
		return ENTRY_PLAIN;
	snprintf(e->category, sizeof(e->category), "%.*s", (int)(mid - s), s);
	snprintf(e->event, sizeof(e->event), "%s", mid + strlen(sep));
	if (!options_valid_name(e->category) || !options_valid_name(e->event))
		return ENTRY_PLAIN;
	return e->kind = ENTRY_TRACEPOINT;
}

static enum entry_kind raw(struct entry *e, const char *name)
{
	snprintf(e->event, sizeof(e->event), "%s", name);
	if (!options_valid_name(e->event))
		return ENTRY_PLAIN;
	return e->kind = ENTRY_RAW_TRACEPOINT;
}

static enum entry_kind unsupported(struct entry *e, const char *kind,
				   const char *target)
{
	snprintf(e->what, sizeof(e->what), "%s %s", kind, target);
	return e->kind = ENTRY_UNSUPPORTED;
}

static bool prefix(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);

	if (strncmp(s, p, n))
		return false;
	*rest = s + n;
	return true;
}

static enum entry_kind from_section(struct entry *e, const char *sec)
{
	static const char *const probes[] = {
		"kprobe/",    "kretprobe/", "ksyscall/", "kretsyscall/",
		"uprobe",     "uretprobe",  "usdt",	 "fentry/",
		"fexit/",     "fmod_ret/",  "lsm/",	 "tp_btf/",
		"iter/",      "xdp",	    "tc",	 "socket",
		"perf_event",
	};
	const char *rest;

	if (prefix(sec, "tp/", &rest) || prefix(sec, "tracepoint/", &rest))
		return tracepoint(e, rest, "/");
	if (prefix(sec, "raw_tp/", &rest) ||
	    prefix(sec, "raw_tracepoint/", &rest))
		return raw(e, rest);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (!strncmp(sec, probes[i], strlen(probes[i])))
			return unsupported(e, "SEC", sec);
	return ENTRY_PLAIN;
}

enum entry_kind entry_classify(struct entry *e, const char *func,
			       const char *section)
{
	const char *rest;

	memset(e, 0, sizeof(*e));
	snprintf(e->func, sizeof(e->func), "%s", func);
	e->kind = ENTRY_PLAIN;
	if (section && from_section(e, section) != ENTRY_PLAIN)
		return e->kind;
	if (prefix(func, "tracepoint__", &rest))
		return tracepoint(e, rest, "__");
	if (prefix(func, "raw_tracepoint__", &rest))
		return raw(e, rest);
	if (prefix(func, "kprobe__", &rest))
		return unsupported(e, "kprobe", rest);
	if (prefix(func, "kretprobe__", &rest))
		return unsupported(e, "kretprobe", rest);
	return ENTRY_PLAIN;
}

int entry_prog_type(const struct entry *e)
{
	return e->kind == ENTRY_RAW_TRACEPOINT ? BPF_PROG_TYPE_RAW_TRACEPOINT
					       : BPF_PROG_TYPE_TRACEPOINT;
}

const char *entry_describe(const struct entry *e, char *buf, unsigned size)
{
	switch (e->kind) {
	case ENTRY_TRACEPOINT:
	case ENTRY_PLAIN:
		snprintf(buf, size, "tracepoint %s:%s", e->category, e->event);
		break;
	case ENTRY_RAW_TRACEPOINT:
		snprintf(buf, size, "raw tracepoint %s", e->event);
		break;
	case ENTRY_UNSUPPORTED:
		snprintf(buf, size, "%s", e->what);
		break;
	}
	return buf;
}
