/* cmd/zombies/watch.c - --watch: how fast each parent piles up zombies. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "zombies.h"

/* A zombie seen in an earlier sample, and when it was first seen. */
struct seen {
	pid_t			 pid;
	unsigned long long	 start;
	double			 first;
};

/* A parent followed across samples: its count when first seen. */
struct track {
	pid_t			 pid;
	unsigned long long	 start;
	char			 comm[TRI_COMM_MAX];
	double			 t0;
	int			 n0, n, fresh;
	double			 oldest_age, oldest_seen;
};

struct watch {
	struct seen	*seen;
	size_t		 nseen;
	struct track	*tr;
	size_t		 ntr, cap;
};

static volatile sig_atomic_t stop;

static double
realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A -p target that exited (or whose pid now names a later process) ends
 * the watch: what was seen is printed already; say which one exited and
 * when, and exit 0 (as fdleak and memmap do).  starts[] holds each
 * target's start time from the first sample.
 */
static bool
target_exited(const struct ctl *ctl, const struct scan *s,
    unsigned long long *starts, bool first, double t)
{
	const struct tri_pnode *n;
	struct tri_json j;
	size_t i;

	for (i = 0; i < ctl->targets.n; i++) {
		n = tri_ptable_find(&s->pt, ctl->targets.pids[i]);
		if (first && n != NULL)
			starts[i] = n->start;
		if (n != NULL && n->start == starts[i] && n->state != 'Z')
			continue;
		if (!ctl->json) {
			printf("pid %d exited after %.1f s of --watch\n",
			    (int)ctl->targets.pids[i], t);
			return true;
		}
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_schema(&j, "zombies");
		tri_json_kstr(&j, "type", "exited");
		tri_json_ktime_unix(&j, realtime());
		tri_json_kdouble(&j, "elapsed_seconds", t);
		tri_json_kint(&j, "pid", ctl->targets.pids[i]);
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return true;
	}
	return false;
}

static void
on_signal(int sig)
{
	stop = sig;
}

static int
cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Carry first-seen times over to this sample's zombies. */
static void
update_seen(struct watch *w, struct scan *s, double t)
{
	struct seen *next, key, *old;
	size_t i;

	if ((next = calloc(s->nz + 1, sizeof(*next))) == NULL)
		err(TRI_EXIT_FAIL, "watch");
	for (i = 0; i < s->nz; i++) {
		key.pid = s->z[i].pid;
		old = w->nseen ? bsearch(&key, w->seen, w->nseen,
		    sizeof(key), cmp_seen) : NULL;
		next[i].pid = s->z[i].pid;
		next[i].start = s->z[i].start;
		next[i].first = old && old->start == s->z[i].start ?
		    old->first : t;
		s->z[i].seen = t - next[i].first;
	}
	free(w->seen);
	w->seen = next;
	w->nseen = s->nz;
	qsort(w->seen, w->nseen, sizeof(*w->seen), cmp_seen);
}

static struct track *
track_find(struct watch *w, const struct tri_zparent *par, double t)
{
	struct track *tr;
	size_t i;

	for (i = 0; i < w->ntr; i++)
		if (w->tr[i].pid == par->pid && w->tr[i].start == par->start)
			return &w->tr[i];
	if (w->ntr == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		if ((tr = realloc(w->tr, w->cap * sizeof(*tr))) == NULL)
			err(TRI_EXIT_FAIL, "watch");
		w->tr = tr;
	}
	tr = &w->tr[w->ntr++];
	memset(tr, 0, sizeof(*tr));
	tr->pid = par->pid;
	tr->start = par->start;
	tr->t0 = t;
	tr->n0 = -1;
	snprintf(tr->comm, sizeof(tr->comm), "%s", par->comm);
	return tr;
}

/* This sample's count, new zombies and oldest ages per followed parent. */
static void
update_tracks(struct watch *w, const struct scan *s, double t)
{
	struct track *tr;
	size_t i, j;

	for (i = 0; i < w->ntr; i++)
		w->tr[i].n = w->tr[i].fresh = 0;
	for (i = 0; i < s->np; i++) {
		tr = track_find(w, &s->p[i], t);
		tr->oldest_age = tr->oldest_seen = -1;
		for (j = 0; j < s->nz; j++) {
			if (s->z[j].ppid != tr->pid)
				continue;
			tr->n++;
			tr->fresh += s->z[j].seen == 0;
			if (s->z[j].age > tr->oldest_age)
				tr->oldest_age = s->z[j].age;
			if (s->z[j].seen > tr->oldest_seen)
				tr->oldest_seen = s->z[j].seen;
		}
		if (tr->n0 < 0)
			tr->n0 = tr->n;
	}
}

