/* cmd/fdleak/watch.c - --watch: sample the fd table and find what grows. */
#include <err.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "fdleak.h"
#include "fdverdict.h"

/* A group of fds that point to the same kind of thing. */
struct group {
	char		*key;		/* raw bytes: paths are untrusted */
	unsigned long	 never_closed;
	bool		 close_wait;
};

/* What we know of one fd number across samples. */
struct slot {
	unsigned long long	 id;	/* identity of what it points to; 0 closed */
	unsigned long		 since;	/* sample it got this identity */
	size_t			 group;
};

struct watch {
	struct group	*g;
	struct tri_fdverdict_series *gs;	/* one per group */
	size_t		 ng;
	struct slot	*s;
	size_t		 ns;
	unsigned long	 samples;
	double		 t0;
	struct tri_fdverdict_window win;	/* lib/fdverdict.c */
	struct tri_fdverdict_series total;
	struct fdtab	 last;		/* the latest table, for the report */
	bool		 have_last;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long long
identity(const struct fdent *e)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < e->linklen; i++)
		h = (h ^ (unsigned char)e->link[i]) * 1099511628211ULL;
	h ^= e->ino * 0x9e3779b97f4a7c15ULL;
	return h ? h : 1;
}

/* Port of "1.2.3.4:80" or "[::1]:80". */
static const char *
port_of(const char *addr)
{
	const char *c = strrchr(addr, ':');

	return c ? c + 1 : "";
}

/* Whether the table has a listener on the local port of s: a server side. */
static bool
server_side(const struct fdtab *t, const struct tri_sock *s)
{
	const char *port = port_of(s->local);
	size_t i;

	if (t->socks == NULL)
		return false;
	for (i = 0; i < t->socks->n; i++)
		if (t->socks->v[i].state == 10 /* LISTEN */ &&
		    t->socks->v[i].family == s->family &&
		    strcmp(port_of(t->socks->v[i].local), port) == 0)
			return true;
	return false;
}

/* The remote address without its port: "10.0.0.5" of "10.0.0.5:41234". */
static void
host_of(const char *addr, char *buf, size_t size)
{
	const char *c = strrchr(addr, ':');
	size_t n = c ? (size_t)(c - addr) : strlen(addr);

	snprintf(buf, size, "%.*s", (int)n, addr);
}

static void
sock_key(const struct fdtab *t, const struct fdent *e, char *buf, size_t size)
{
	const struct tri_sock *s = e->sock;
	const char *st;
	char host[64];

	if (s == NULL) {
		snprintf(buf, size, "SOCK");
		return;
	}
	st = tri_sock_state_name(s->state);
	if (s->family == AF_UNIX)
		snprintf(buf, size, "%s %s", s->proto, s->path ? s->path :
		    "(unnamed)");
	else if (s->remote[0] == '\0')
		snprintf(buf, size, "%s %s%s%s", s->proto, s->local,
		    *st ? " " : "", st);
	else if (server_side(t, s)) {
		host_of(s->remote, host, sizeof(host));
		snprintf(buf, size, "%s %s <- %s:* %s", s->proto, s->local,
		    host, st);
	} else
		snprintf(buf, size, "%s -> %s %s", s->proto, s->remote, st);
}

/* The group pattern of an fd: type plus what it points to. */
static void
group_key(const struct fdtab *t, const struct fdent *e, char *buf,
    size_t size)
{
	char path[PATH_MAX];

	if (strcmp(e->type, "SOCK") == 0 && strncmp(e->link, "socket:", 7) == 0)
		sock_key(t, e, buf, size);
	else if (e->pipe)
		snprintf(buf, size, "FIFO pipe");
	else if (strcmp(e->type, "REG") == 0 || strcmp(e->type, "memfd") == 0) {
		snprintf(path, sizeof(path), "%s", e->link);
		snprintf(buf, size, "%s %s/*%s", e->type, dirname(path),
		    e->deleted ? " (deleted)" : "");
	} else if (e->link[0] == '/')
		snprintf(buf, size, "%s %s", e->type, e->link);
	else
		snprintf(buf, size, "%s", e->type);
}

