/* cmd/ctxswitch/sample.c - a process's threads and their switch counters. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctxswitch.h"

int
cs_proc_open(struct cs_proc *cp, pid_t pid, bool migrations)
{
	struct tri_stat st;

	memset(cp, 0, sizeof(*cp));
	cp->h.dirfd = -1;
	if (tri_proc_open(&cp->h, pid) < 0)
		return -1;
	cp->pid = cp->h.pid;
	if (tri_proc_read_stat(&cp->h, &st) == 0)
		memcpy(cp->comm, st.comm, sizeof(cp->comm));
	cp->read_migr = migrations;
	return 0;
}

void
cs_proc_free(struct cs_proc *cp)
{
	tri_proc_close(&cp->h);
	free(cp->args);
	cp->args = NULL;
	free(cp->thr);
	cp->thr = NULL;
	cp->nthr = 0;
}

/* Counters of an exited thread stay in the lifetime totals. */
static void
bury(struct cs_proc *cp, const struct cs_thread *t)
{
	cp->dead_vol += t->c.vol;
	cp->dead_invol += t->c.invol;
}

/*
 * Read one thread.  Returns -1 when it is gone; the files read one by
 * one, so a thread that exits half-way is dropped, never half-counted.
 */
static int
read_thread(struct cs_proc *cp, pid_t tid, struct cs_thread *t)
{
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	/*
	 * sched holds the switch counters, the migrations and the name: one
	 * file instead of status and sched (about 16 us instead of 27 per
	 * thread here).  Without CONFIG_SCHED_DEBUG or access, fall back to
	 * status for good.
	 */
	if (cp->read_migr) {
		t->has_migr = tri_proc_read_sched_ctxt(&cp->h, tid, &t->c,
		    &t->migr) == 0;
		if (!t->has_migr && errno == ESRCH)
			return -1;
		if (!t->has_migr)
			cp->read_migr = false;
	}
	if (!t->has_migr && tri_proc_read_ctxt(&cp->h, tid, &t->c) < 0)
		return -1;
	memcpy(t->name, t->c.name, sizeof(t->name));
	t->has_ss = tri_proc_read_schedstat(&cp->h, tid, &t->ss) == 0;
	return 0;
}

static unsigned long long
delta(unsigned long long now, unsigned long long then)
{
	return now >= then ? now - then : 0;
}

/*
 * The thread's deltas against its previous sample o (NULL for a thread
 * not seen before).  A counter that went down means the tid was reused
 * by a new thread: count it as new.
 */
static bool
diff_thread(struct cs_proc *cp, struct cs_thread *t, const struct cs_thread *o)
{
	if (o != NULL && t->c.vol >= o->c.vol && t->c.invol >= o->c.invol) {
		t->dvol = t->c.vol - o->c.vol;
		t->dinvol = t->c.invol - o->c.invol;
		t->drun = delta(t->ss.run_ns, o->ss.run_ns);
		t->dwait = delta(t->ss.wait_ns, o->ss.wait_ns);
		t->dmigr = (t->has_migr && o->has_migr) ?
		    delta(t->migr, o->migr) : 0;
		t->run_vol = o->run_vol + t->dvol;
		t->run_invol = o->run_invol + t->dinvol;
		t->run_wait = o->run_wait + t->dwait;
		t->run_cpu = o->run_cpu + t->drun;
		return false;
	}
	cp->seen++;
	if (cp->nsamples == 0)
		return false;	/* the baseline: nothing to rate yet */
	/* Born during the interval: everything it did, it did in it. */
	t->fresh = true;
	t->dvol = t->run_vol = t->c.vol;
	t->dinvol = t->run_invol = t->c.invol;
	t->drun = t->run_cpu = t->ss.run_ns;
	t->dwait = t->run_wait = t->ss.wait_ns;
	t->dmigr = t->migr;
	return o != NULL;	/* the old thread of this tid is gone */
}

static void
sum_threads(struct cs_proc *cp)
{
	size_t i;

	cp->dvol = cp->dinvol = cp->drun = cp->dwait = cp->dmigr = 0;
	cp->has_ss = cp->has_migr = false;
	for (i = 0; i < cp->nthr; i++) {
		const struct cs_thread *t = &cp->thr[i];

		cp->dvol += t->dvol;
		cp->dinvol += t->dinvol;
		cp->drun += t->drun;
		cp->dwait += t->dwait;
		cp->dmigr += t->dmigr;
		cp->has_ss |= t->has_ss;
		cp->has_migr |= t->has_migr;
		if (t->tid == cp->pid && t->name[0] != '\0')
			memcpy(cp->comm, t->name, sizeof(cp->comm));
	}
	cp->run_vol += cp->dvol;
	cp->run_invol += cp->dinvol;
	cp->run_wait += cp->dwait;
	cp->run_cpu += cp->drun;
}

