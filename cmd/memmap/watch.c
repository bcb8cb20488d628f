/* cmd/memmap/watch.c - what changed: --watch samples and --diff snapshots. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonread.h"
#include "memmap.h"

/* A mapping as the comparison needs it, from a live read or a file. */
struct mrec {
	unsigned long		 start, end;
	unsigned long long	 rss;
	char			 perms[5];
	const char		*kind;
	const char		*note;		/* NULL: none */
	pid_t			 tid;		/* -1: none */
	const char		*path;		/* raw bytes, not escaped */
	size_t			 path_len;
	bool			 matched;
};

struct mset {
	struct mrec		*r;
	size_t			 n;
	bool			 have_rss;
	double			 wall;		/* when it was read */
	unsigned long long	 size, rss;	/* totals, kB */
};

static int
mset_from_snap(const struct snap *s, struct mset *m)
{
	size_t i;

	if ((m->r = calloc(s->maps.n ? s->maps.n : 1, sizeof(*m->r))) == NULL)
		return -1;
	m->n = s->maps.n;
	m->have_rss = s->smaps;
	m->wall = s->wall;
	m->size = s->total.size;
	m->rss = s->total.rss;
	for (i = 0; i < s->maps.n; i++) {
		const struct tri_vma *v = &s->maps.v[i];
		struct mrec *r = &m->r[i];

		r->start = v->start;
		r->end = v->end;
		r->rss = v->f[TRI_SM_RSS];
		memcpy(r->perms, v->perms, sizeof(r->perms));
		r->kind = kind_name(s->info[i].kind);
		r->note = s->info[i].note == N_ARENA_RESERVE ? "arena reserve" :
		    s->info[i].note == N_GO_RESERVE ? "go arena reserve" :
		    s->info[i].note == N_TID_UNKNOWN ? (s->info[i].kind ==
		    K_GUARD ? "guard tid ?" : "stack tid ?") : NULL;
		r->tid = s->info[i].tid;
		r->path = tri_maps_path(&s->maps, v);
		r->path_len = v->path_len;
	}
	return 0;
}

static void
label(const struct mrec *r, char *buf, size_t size)
{
	if (r->tid >= 0 && strcmp(r->kind, "thread-stack") == 0)
		snprintf(buf, size, "[stack tid %d]", (int)r->tid);
	else if (r->tid >= 0 && strcmp(r->kind, "guard") == 0)
		snprintf(buf, size, "[guard tid %d]", (int)r->tid);
	else if (r->note)
		snprintf(buf, size, "[%s]", r->note);
	else if (strcmp(r->kind, "arena") == 0)
		snprintf(buf, size, "[arena]");
	else if (strcmp(r->kind, "go-arena") == 0)
		snprintf(buf, size, "[go arena]");
	else if (r->path_len)
		tri_out_escape(buf, size, r->path, r->path_len);
	else if (strcmp(r->kind, "bss") == 0 || strcmp(r->kind, "lib-bss") == 0)
		snprintf(buf, size, "[bss]");
	else if (strcmp(r->kind, "guard") == 0)
		snprintf(buf, size, "[guard]");
	else
		snprintf(buf, size, "[anon]");
}

/* One change: "new", "removed", "grown", "shrunk" or "changed". */
struct change {
	const char		*what;
	const struct mrec	*now;		/* NULL when removed */
	const struct mrec	*was;		/* NULL when new */
};

static const char *
verdict(const struct mrec *was, const struct mrec *now, bool rss)
{
	long long ds = (long long)(now->end - now->start) -
	    (long long)(was->end - was->start);
	long long dr = rss ? (long long)now->rss - (long long)was->rss : 0;

	if (ds == 0 && dr == 0 && strcmp(was->perms, now->perms) == 0)
		return NULL;
	if (ds >= 0 && dr >= 0 && (ds > 0 || dr > 0))
		return "grown";
	if (ds <= 0 && dr <= 0 && (ds < 0 || dr < 0))
		return "shrunk";
	return "changed";
}

/* Pair the mappings of two reads: by start, then by end (a mapping
 * that grew downwards keeps its end). */
static void
pair(struct mset *was, struct mset *now)
{
	size_t i = 0, k = 0;

	for (i = 0; i < was->n; i++)
		was->r[i].matched = false;
	for (k = 0; k < now->n; k++)
		now->r[k].matched = false;
	i = k = 0;
	while (i < was->n && k < now->n) {
		if (was->r[i].start < now->r[k].start) {
			i++;
		} else if (was->r[i].start > now->r[k].start) {
			k++;
		} else {
			was->r[i].matched = now->r[k].matched = true;
			i++;
			k++;
		}
	}
}

