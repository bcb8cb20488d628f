/* cmd/memmap/watch.c - what changed: --watch samples and --diff snapshots. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memmap.h"

static int
mset_from_snap(const struct snap *s, struct mset *m)
{
	size_t i;

	if ((m->r = calloc(s->maps.n ? s->maps.n : 1, sizeof(*m->r))) == NULL)
		return -1;
	m->n = s->maps.n;
	m->have_rss = s->smaps;
	m->wall = s->wall;
	m->when = s->when;
	m->size = s->total.size;
	m->rss = s->total.rss;
	for (i = 0; i < s->maps.n; i++) {
		const struct tri_vma *v = tri_maps_at(&s->maps, i);
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

void
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
	tri_json_kstr(j, "start_address", buf);
	snprintf(buf, sizeof(buf), "0x%lx", r->end);
	tri_json_kstr(j, "end_address", buf);
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
    const struct change *c, size_t n, pid_t pid, double secs,
    double elapsed)
{
	bool rss = was->have_rss && now->have_rss;
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "memmap");
	tri_json_kstr(&j, "type", elapsed >= 0 ? "sample" : "diff");
	tri_json_kint(&j, "pid", pid);
	tri_json_ktime_unix(&j, now->wall);
	if (elapsed >= 0)
		tri_json_kdouble(&j, "elapsed_seconds", elapsed);
	tri_json_kdouble(&j, "interval_seconds", secs);
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
		tri_json_kdouble(&j, "rss_kb_per_second", secs > 0 ?
		    ((double)now->rss - (double)was->rss) / secs : 0);
	}
	tri_json_kdouble(&j, "size_kb_per_second", secs > 0 ?
	    ((double)now->size - (double)was->size) / secs : 0);
	tri_json_obj_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

/* Compare two reads and print the changes; when is the --watch prefix. */
void
report(const struct ctl *ctl, struct mset *was, struct mset *now, pid_t pid,
    double secs, double elapsed, const char *when)
{
	bool rss = was->have_rss && now->have_rss;
	struct change *c;
	size_t n, i;

	n = changes(was, now, &c);
	if (ctl->json) {
		json_report(was, now, c, n, pid, secs, elapsed);
	} else {
		for (i = 0; i < n; i++)
			text_change(&c[i], rss, when);
		if (ctl->header)
			text_total(was, now, rss, when, secs);
	}
	fflush(stdout);
	free(c);
}

int
take(const struct ctl *ctl, pid_t pid, struct snap *s, struct mset *m,
    bool gone_ok)
{
	int r;

	if ((r = snap_take(ctl, pid, s)) < 0) {
		if (gone_ok && r == -1 && errno == ESRCH) {
			snap_free(s);
			return -2;
		}
		report_failure(s, r, errno);
		snap_free(s);
		return -1;
	}
	report_unsettled(s);
	if (mset_from_snap(s, m) < 0)
		err(TRI_EXIT_FAIL, "calloc");
	return 0;
}

/*
 * The target exited (or its pid now names another process): say so, with
 * what was seen from the first sample to the last.  Exit status 0: the
 * watch did what it was asked (man page, EXIT STATUS).
 */
static void
exited(const struct ctl *ctl, pid_t pid, const struct mset *first,
    const struct mset *last, unsigned long samples, double elapsed)
{
	struct tri_json j;
	bool rss = first->have_rss && last->have_rss;

	if (!ctl->json) {
		printf("pid %d exited after %.1f s (%lu samples); seen: size %llu"
		    " -> %llu kB", (int)pid, elapsed, samples, first->size,
		    last->size);
		if (rss)
			printf(", rss %llu -> %llu kB", first->rss, last->rss);
		printf("\n");
		fflush(stdout);
		return;
	}
	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "memmap");
	tri_json_kstr(&j, "type", "exit");
	tri_json_kint(&j, "pid", pid);
	tri_json_ktime_unix(&j, tri_cli_now() - last->when + last->wall);
	tri_json_kdouble(&j, "elapsed_seconds", elapsed);
	tri_json_kuint(&j, "samples", samples);
	tri_json_key(&j, "first");
	tri_json_obj_begin(&j);
	tri_json_kuint(&j, "size_kb", first->size);
	if (rss)
		tri_json_kuint(&j, "rss_kb", first->rss);
	tri_json_obj_end(&j);
	tri_json_key(&j, "last");
	tri_json_obj_begin(&j);
	tri_json_kuint(&j, "size_kb", last->size);
	if (rss)
		tri_json_kuint(&j, "rss_kb", last->rss);
	tri_json_obj_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
	fflush(stdout);
}

int
watch_run(const struct ctl *ctl, pid_t pid)
{
	struct snap s[2];
	struct mset m[2], first;
	double next = 0, t0;
	char when[32];
	unsigned long done;
	unsigned long long start;
	int cur = 0, r;

	memset(m, 0, sizeof(m));
	if (take(ctl, pid, &s[0], &m[0], false) < 0)
		return TRI_EXIT_FAIL;
	t0 = s[0].when;
	start = s[0].starttime;
	first = m[0];
	first.r = NULL;
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
		r = take(ctl, pid, &s[!cur], &m[!cur], true);
		if (r == 0 && s[!cur].starttime != start) {
			snap_free(&s[!cur]);	/* the pid was reused */
			free(m[!cur].r);
			r = -2;
		}
		if (r < 0) {
			if (r == -2)
				exited(ctl, pid, &first, &m[cur], done + 1,
				    tri_cli_now() - t0);
			snap_free(&s[cur]);
			free(m[cur].r);
			return r == -2 ? TRI_EXIT_OK : TRI_EXIT_FAIL;
		}
		snprintf(when, sizeof(when), "%8.1f ", s[!cur].when - t0);
		report(ctl, &m[cur], &m[!cur], pid, s[!cur].when - s[cur].when,
		    s[!cur].when - t0, when);
		snap_free(&s[cur]);
		free(m[cur].r);
		cur = !cur;
	}
	snap_free(&s[cur]);
	free(m[cur].r);
	return TRI_EXIT_OK;
}