/* Merge the sorted tids with the previous sample's sorted threads. */
static size_t
merge(struct cs_proc *cp, const pid_t *tids, size_t n, struct cs_thread *nt)
{
	size_t i = 0, j, k = 0;

	for (j = 0; j < n; j++) {
		const struct cs_thread *o = NULL;

		while (i < cp->nthr && cp->thr[i].tid < tids[j])
			bury(cp, &cp->thr[i++]);
		if (i < cp->nthr && cp->thr[i].tid == tids[j])
			o = &cp->thr[i++];
		if (read_thread(cp, tids[j], &nt[k]) < 0) {
			if (o != NULL)
				bury(cp, o);
			continue;
		}
		if (diff_thread(cp, &nt[k], o))
			bury(cp, o);
		k++;
	}
	while (i < cp->nthr)
		bury(cp, &cp->thr[i++]);
	return k;
}

int
cs_proc_sample(struct cs_proc *cp)
{
	struct cs_thread *nt;
	pid_t *tids;
	size_t n, k;
	double now;

	if (cp->gone) {
		errno = ESRCH;
		return -1;
	}
	now = tri_cli_now();
	if ((tids = tri_proc_tasks(&cp->h, &n)) == NULL ||
	    (nt = calloc(n ? n : 1, sizeof(*nt))) == NULL) {
		if (errno == ESRCH || errno == ENOENT)
			cp->gone = true;
		free(tids);
		return -1;
	}
	k = merge(cp, tids, n, nt);
	free(tids);
	free(cp->thr);
	cp->thr = nt;
	cp->nthr = k;
	if (k == 0 && tri_proc_check(&cp->h) < 0)
		cp->gone = true;
	cp->dt = cp->nsamples ? now - cp->t_last : 0;
	if (cp->nsamples == 0)
		cp->t_first = now;
	cp->t_last = now;
	sum_threads(cp);
	cp->nsamples++;
	return 0;
}

static void
rates(double dt, unsigned long long vol, unsigned long long invol,
    unsigned long long run, unsigned long long wait, unsigned long long migr,
    struct cs_rates *r)
{
	if (dt <= 0) {
		memset(r, 0, sizeof(*r));
		return;
	}
	r->vol = (double)vol / dt;
	r->invol = (double)invol / dt;
	/* schedstat's run time is in ns: /1e9 for a share, *100 for %. */
	r->cpu = (double)run / dt / 1e7;
	r->runq_ms = (double)wait / dt / 1e6;
	r->migr = (double)migr / dt;
}

void
cs_rates_proc(const struct cs_proc *cp, struct cs_rates *r)
{
	rates(cp->dt, cp->dvol, cp->dinvol, cp->drun, cp->dwait, cp->dmigr, r);
}

void
cs_rates_thread(const struct cs_proc *cp, const struct cs_thread *t,
    struct cs_rates *r)
{
	rates(cp->dt, t->dvol, t->dinvol, t->drun, t->dwait, t->dmigr, r);
}

unsigned long long
cs_proc_lifetime(const struct cs_proc *cp, bool vol)
{
	unsigned long long sum = vol ? cp->dead_vol : cp->dead_invol;
	size_t i;

	for (i = 0; i < cp->nthr; i++)
		sum += vol ? cp->thr[i].c.vol : cp->thr[i].c.invol;
	return sum;
}

struct cs_proc *
cs_open_targets(const struct ctl *ctl)
{
	struct cs_proc *v = calloc(ctl->targets.n, sizeof(*v));
	size_t i;

	if (v == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	for (i = 0; i < ctl->targets.n; i++) {
		pid_t pid = ctl->targets.pids[i];

		if (cs_proc_open(&v[i], pid, true) < 0 ||
		    cs_proc_sample(&v[i]) < 0)
			errx(TRI_EXIT_FAIL, "pid %d: %s", (int)pid,
			    errno == ESRCH ? tri_cli_target_error(ESRCH) :
			    strerror(errno));
	}
	return v;
}