static size_t
group_find(struct watch *w, const char *key, const struct fdent *e)
{
	struct tri_fdverdict_series *ns;
	struct group *ng;
	size_t i;

	for (i = 0; i < w->ng; i++)
		if (strcmp(w->g[i].key, key) == 0)
			return i;
	if ((ng = realloc(w->g, (w->ng + 1) * sizeof(*ng))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	w->g = ng;
	if ((ns = realloc(w->gs, (w->ng + 1) * sizeof(*ns))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	w->gs = ns;
	memset(&w->gs[w->ng], 0, sizeof(w->gs[0]));
	memset(&w->g[w->ng], 0, sizeof(w->g[0]));
	if ((w->g[w->ng].key = strdup(key)) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	w->g[w->ng].close_wait = e->sock && e->sock->state == 8;
	return w->ng++;
}

static void
slots_grow(struct watch *w, int maxfd)
{
	struct slot *ns;

	if (maxfd < 0 || (size_t)maxfd < w->ns)
		return;
	if ((ns = realloc(w->s, ((size_t)maxfd + 1) * sizeof(*ns))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	memset(ns + w->ns, 0, ((size_t)maxfd + 1 - w->ns) * sizeof(*ns));
	w->s = ns;
	w->ns = (size_t)maxfd + 1;
}

/* Account one sample at time t (seconds since the first). */
static void
account(struct watch *w, const struct fdtab *t, double tm)
{
	unsigned long *cnt;
	char key[PATH_MAX + 128];
	size_t i, g, k;
	unsigned long long id;

	slots_grow(w, t->maxfd);
	tri_fdverdict_sample(&w->win, tm);
	for (i = 0; i < w->ns; i++)
		w->s[i].id |= 1ULL << 63;	/* mark: not seen yet */
	if ((cnt = calloc(w->ng + t->n + 1, sizeof(*cnt))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	for (i = 0; i < t->n; i++) {
		const struct fdent *e = &t->v[i];
		struct slot *s = &w->s[e->fd];

		group_key(t, e, key, sizeof(key));
		g = group_find(w, key, e);
		cnt[g]++;
		id = identity(e) & ~(1ULL << 63);
		if ((s->id & ~(1ULL << 63)) != id || s->group != g) {
			s->since = w->samples;
			s->group = g;
		}
		s->id = id;
	}
	for (i = 0; i < w->ns; i++)
		if (w->s[i].id & (1ULL << 63))
			w->s[i].id = 0;		/* closed */
	for (k = 0; k < w->ng; k++)
		tri_fdverdict_count(&w->win, &w->gs[k], cnt[k]);
	free(cnt);
	tri_fdverdict_count(&w->win, &w->total, t->count);
	w->samples++;
}

static bool
growing(const struct watch *w, size_t k)
{
	return tri_fdverdict_growing(&w->win, &w->gs[k], w->g[k].never_closed);
}

static void
count_never_closed(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->ng; i++)
		w->g[i].never_closed = 0;
	for (i = 0; i < w->ns; i++)
		if (w->s[i].id != 0 && w->s[i].since > 0)
			w->g[w->s[i].group].never_closed++;
}

/* "5-9,12" of the fds that appeared in the window and are still open. */
static void
print_never_closed(FILE *f, const struct watch *w, unsigned long total)
{
	size_t i, start = 0, ranges = 0;
	bool in = false;

	fprintf(f, "never closed: %lu fd%s opened during the window still "
	    "open", total, total == 1 ? "" : "s");
	for (i = 0; i <= w->ns; i++) {
		bool nc = i < w->ns && w->s[i].id != 0 && w->s[i].since > 0;

		if (nc && !in) {
			start = i;
			in = true;
		} else if (!nc && in) {
			in = false;
			if (ranges++ == 16) {
				fputs(",...", f);
				break;
			}
			fprintf(f, "%s%zu", ranges == 1 ? ": " : ",", start);
			if (i - 1 > start)
				fprintf(f, "-%zu", i - 1);
		}
	}
	putc('\n', f);
}

/* The verdict of lib/fdverdict.c over the window and the last table. */
static void
verdict(const struct watch *w, struct tri_fdverdict *v)
{
	unsigned long *nc;
	size_t i;

	tri_fdverdict_headroom(v, w->total.last, w->last.soft, w->last.hard,
	    w->last.maxfd);
	if ((nc = calloc(w->ng + 1, sizeof(*nc))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	for (i = 0; i < w->ng; i++)
		nc[i] = w->g[i].never_closed;
	tri_fdverdict_growth(v, &w->win, &w->total, w->gs, nc, w->ng);
	free(nc);
}

static void
report_text(struct watch *w, const struct tri_fdverdict *v,
    unsigned long total_nc, bool gone)
{
	const struct fdtab *t = &w->last;
	bool any = false;
	size_t i;

	printf("\npid %d (", (int)t->pid);
	tri_out_fescape(stdout, t->comm, strlen(t->comm));
	printf("): %lu sample%s over %.1f s: %lu -> %lu fds, %+.1f/s",
	    w->samples, w->samples == 1 ? "" : "s", w->win.last_t,
	    w->total.first, w->total.last, v->rate_per_second);
	if (v->seconds_to_limit == 0)
		printf("; the soft limit %llu is reached", t->soft);
	else if (v->seconds_to_limit > 0)
		printf("; soft limit %llu in %.0f s", t->soft,
		    v->seconds_to_limit);
	putchar('\n');
	if (gone)
		printf("the process exited during the watch: this is what was "
		    "seen until then\n");
	for (i = 0; i < w->ng; i++) {
		if (!growing(w, i))
			continue;
		if (!any)
			printf("growing groups:\n");
		any = true;
		printf("  %+8.1f/s %+6ld fds  now %6lu  ",
		    tri_fdverdict_rate(&w->win, &w->gs[i]),
		    (long)w->gs[i].last - (long)w->gs[i].first, w->gs[i].last);
		tri_out_fescape(stdout, w->g[i].key, strlen(w->g[i].key));
		putchar('\n');
	}
	if (total_nc)
		print_never_closed(stdout, w, total_nc);
	for (i = 0; i < w->ng; i++)
		if (growing(w, i) && w->g[i].close_wait) {
			printf("diagnosis: ");
			tri_out_fescape(stdout, w->g[i].key,
			    strlen(w->g[i].key));
			printf(": the peer closed these connections and the "
			    "program never closed its end (a missing close() "
			    "after read() returned 0)\n");
		}
	printf("verdict: %s\n", v->leaking ? "leaking" : "no leak seen");
}

static void
report_json(struct watch *w, const struct tri_fdverdict *v,
    unsigned long total_nc, bool gone)
{
	const struct fdtab *t = &w->last;
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "fdleak");
	tri_json_kstr(&j, "type", "report");
	tri_json_ktime_unix(&j, now_unix());
	tri_json_kint(&j, "pid", t->pid);
	tri_json_kstr(&j, "comm", t->comm);
	tri_json_kuint(&j, "samples", w->samples);
	tri_json_kdouble(&j, "elapsed_seconds", w->win.last_t);
	tri_json_kuint(&j, "first_count", w->total.first);
	tri_json_kuint(&j, "count", w->total.last);
	json_limit(&j, "soft_limit", t->soft);
	tri_json_kdouble(&j, "rate_per_second", v->rate_per_second);
	tri_json_kdouble_or_null(&j, "seconds_to_limit",
	    v->seconds_to_limit >= 0, v->seconds_to_limit);
	tri_json_kuint(&j, "never_closed", total_nc);
	tri_json_key(&j, "groups");
	tri_json_arr_begin(&j);
	for (i = 0; i < w->ng; i++) {
		tri_json_obj_begin(&j);
		tri_json_kstr(&j, "group", w->g[i].key);
		tri_json_kuint(&j, "first_count", w->gs[i].first);
		tri_json_kuint(&j, "count", w->gs[i].last);
		tri_json_kdouble(&j, "rate_per_second",
		    tri_fdverdict_rate(&w->win, &w->gs[i]));
		tri_json_kuint(&j, "never_closed", w->g[i].never_closed);
		tri_json_kbool(&j, "growing", growing(w, i));
		tri_json_kbool(&j, "close_wait", w->g[i].close_wait);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_kbool(&j, "leaking", v->leaking);
	tri_json_kbool(&j, "exited", gone);
	tri_json_kstr(&j, "verdict", v->verdict);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
sample_line(const struct ctl *c, const struct watch *w, const struct fdtab *t,
    double tm)
{
	struct tri_json j;
	long d = (long)t->count - (long)w->total.first;

	if (c->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_schema(&j, "fdleak");
		tri_json_kstr(&j, "type", "sample");
		tri_json_ktime_unix(&j, now_unix());
		tri_json_kdouble(&j, "elapsed_seconds", tm);
		tri_json_kint(&j, "pid", t->pid);
		tri_json_kuint(&j, "count", t->count);
		tri_json_kint(&j, "delta", d);
		tri_json_kdouble(&j, "used_percent",
		    pct_of(t->count, t->soft));
		tri_json_obj_end(&j);
		tri_json_end(&j);
	} else {
		if (w->samples == 1 && c->header)
			printf("%8s %7s %7s %6s\n", "TIME", "FDS", "DELTA",
			    "PCT");
		printf("%8.2f %7lu %+7ld %5.1f%%\n", tm, t->count, d,
		    pct_of(t->count, t->soft));
	}
	fflush(stdout);
}

/* Take one sample; false when the process is gone. */
static bool
take(const struct ctl *c, struct watch *w, const struct tri_proc *p)
{
	struct sockcache sc = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct fdtab t;
	double tm;

	tm = w->samples == 0 ? (w->t0 = tri_cli_now(), 0) :
	    tri_cli_now() - w->t0;
	if (fdtab_read(&t, p, &sc) < 0) {
		sockcache_free(&sc);
		return false;
	}
	account(w, &t, tm);
	sample_line(c, w, &t, tm);
	t.socks = NULL;
	sockcache_free(&sc);
	if (w->have_last)
		fdtab_free(&w->last);
	w->last = t;
	w->have_last = true;
	return true;
}

static void
watch_free(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->ng; i++)
		free(w->g[i].key);
	free(w->g);
	free(w->gs);
	free(w->s);
	if (w->have_last)
		fdtab_free(&w->last);
}

/*
 * A target that exits during the watch ends it: the report covers what
 * was seen, says the process exited, and the exit status is what it
 * would have been (0, or 1 under --check for a leak seen): the same in
 * memmap and ctxswitch.
 */
int
watch_run(const struct ctl *c)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct watch w = { 0 };
	struct tri_fdverdict v;
	struct tri_proc p;
	unsigned long total = 0;
	double next = 0;
	bool gone = false;
	size_t i;
	int rc;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (tri_proc_open(&p, c->targets.pids[0]) < 0 || !take(c, &w, &p)) {
		warn_target(c->targets.pids[0], errno);
		return TRI_EXIT_FAIL;
	}
	while (!stop && (c->sample.count == 0 || w.samples < c->sample.count)) {
		if (!tri_cli_wait_tick(&c->sample, &next) || stop)
			break;
		if (!take(c, &w, &p)) {
			warnx("pid %d: exited during the watch",
			    (int)c->targets.pids[0]);
			gone = true;
			break;
		}
	}
	tri_proc_close(&p);
	count_never_closed(&w);
	for (i = 0; i < w.ng; i++)
		total += w.g[i].never_closed;
	verdict(&w, &v);
	if (c->json)
		report_json(&w, &v, total, gone);
	else
		report_text(&w, &v, total, gone);
	rc = TRI_EXIT_OK;
	if (c->check && (v.leaking || v.used_percent > c->max_pct))
		rc = TRI_EXIT_FOUND;
	watch_free(&w);
	return rc;
}
