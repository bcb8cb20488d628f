/* cmd/memmap/diff.c - --diff: compare a process with a saved --json snapshot. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "memmap.h"

/*
 * The snapshot is read with json-c (Debian's libjson-c); memmap's own
 * streaming writer stays for --json, which json-c's object tree would
 * make slower and larger on 50,000 mappings.
 */

/* A start time within this of the saved one is the same process. */
#define SAME_START_SECONDS	1.0

/* Read a whole file; NULL with errno. */
static char *
slurp(const char *path, size_t *len)
{
	struct tri_proc fake = { .pid = 0 };
	char *buf;

	fake.dirfd = AT_FDCWD;
	buf = tri_proc_read_all(&fake, path, len);
	if (buf == NULL && errno == ESRCH)
		errno = ENOENT;
	return buf;
}

/* json-c's own lookup: NULL for a missing key, a NULL or a non-object */
static json_object *
get(json_object *o, const char *key)
{
	return json_object_object_get(o, key);
}

static json_object *
find_process(json_object *doc, pid_t pid)
{
	json_object *procs = get(doc, "processes"), *pv, *p;
	size_t i, n;

	if (procs == NULL || !json_object_is_type(procs, json_type_array))
		return NULL;
	n = json_object_array_length(procs);
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(procs, i);
		if ((pv = get(p, "pid")) && json_object_is_type(pv,
		    json_type_int) && json_object_get_int64(pv) == pid)
			return p;
	}
	return NULL;
}

/*
 * A string of the snapshot, back to the bytes it was written from: the
 * writer's scheme (man 7 triage) decodes a byte that is not UTF-8 to the
 * text \xHH and a backslash to two.  Decoded in place (json-c's copy).
 */
static const char *
jstr(json_object *o, const char *k, size_t *len)
{
	json_object *v = get(o, k);
	char *s;
	size_t i, n, out;
	unsigned int b;

	if (v == NULL || !json_object_is_type(v, json_type_string)) {
		*len = 0;
		return "";
	}
	s = (char *)json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	for (i = out = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
			s[out++] = '\\';
			i++;
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    sscanf(s + i + 2, "%2x", &b) == 1) {
			s[out++] = (char)b;
			i += 3;
		} else {
			s[out++] = s[i];
		}
	}
	*len = out;
	return s;
}

static unsigned long long
jnum(json_object *o, const char *k)
{
	json_object *v = get(o, k);
	int64_t x;

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return 0;
	x = json_object_get_int64(v);
	return x > 0 ? (unsigned long long)x : 0;
}

static double
jdouble(json_object *o, const char *k)
{
	json_object *v = get(o, k);

	if (v == NULL || !(json_object_is_type(v, json_type_double) ||
	    json_object_is_type(v, json_type_int)))
		return NAN;
	return json_object_get_double(v);
}

static int
mrec_from_json(json_object *o, struct mrec *r)
{
	const char *s;
	size_t len;

	s = jstr(o, "start_address", &len);
	r->start = strtoul(s, NULL, 16);
	s = jstr(o, "end_address", &len);
	r->end = strtoul(s, NULL, 16);
	if (r->end <= r->start)
		return -1;
	r->rss = jnum(o, "rss_kb");
	snprintf(r->perms, sizeof(r->perms), "%s", jstr(o, "perms", &len));
	r->kind = jstr(o, "kind", &len);
	r->note = get(o, "note") ? jstr(o, "note", &len) : NULL;
	r->tid = get(o, "tid") ? (pid_t)jnum(o, "tid") : -1;
	r->path = jstr(o, "path", &r->path_len);
	return 0;
}

static int
cmp_mrec(const void *a, const void *b)
{
	const struct mrec *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int
mset_from_json(json_object *p, struct mset *m)
{
	json_object *maps = get(p, "mappings"), *t;
	size_t len, i;

	if (maps == NULL || !json_object_is_type(maps, json_type_array))
		return -1;
	m->n = json_object_array_length(maps);
	if ((m->r = calloc(m->n ? m->n : 1, sizeof(*m->r))) == NULL)
		return -1;
	for (i = 0; i < m->n; i++)
		if (mrec_from_json(json_object_array_get_idx(maps, i),
		    &m->r[i]) < 0)
			return -1;
	qsort(m->r, m->n, sizeof(*m->r), cmp_mrec);	/* saved with --sort */
	m->have_rss = strcmp(jstr(p, "source", &len), "smaps") == 0;
	m->wall = jdouble(p, "time_unix");
	if (isnan(m->wall))
		m->wall = 0;
	t = get(p, "total");
	m->size = jnum(t, "size_kb");
	m->rss = jnum(t, "rss_kb");
	return 0;
}

static int
load(const char *path, pid_t pid, json_object **doc, struct mset *m,
    double *start)
{
	json_tokener *tok;
	json_object *p;
	size_t len;
	char *text;

	if ((text = slurp(path, &len)) == NULL) {
		warn("%s", path);
		return -1;
	}
	if ((tok = json_tokener_new()) == NULL)
		err(TRI_EXIT_FAIL, "json_tokener_new");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	*doc = json_tokener_parse_ex(tok, text, (int)len);
	if (*doc == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		warnx("%s: not a memmap --json snapshot (bad JSON at byte %zu:"
		    " %s)", path, json_tokener_get_parse_end(tok),
		    json_tokener_error_desc(json_tokener_get_error(tok) ==
		    json_tokener_success ? json_tokener_continue :
		    json_tokener_get_error(tok)));
		json_tokener_free(tok);
		free(text);
		return -1;
	}
	json_tokener_free(tok);
	free(text);
	if ((p = find_process(*doc, pid)) == NULL) {
		warnx("%s: no snapshot of pid %d in it", path, (int)pid);
		return -1;
	}
	if (mset_from_json(p, m) < 0) {
		warnx("%s: pid %d: no list of mappings in it (made with -s?)",
		    path, (int)pid);
		return -1;
	}
	*start = jdouble(p, "start_time_unix");
	return 0;
}

int
diff_run(const struct ctl *ctl, pid_t pid)
{
	struct ctl c = *ctl;
	json_object *doc = NULL;
	struct mset was, now;
	struct snap s;
	double start;
	int status = TRI_EXIT_FAIL;

	memset(&was, 0, sizeof(was));
	memset(&now, 0, sizeof(now));
	if (load(ctl->diff, pid, &doc, &was, &start) < 0)
		goto out;
	c.maps_only = ctl->maps_only || !was.have_rss;
	if (take(&c, pid, &s, &now, false) < 0)
		goto out;
	if (!(fabs(s.start_unix - start) < SAME_START_SECONDS)) {
		warnx("pid %d: not the process in %s (it started at another"
		    " time: restarted, or the pid was reused)", (int)pid,
		    ctl->diff);
	} else {
		if (ctl->header && !ctl->json)
			text_head(false);
		report(ctl, &was, &now, pid, now.wall - was.wall, -1, "");
		status = TRI_EXIT_OK;
	}
	snap_free(&s);
out:
	free(was.r);
	free(now.r);
	json_object_put(doc);
	return status;
}
