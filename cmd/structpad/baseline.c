/* cmd/structpad/baseline.c - --baseline: compare with a saved --json model. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "structpad.h"

/*
 * The saved model is read with json-c (Debian's libjson-c), as memmap's
 * --diff reads its snapshot, and fed to the tokener as the file is read:
 * a model of every type of glibc is some megabytes.  --json itself keeps
 * the streaming writer of lib/out.h.
 */

/* Nested anonymous members add two levels each (an array, an object). */
#define JSON_DEPTH	256

/* json-c's own lookup: NULL for a missing key, a NULL or a non-object */
static json_object *
get(json_object *o, const char *key)
{
	return json_object_object_get(o, key);
}

static const char *
jstr(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/* A whole number of at least 0, or -1. */
static int64_t
jcount(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	int64_t n;

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	return n < 0 ? -1 : n;
}

static void bad_json(const char *, size_t, const char *)
    __attribute__((noreturn));

static void
bad_json(const char *esc, size_t at, const char *why)
{
	errx(TRI_EXIT_FAIL, "%s: not JSON (at byte %zu: %s)", esc, at, why);
}

/* Bytes after the document: only white space may follow it. */
static void
rest_is_space(const char *esc, const char *p, size_t n, size_t at)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr(" \t\r\n", p[i]))
			bad_json(esc, at + i, "data after the document");
}

/* The JSON document in the file fd, or exit 2 naming the file. */
static json_object *
parse(int fd, const char *esc)
{
	enum json_tokener_error e = json_tokener_continue;
	json_object *doc = NULL;
	json_tokener *tok;
	char buf[65536];
	size_t at = 0, used;
	ssize_t n;

	if ((tok = json_tokener_new_ex(JSON_DEPTH)) == NULL)
		err(TRI_EXIT_FAIL, "json_tokener_new_ex");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			errx(TRI_EXIT_FAIL, "%s: %s", esc, strerror(errno));
		used = 0;
		if (doc == NULL) {
			doc = json_tokener_parse_ex(tok, buf, (int)n);
			e = json_tokener_get_error(tok);
			if (doc == NULL && e != json_tokener_continue)
				bad_json(esc, at + json_tokener_get_parse_end(tok),
				    json_tokener_error_desc(e));
			used = doc ? json_tokener_get_parse_end(tok) : (size_t)n;
		}
		rest_is_space(esc, buf + used, (size_t)n - used, at + used);
		at += (size_t)n;
	}
	json_tokener_free(tok);
	if (doc == NULL)
		bad_json(esc, at, at ? "the document is cut short" :
		    "the file is empty");
	return doc;
}

/* Why a saved type is not what --json writes, or NULL. */
static const char *
type_shape(json_object *o)
{
	json_object *m, *s, *v, *p;
	size_t i, k;

	if (!json_object_is_type(o, json_type_object))
		return "not an object";
	if (jstr(o, "name") == NULL || jstr(o, "kind") == NULL)
		return "no name or kind";
	if (jcount(o, "size") < 0 || jcount(o, "nr_holes") < 0)
		return "no size or nr_holes";
	m = get(o, "members");
	s = get(o, "shared");
	if (m == NULL || !json_object_is_type(m, json_type_array) ||
	    s == NULL || !json_object_is_type(s, json_type_array))
		return "no members or shared array";
	for (i = 0; i < json_object_array_length(m); i++) {
		v = json_object_array_get_idx(m, i);
		if (jstr(v, "name") == NULL || ((p = get(v, "hot")) != NULL &&
		    !json_object_is_type(p, json_type_boolean)))
			return "a member without a name";
	}
	for (i = 0; i < json_object_array_length(s); i++) {
		v = json_object_array_get_idx(s, i);
		if (!json_object_is_type(v, json_type_array) ||
		    json_object_array_length(v) != 2)
			return "a shared entry that is not a pair";
		for (k = 0; k < 2; k++)
			if (!json_object_is_type(json_object_array_get_idx(v, k),
			    json_type_string))
				return "a shared entry that is not a pair";
	}
	return NULL;
}

/* The saved types, checked to be the shape --json writes, or exit 2. */
static json_object *
saved_types(json_object *doc, const char *esc)
{
	json_object *types = get(doc, "types");
	const char *schema = jstr(doc, "schema"), *why;
	size_t i;

	if (schema == NULL || strcmp(schema, "triage.structpad/1") != 0 ||
	    types == NULL || !json_object_is_type(types, json_type_array))
		errx(TRI_EXIT_FAIL, "%s: not a structpad --json file", esc);
	for (i = 0; i < json_object_array_length(types); i++)
		if ((why = type_shape(json_object_array_get_idx(types, i))))
			errx(TRI_EXIT_FAIL, "%s: not a structpad --json file "
			    "(types[%zu]: %s)", esc, i, why);
	return types;
}