static struct mrec *
same_end(struct mset *m, const struct mrec *r)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!m->r[i].matched && m->r[i].end == r->end &&
		    strcmp(m->r[i].perms, r->perms) == 0)
			return &m->r[i];
	return NULL;
}

static struct mrec *
find_start(const struct mset *m, unsigned long start)
{
	size_t lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->r[mid].start == start)
			return &m->r[mid];
		if (m->r[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static size_t
changes(struct mset *was, struct mset *now, struct change **out)
{
	struct change *c;
	struct mrec *w;
	size_t i, n = 0;
	bool rss = was->have_rss && now->have_rss;

	pair(was, now);
	if ((c = calloc(was->n + now->n + 1, sizeof(*c))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < now->n; i++) {
		struct mrec *r = &now->r[i];

		w = r->matched ? find_start(was, r->start) : same_end(was, r);
		if (w && !r->matched)
			w->matched = r->matched = true;
		c[n].now = r;
		c[n].was = w;
		c[n].what = w ? verdict(w, r, rss) : "new";
		if (c[n].what)
			n++;
	}
	for (i = 0; i < was->n; i++)
		if (!was->r[i].matched) {
			c[n].was = &was->r[i];
			c[n++].what = "removed";
		}
	*out = c;
	return n;
}

static void
print_delta(char *buf, size_t size, long long d)
{
	snprintf(buf, size, d > 0 ? "+%lld" : "%lld", d);
}

static void
text_change(const struct change *c, bool rss, const char *when)
{
	const struct mrec *r = c->now ? c->now : c->was;
	unsigned long long size = (r->end - r->start) / 1024;
	long long ds, dr;
	char lb[8192], a[32], b[32], sz[32], rs[32];

	ds = c->was ? (long long)size - (long long)((c->was->end -
	    c->was->start) / 1024) : (long long)size;
	dr = c->was ? (long long)r->rss - (long long)c->was->rss :
	    (long long)r->rss;
	if (!c->now) {
		ds = -(long long)size;
		dr = -(long long)r->rss;
	}
	print_delta(a, sizeof(a), ds);
	print_delta(b, sizeof(b), dr);
	snprintf(sz, sizeof(sz), "%llu", c->now ? size : 0);
	snprintf(rs, sizeof(rs), "%llu", c->now ? r->rss : 0);
	label(r, lb, sizeof(lb));
	/* growth is what the reader hunts for: red when colour is on */
	printf("%s%s%-8s%s %016lx %10s %9s %10s %9s %s %-12s %s\n", when,
	    strcmp(c->what, "grown") == 0 || strcmp(c->what, "new") == 0 ?
	    tri_out_sgr("31") : "", c->what, tri_out_reset(), r->start, sz, a,
	    rss ? rs : "-", rss ? b : "-", r->perms, r->kind, lb);
}

static void
text_head(bool watch)
{
	printf("%s%-8s %-16s %10s %9s %10s %9s %s %-12s %s\n",
	    watch ? "    TIME " : "", "CHANGE", "ADDRESS", "KBYTES", "+KBYTES",
	    "RSS", "+RSS", "MODE", "KIND", "MAPPING");
}

static void
text_total(const struct mset *was, const struct mset *now, bool rss,
    const char *when, double secs)
{
	long long ds = (long long)now->size - (long long)was->size;
	long long dr = (long long)now->rss - (long long)was->rss;

	if (secs <= 0)
		secs = 1e-9;
	printf("%stotal    size %llu kB (%+lld)", when, now->size, ds);
	if (rss)
		printf(", rss %llu kB (%+lld)", now->rss, dr);
	printf(" in %.1f s: size %+.1f kB/s", secs, (double)ds / secs);
	if (rss)
		printf(", rss %+.1f kB/s", (double)dr / secs);
	printf("\n");
}

static void
json_change(struct tri_json *j, const struct change *c, bool rss)
{
	const struct mrec *r = c->now ? c->now : c->was;
	long long size = (long long)(r->end - r->start) / 1024;
	long long was_size = c->was ? (long long)(c->was->end -
	    c->was->start) / 1024 : 0;
	char buf[40];

	tri_json_obj_begin(j);
	tri_json_kstr(j, "change", c->what);
	snprintf(buf, sizeof(buf), "0x%lx", r->start);
	tri_json_kstr(j, "start", buf);
	snprintf(buf, sizeof(buf), "0x%lx", r->end);
	tri_json_kstr(j, "end", buf);
	tri_json_kint(j, "size_kb", c->now ? size : 0);
	tri_json_kint(j, "size_delta_kb", (c->now ? size : 0) - was_size);
	if (rss) {
		tri_json_kuint(j, "rss_kb", c->now ? r->rss : 0);
		tri_json_kint(j, "rss_delta_kb", (long long)(c->now ? r->rss :
		    0) - (long long)(c->was ? c->was->rss : 0));
	}
	tri_json_kstr(j, "perms", r->perms);
	tri_json_kstr(j, "kind", r->kind);
	if (r->tid >= 0)
		tri_json_kint(j, "tid", r->tid);
	tri_json_key(j, "path");
	tri_json_strn(j, r->path, r->path_len);
	tri_json_obj_end(j);
}

static void
json_report(const struct mset *was, const struct mset *now,
    const struct change *c, size_t n, pid_t pid, double secs)
{
	bool rss = was->have_rss && now->have_rss;
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kint(&j, "pid", pid);
	tri_json_kuint(&j, "time_ms", (unsigned long long)(now->wall * 1000));
	tri_json_kdouble(&j, "seconds", secs);
	tri_json_key(&j, "changes");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_change(&j, &c[i], rss);
	tri_json_arr_end(&j);
	tri_json_key(&j, "total");
	tri_json_obj_begin(&j);
	tri_json_kuint(&j, "size_kb", now->size);
	tri_json_kint(&j, "size_delta_kb", (long long)now->size -
	    (long long)was->size);
	if (rss) {
		tri_json_kuint(&j, "rss_kb", now->rss);
		tri_json_kint(&j, "rss_delta_kb", (long long)now->rss -
		    (long long)was->rss);
		tri_json_kdouble(&j, "rss_rate_kb_s", secs > 0 ?
		    ((double)now->rss - (double)was->rss) / secs : 0);
	}
	tri_json_kdouble(&j, "size_rate_kb_s", secs > 0 ?
	    ((double)now->size - (double)was->size) / secs : 0);
	tri_json_obj_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

/* Compare two reads and print the changes; when is the --watch prefix. */
static void
report(const struct ctl *ctl, struct mset *was, struct mset *now, pid_t pid,
    double secs, const char *when)
{
	bool rss = was->have_rss && now->have_rss;
	struct change *c;
	size_t n, i;

	n = changes(was, now, &c);
	if (ctl->json) {
		json_report(was, now, c, n, pid, secs);
	} else {
		for (i = 0; i < n; i++)
			text_change(&c[i], rss, when);
		if (ctl->header)
			text_total(was, now, rss, when, secs);
	}
	fflush(stdout);
	free(c);
}

static int
take(const struct ctl *ctl, pid_t pid, struct snap *s, struct mset *m)
{
	int r;

	if ((r = snap_take(ctl, pid, s)) < 0) {
		report_failure(s, r, errno);
		snap_free(s);
		return -1;
	}
	report_unsettled(s);
	if (mset_from_snap(s, m) < 0)
		err(TRI_EXIT_FAIL, "calloc");
	return 0;
}

int
watch_run(const struct ctl *ctl, pid_t pid)
{
	struct snap s[2];
	struct mset m[2];
	double next = 0, t0;
	char when[32];
	unsigned long done;
	int cur = 0;

	memset(m, 0, sizeof(m));
	if (take(ctl, pid, &s[0], &m[0]) < 0)
		return TRI_EXIT_FAIL;
	t0 = s[0].when;
	if (ctl->header && !ctl->json) {
		printf("watching pid %d: %zu mappings, size %llu kB", (int)pid,
		    s[0].maps.n, s[0].total.size);
		if (s[0].smaps)
			printf(", rss %llu kB", s[0].total.rss);
		printf(", every %g s\n", ctl->sample.interval);
		text_head(true);
		fflush(stdout);
	}
	for (done = 0; ctl->sample.count == 0 || done < ctl->sample.count;
	    done++) {
		if (!tri_cli_wait_tick(&ctl->sample, &next))
			break;
		if (take(ctl, pid, &s[!cur], &m[!cur]) < 0) {
			snap_free(&s[cur]);
			free(m[cur].r);
			return TRI_EXIT_FAIL;
		}
		snprintf(when, sizeof(when), "%8.1f ", s[!cur].when - t0);
		report(ctl, &m[cur], &m[!cur], pid, s[!cur].when - s[cur].when,
		    when);
		snap_free(&s[cur]);
		free(m[cur].r);
		cur = !cur;
	}
	snap_free(&s[cur]);
	free(m[cur].r);
	return TRI_EXIT_OK;
}

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

static const struct tri_jval *
find_process(const struct tri_jval *doc, pid_t pid)
{
	const struct tri_jval *procs = tri_jsonread_get(doc, "processes"), *pv;
	size_t i;

	if (procs == NULL || procs->type != TRI_J_ARR)
		return NULL;
	for (i = 0; i < procs->n; i++)
		if ((pv = tri_jsonread_get(&procs->items[i], "pid")) &&
		    pv->type == TRI_J_NUM && (pid_t)pv->num == pid)
			return &procs->items[i];
	return NULL;
}

static const char *
jstr(const struct tri_jval *o, const char *k, size_t *len)
{
	const struct tri_jval *v = tri_jsonread_get(o, k);

	if (v == NULL || v->type != TRI_J_STR) {
		*len = 0;
		return "";
	}
	*len = v->len;
	return v->str;
}

static unsigned long long
jnum(const struct tri_jval *o, const char *k)
{
	const struct tri_jval *v = tri_jsonread_get(o, k);

	return v && v->type == TRI_J_NUM && v->num > 0 ?
	    (unsigned long long)v->num : 0;
}

static int
mrec_from_json(const struct tri_jval *o, struct mrec *r)
{
	const char *s;
	size_t len;

	s = jstr(o, "start", &len);
	r->start = strtoul(s, NULL, 16);
	s = jstr(o, "end", &len);
	r->end = strtoul(s, NULL, 16);
	if (r->end <= r->start)
		return -1;
	r->rss = jnum(o, "rss_kb");
	snprintf(r->perms, sizeof(r->perms), "%s", jstr(o, "perms", &len));
	r->kind = jstr(o, "kind", &len);
	r->note = tri_jsonread_get(o, "note") ? jstr(o, "note", &len) : NULL;
	r->tid = tri_jsonread_get(o, "tid") ? (pid_t)jnum(o, "tid") : -1;
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
mset_from_json(const struct tri_jval *p, struct mset *m)
{
	const struct tri_jval *maps = tri_jsonread_get(p, "mappings"), *t, *v;
	size_t len, i;

	if (maps == NULL || maps->type != TRI_J_ARR)
		return -1;
	if ((m->r = calloc(maps->n ? maps->n : 1, sizeof(*m->r))) == NULL)
		return -1;
	m->n = maps->n;
	for (i = 0; i < maps->n; i++)
		if (mrec_from_json(&maps->items[i], &m->r[i]) < 0)
			return -1;
	qsort(m->r, m->n, sizeof(*m->r), cmp_mrec);	/* saved with --sort */
	m->have_rss = strcmp(jstr(p, "source", &len), "smaps") == 0;
	m->wall = (v = tri_jsonread_get(p, "time_ms")) && v->type == TRI_J_NUM ?
	    v->num / 1000 : 0;
	t = tri_jsonread_get(p, "total");
	m->size = jnum(t, "size_kb");
	m->rss = jnum(t, "rss_kb");
	return 0;
}

static int
load(const char *path, pid_t pid, struct tri_jval *doc, struct mset *m,
    unsigned long long *start)
{
	const struct tri_jval *p;
	size_t len, where;
	char *text;

	if ((text = slurp(path, &len)) == NULL) {
		warn("%s", path);
		return -1;
	}
	if (tri_jsonread_parse(text, len, doc, &where) < 0) {
		free(text);
		warnx("%s: not a memmap --json snapshot (bad JSON at byte %zu)",
		    path, where);
		return -1;
	}
	free(text);
	if ((p = find_process(doc, pid)) == NULL) {
		warnx("%s: no snapshot of pid %d in it", path, (int)pid);
		return -1;
	}
	if (mset_from_json(p, m) < 0) {
		warnx("%s: pid %d: no list of mappings in it (made with -s?)",
		    path, (int)pid);
		return -1;
	}
	*start = jnum(p, "starttime");
	return 0;
}

int
diff_run(const struct ctl *ctl, pid_t pid)
{
	struct ctl c = *ctl;
	struct tri_jval doc;
	struct mset was, now;
	struct snap s;
	unsigned long long start;
	int status = TRI_EXIT_FAIL;

	memset(&was, 0, sizeof(was));
	memset(&now, 0, sizeof(now));
	memset(&doc, 0, sizeof(doc));
	if (load(ctl->diff, pid, &doc, &was, &start) < 0)
		goto out;
	c.maps_only = ctl->maps_only || !was.have_rss;
	if (take(&c, pid, &s, &now) < 0)
		goto out;
	if (s.starttime != start) {
		warnx("pid %d: not the process in %s (it started at another"
		    " time: restarted, or the pid was reused)", (int)pid,
		    ctl->diff);
	} else {
		if (ctl->header && !ctl->json)
			text_head(false);
		report(ctl, &was, &now, pid, now.wall - was.wall, "");
		status = TRI_EXIT_OK;
	}
	snap_free(&s);
out:
	free(was.r);
	free(now.r);
	tri_jsonread_free(&doc);
	return status;
}