static double
rate(const struct track *tr, double t)
{
	return t > tr->t0 ? (double)(tr->n - tr->n0) / (t - tr->t0) : 0;
}

static void
sample_text(const struct ctl *ctl, const struct watch *w, double t)
{
	struct tri_table tab;
	char a[32], b[32];
	size_t i;

	if (w->ntr == 0) {
		printf("%.1f no zombies\n", t);
		return;
	}
	tri_table_init(&tab);
	tri_table_col(&tab, "TIME", TRI_RIGHT);
	tri_table_col(&tab, "PPID", TRI_RIGHT);
	tri_table_col(&tab, "ZOMBIES", TRI_RIGHT);
	tri_table_col(&tab, "NEW", TRI_RIGHT);
	tri_table_col(&tab, "RATE/S", TRI_RIGHT);
	tri_table_col(&tab, "DEAD-FOR", TRI_RIGHT);
	tri_table_col(&tab, "SEEN", TRI_RIGHT);
	tri_table_col(&tab, "NAME", TRI_LEFT);
	for (i = 0; i < w->ntr; i++) {
		const struct track *tr = &w->tr[i];

		tri_table_cellf(&tab, "%.1f", t);
		tri_table_cellf(&tab, "%d", (int)tr->pid);
		tri_table_cellf(&tab, "%d", tr->n);
		tri_table_cellf(&tab, "%d", tr->fresh);
		tri_table_cellf(&tab, "%.2f", rate(tr, t));
		tri_table_cell_raw(&tab, tri_fmt_duration(tr->n ?
		    tr->oldest_age : -1, a, sizeof(a)));
		tri_table_cell_raw(&tab, tri_fmt_duration(tr->n ?
		    tr->oldest_seen : -1, b, sizeof(b)));
		tri_table_cell(&tab, tr->comm, strlen(tr->comm));
	}
	/* A header on the first sample only keeps the stream awk-friendly. */
	zombies_print_table(ctl, &tab, NULL, ctl->header && t == 0);
	tri_table_free(&tab);
}

static void
sample_json(const struct watch *w, const struct scan *s, double t)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "zombies");
	tri_json_kstr(&j, "type", "sample");
	tri_json_ktime_unix(&j, realtime());
	tri_json_kdouble(&j, "elapsed_seconds", t);
	tri_json_key(&j, "parents");
	tri_json_arr_begin(&j);
	for (i = 0; i < w->ntr; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", w->tr[i].pid);
		tri_json_kstr(&j, "comm", w->tr[i].comm);
		tri_json_kint(&j, "zombies", w->tr[i].n);
		tri_json_kint(&j, "new", w->tr[i].fresh);
		tri_json_kdouble(&j, "zombies_per_second",
		    rate(&w->tr[i], t));
		tri_json_kdouble(&j, "oldest_seen_seconds",
		    w->tr[i].n ? w->tr[i].oldest_seen : 0);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_key(&j, "zombies");
	tri_json_arr_begin(&j);
	for (i = 0; i < s->nz; i++)
		report_zomb_json(&j, &s->z[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the sleep ends */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
watch_run(const struct ctl *ctl)
{
	struct watch w = { 0 };
	struct scan s;
	double t0 = tri_cli_now(), next = 0, t;
	unsigned long long *starts;
	unsigned long k;
	bool gone = false;

	catch_stop();
	if ((starts = calloc(ctl->targets.n + 1, sizeof(*starts))) == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	for (k = 0; !stop && (ctl->sample.count == 0 ||
	    k < ctl->sample.count); k++) {
		if (k > 0 && !tri_cli_wait_tick(&ctl->sample, &next))
			break;
		if (k == 0)
			next = t0;
		if (scan_take(ctl, &s, false) < 0)
			err(TRI_EXIT_FAIL, "process table");
		t = k == 0 ? 0 : tri_cli_now() - t0;
		if ((gone = target_exited(ctl, &s, starts, k == 0, t))) {
			scan_free(&s);
			break;
		}
		update_seen(&w, &s, t);
		update_tracks(&w, &s, t);
		if (ctl->json)
			sample_json(&w, &s, t);
		else
			sample_text(ctl, &w, t);
		fflush(stdout);
		scan_free(&s);
	}
	fflush(stdout);
	free(starts);
	free(w.seen);
	free(w.tr);
	return TRI_EXIT_OK;
}