static bool
was_shared(json_object *old, const char *a, const char *b)
{
	json_object *s = get(old, "shared"), *p;
	const char *x, *y;
	size_t i;

	for (i = 0; i < json_object_array_length(s); i++) {
		p = json_object_array_get_idx(s, i);
		x = json_object_get_string(json_object_array_get_idx(p, 0));
		y = json_object_get_string(json_object_array_get_idx(p, 1));
		if ((strcmp(x, a) == 0 && strcmp(y, b) == 0) ||
		    (strcmp(x, b) == 0 && strcmp(y, a) == 0))
			return true;
	}
	return false;
}

static bool
was_hot(json_object *old, const char *name)
{
	json_object *m = get(old, "members"), *v, *h;
	size_t i;

	for (i = 0; i < json_object_array_length(m); i++) {
		v = json_object_array_get_idx(m, i);
		if (strcmp(jstr(v, "name"), name) == 0 &&
		    (h = get(v, "hot")) != NULL && json_object_get_boolean(h))
			return true;
	}
	return false;
}

/* The regressions of one type against its saved model. */
static size_t
compare(const struct ctl *ctl, json_object *old, const struct layout *l)
{
	const struct tri_dwarf_type *t = l->t;
	const struct tri_dwarf_member *ma, *mb;
	int64_t osize = jcount(old, "size"), oholes = jcount(old, "nr_holes");
	char title[600];
	size_t bad = 0, a, b;
	bool ha, hb;

	type_title(t, title, sizeof(title));
	if (t->size > (uint64_t)osize) {
		tri_out_fescape(stdout, title, strlen(title));
		printf(": grew from %" PRId64 " to %llu bytes\n", osize,
		    (unsigned long long)t->size);
		bad++;
	}
	if (l->nr_holes > (uint64_t)oholes) {
		tri_out_fescape(stdout, title, strlen(title));
		printf(": gained a hole (%" PRId64 " -> %u holes, %llu bytes)\n",
		    oholes, l->nr_holes, (unsigned long long)l->sum_holes);
		bad++;
	}
	for (a = 0; t->kind != TRI_DWARF_UNION && a < t->nmembers; a++) {
		ma = &t->members[a];
		ha = l->hot[a] || was_hot(old, ma->name);
		for (b = a + 1; ha && b < t->nmembers; b++) {
			mb = &t->members[b];
			hb = l->hot[b] || was_hot(old, mb->name);
			if (!hb || !layout_share_line(ctl, ma, mb) ||
			    was_shared(old, ma->name, mb->name))
				continue;
			check_put_pair(l, ma->name, mb->name,
			    "moved onto one cache line");
			bad++;
		}
	}
	return bad;
}

/* Layouts by name, then kind, then place: the first of a name is found. */
static int
by_name(const void *a, const void *b)
{
	const struct layout *x = *(const struct layout *const *)a;
	const struct layout *y = *(const struct layout *const *)b;
	int c = strcmp(x->t->name, y->t->name);

	if (c == 0)
		c = strcmp(tri_dwarf_kind_name(x->t->kind),
		    tri_dwarf_kind_name(y->t->kind));
	return c ? c : (x > y) - (x < y);
}

/* The first layout named name of kind kind in sorted v, or NULL. */
static const struct layout *
find_layout(struct layout **v, size_t n, const char *name, const char *kind)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(v[mid]->t->name, name);
		if (c == 0)
			c = strcmp(tri_dwarf_kind_name(v[mid]->t->kind), kind);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strcmp(v[lo]->t->name, name) == 0 &&
	    strcmp(tri_dwarf_kind_name(v[lo]->t->kind), kind) == 0)
		return v[lo];
	return NULL;
}

int
baseline_run(const struct ctl *ctl, const char *file, struct layout *l,
    size_t n)
{
	const struct layout *now;
	json_object *doc, *types, *o;
	struct layout **v;
	size_t i, bad = 0;
	char esc[4200];
	int fd;

	tri_out_escape(esc, sizeof(esc), ctl->baseline, strlen(ctl->baseline));
	if ((fd = open(ctl->baseline, O_RDONLY | O_CLOEXEC)) < 0)
		errx(TRI_EXIT_FAIL, "%s: %s", esc, strerror(errno));
	doc = parse(fd, esc);
	close(fd);
	types = saved_types(doc, esc);
	/* a name looked up in sorted layouts: glibc has thousands of each */
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < n; i++)
		v[i] = &l[i];
	qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i < json_object_array_length(types); i++) {
		o = json_object_array_get_idx(types, i);
		if ((now = find_layout(v, n, jstr(o, "name"),
		    jstr(o, "kind"))) != NULL)
			bad += compare(ctl, o, now);
	}
	free(v);
	json_object_put(doc);
	(void)file;
	return bad ? TRI_EXIT_FOUND : TRI_EXIT_OK;
}
