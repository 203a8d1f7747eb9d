/* list.c: the tracepoints under tracefs, as bcc's `tplist` shows them.
 *
 * Each tracepoint is a folder events/CATEGORY/EVENT holding a format file
 * that describes its record. TRACEPOINT_PROBE(category, event) reads the
 * same record as args->NAME, so the format file is also the list of what a
 * program can use.
 */
#include "list.h"
#include "error.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The "category:event" names found (each strdup'd), grown as needed. */
struct names {
	char **v;
	size_t len;
	size_t cap;
};

static int names_add(struct names *n, const char *name)
{
	if (n->len == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 256;
		char **v = realloc(n->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		n->v = v;
		n->cap = cap;
	}
	n->v[n->len] = strdup(name);
	if (!n->v[n->len])
		return -ENOMEM;
	n->len++;
	return 0;
}

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->len; i++)
		free(n->v[i]);
	free(n->v);
	n->v = NULL;
	n->len = n->cap = 0;
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool matches(const char *pattern, const char *name)
{
	return !pattern || !pattern[0] || fnmatch(pattern, name, 0) == 0;
}

/* Only a folder with a format file is an event: this leaves out each
 * category's own enable and filter files. */
static bool has_format(const char *events, const char *category,
		       const char *event)
{
	char path[PATH_MAX];

	return path_fmt(path, sizeof(path), "%s/%s/%s/format", events, category,
			event) &&
	       access(path, F_OK) == 0;
}

/* Add the events of one category that match; 0 or -ENOMEM. What cannot be
 * opened as a folder (events/enable, events/header_page) adds nothing. */
static int collect_category(const char *events, const char *category,
			    const char *pattern, struct names *n)
{
	char path[PATH_MAX], name[2 * NAME_MAX + 2];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (!path_fmt(path, sizeof(path), "%s/%s", events, category))
		return 0;
	d = opendir(path);
	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!path_fmt(name, sizeof(name), "%s:%s", category,
			      de->d_name))
			continue;
		if (matches(pattern, name) &&
		    has_format(events, category, de->d_name))
			ret = names_add(n, name);
	}
	closedir(d);
	return ret;
}

/* The one category a pattern can match ("syscalls" of "syscalls:sys_*"),
 * into buf; false when it can match more than one. */
static bool one_category(const char *pattern, char *buf, size_t size)
{
	const char *colon = pattern ? strchr(pattern, ':') : NULL;
	size_t len = colon ? (size_t)(colon - pattern) : 0;

	if (!colon || len == 0 || len >= size ||
	    strcspn(pattern, "*?[\\") < len)
		return false;
	memcpy(buf, pattern, len);
	buf[len] = '\0';
	return true;
}

static int collect(const char *events, const char *pattern, struct names *n,
		   struct error *err)
{
	char only[NAME_MAX + 1];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (one_category(pattern, only, sizeof(only)) &&
	    access(events, R_OK | X_OK) == 0) {
		ret = collect_category(events, only, pattern, n);
		return ret ? error_set(err, "listing the tracepoints in %s: %s",
				       events, strerror(-ret))
			   : 0;
	}
	d = opendir(events);
	if (!d)
		return error_set(
			err,
			"cannot read the tracepoints in %s (%s): is tracefs mounted there? reading it needs root",
			events, strerror(errno));
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] != '.')
			ret = collect_category(events, de->d_name, pattern, n);
	}
	closedir(d);
	if (ret)
		return error_set(err, "listing the tracepoints in %s: %s",
				 events, strerror(-ret));
	return 0;
}

/* The declaration in a format line, "const char * buf;" out of
 * "\tfield:const char * buf;\toffset:24;...", or NULL for the other lines
 * and for the common_ fields: every event has those, and bcc hides them
 * from args behind one padding field. */
static const char *field_decl(const char *line, size_t *len)
{
	const char *decl, *end, *name;

	line += strspn(line, " \t");
	if (strncmp(line, "field:", 6))
		return NULL;
	decl = line + 6;
	end = strchr(decl, ';');
	if (!end)
		return NULL;
	/* The name is the last word: "common_pid", "prev_comm[16]". */
	name = end;
	while (name > decl && name[-1] != ' ' && name[-1] != '\t')
		name--;
	if (!strncmp(name, "common_", 7))
		return NULL;
	*len = end + 1 - decl;
	return decl;
}

/* Print the fields of NAME ("category:event"); a format file that has
 * gone since it was listed prints none. */
static void print_fields(const char *events, const char *name, FILE *out)
{
	const char *colon = strchr(name, ':');
	char path[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (!colon || !path_fmt(path, sizeof(path), "%s/%.*s/%s/format", events,
				(int)(colon - name), name, colon + 1))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		const char *decl;
		size_t len;

		decl = field_decl(line, &len);
		if (decl)
			fprintf(out, "    %.*s\n", (int)len, decl);
	}
	free(line);
	fclose(f);
}

int list_tracepoints(const char *tracefs_dir, const char *pattern, bool fields,
		     FILE *out, struct error *err)
{
	struct names n = {0};
	char events[PATH_MAX];
	int count;

	if (!path_fmt(events, sizeof(events), "%s/events", tracefs_dir))
		return error_set(err, "the tracefs path is too long: %s",
				 tracefs_dir);
	if (collect(events, pattern, &n, err)) {
		names_free(&n);
		return -1;
	}
	if (n.len)
		qsort(n.v, n.len, sizeof(*n.v), names_cmp);
	for (size_t i = 0; i < n.len; i++) {
		fprintf(out, "%s\n", n.v[i]);
		if (fields)
			print_fields(events, n.v[i], out);
	}
	count = (int)n.len;
	names_free(&n);
	return count;
}
