/* cmd/triage/proctask.c - one process: zombies, fork fences, D/T threads, OOM, signals. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "forklimits.h"
#include "ptable.h"
#include "sig.h"
#include "triage.h"
#include "zparent.h"

#define FENCE_WARN_PERCENT	80.0
#define FENCE_CRIT_PERCENT	95.0

/* Zombie children: counted from one process table, judged by lib/zparent. */
void
check_zombies(struct report *r, const struct tri_proc *p, const char *comm)
{
	struct tri_ptable t;
	struct tri_pnode *n;
	struct tri_zparent par;
	struct finding *f;
	int i, nz = 0;

	if (tri_ptable_snap(&t, TRI_PT_STAT) < 0) {
		report_unread(r, "the process table: %s", strerror(errno));
		return;
	}
	if ((n = tri_ptable_find(&t, p->pid)) != NULL)
		for (i = 0; i < n->nchildren; i++)
			nz += t.nodes[n->children[i]].zombie;
	memset(&par, 0, sizeof(par));
	if (n && nz > 0) {
		par.pid = p->pid;
		par.start = p->starttime;
		par.state = n->state;
		par.nzomb = nz;
		snprintf(par.comm, sizeof(par.comm), "%s", n->comm);
	}
	tri_ptable_free(&t);
	if (nz == 0) {
		report_passed(r, "zombies");
		return;
	}
	tri_zparent_diagnose(&par);	/* the verdict zombies prints */
	f = finding_add(r, nz >= 1000 ? SEV_CRIT : SEV_WARN, "zombies",
	    p->pid, comm);
	finding_line(f, "%s", par.verdict);
	ev_int(f, "zombies", nz);
	ev_str(f, "fix", par.fix);
	if (par.syscall[0])
		ev_str(f, "syscall", par.syscall);
	finding_next(f, "zombies -p %d", (int)p->pid);
	tri_zparent_free(&par);
}

/* The tightest fork fence (lib/forklimits, as forkguard -l shows them). */
void
check_forks(struct report *r, const struct tri_proc *p, const char *comm)
{
	struct tri_forklimits *fl;
	const struct tri_forklimit *l;
	struct finding *f;
	double pct;

	if ((fl = calloc(1, sizeof(*fl))) == NULL)
		return;
	if (tri_forklimits_read(p->pid, fl) < 0 || fl->tightest < 0) {
		if (errno != ESRCH && fl->tightest < 0)
			report_passed(r, "forks");
		free(fl);
		return;
	}
	l = &fl->f[fl->tightest];
	pct = l->limit && l->limit != UINT64_MAX ?
	    100.0 * (double)l->used / (double)l->limit : 0;
	if (pct < FENCE_WARN_PERCENT && !(l->has_events && l->refused)) {
		report_passed(r, "forks");
		free(fl);
		return;
	}
	f = finding_add(r, pct >= FENCE_CRIT_PERCENT ? SEV_CRIT : SEV_WARN,
	    "forks", p->pid, comm);
	finding_line(f, "%s nearly full: %llu of %llu tasks (%.1f%%), "
	    "room for %llu more forks%s%s", tri_forklimits_name(l),
	    (unsigned long long)l->used, (unsigned long long)l->limit, pct,
	    (unsigned long long)tri_forklimits_headroom(l),
	    l->where[0] ? " at " : "", l->where);
	ev_str(f, "fence", tri_forklimits_name(l));
	ev_str(f, "kind", tri_forklimits_kind(l));
	ev_uint(f, "limit", l->limit);
	ev_uint(f, "used", l->used);
	ev_double(f, "used_percent", pct);
	ev_uint(f, "headroom", tri_forklimits_headroom(l));
	if (l->has_events)
		ev_uint(f, "refused", l->refused);
	if (l->where[0])
		ev_str(f, "cgroup", l->where);
	finding_next(f, "forkguard -l -p %d", (int)p->pid);
	free(fl);
}

/* The state of every thread at one moment. */
struct tstates {
	size_t	 n;
	struct { pid_t tid; char state; } t[];
};

struct tstates *
tstates_read(const struct tri_proc *p)
{
	struct tstates *s;
	struct tri_stat st;
	pid_t *tids;
	size_t i, n;

	if ((tids = tri_proc_tasks(p, &n)) == NULL)
		return NULL;
	if ((s = malloc(sizeof(*s) + n * sizeof(s->t[0]))) == NULL) {
		free(tids);
		return NULL;
	}
	s->n = 0;
	for (i = 0; i < n; i++) {
		if (tri_proc_read_task_stat(p, tids[i], &st) < 0)
			continue;
		s->t[s->n].tid = tids[i];
		s->t[s->n++].state = st.state;
	}
	free(tids);
	return s;
}

static char
state_of(const struct tstates *s, pid_t tid)
{
	size_t i;

	for (i = 0; s && i < s->n; i++)
		if (s->t[i].tid == tid)
			return s->t[i].state;
	return 0;
}

/*
 * Threads in D or stopped (T, t) at both ends of the window: the kernel
 * keeps no time of entry, so "at least the window" is what is known.
 */
void
check_threads(struct report *r, const struct tri_proc *p, const char *comm,
    struct tstates *before, struct tstates *after, double window)
{
	struct finding *f;
	char wchan[64] = "", c;
	size_t i;
	int nd = 0, nt = 0;
	pid_t first = 0;

	for (i = 0; after && i < after->n; i++) {
		c = after->t[i].state;
		if (state_of(before, after->t[i].tid) != c)
			continue;
		if (c == 'D') {
			if (nd++ == 0 && first == 0)
				first = after->t[i].tid;
		} else if (c == 'T' || c == 't') {
			if (nt++ == 0 && first == 0)
				first = after->t[i].tid;
		}
	}
	if (nd + nt == 0) {
		report_passed(r, "threads");
		return;
	}
	f = finding_add(r, SEV_WARN, "threads", p->pid, comm);
	if (nd) {
		tri_proc_read_wchan(p, first, wchan, sizeof(wchan));
		finding_line(f, "%d thread%s in D (uninterruptible) for at least "
		    "%.1f s%s%s", nd, nd == 1 ? "" : "s", window,
		    wchan[0] ? ", in " : "", wchan);
	} else
		finding_line(f, "%d thread%s stopped (T) for at least %.1f s: "
		    "kill -CONT %d resumes %s", nt, nt == 1 ? "" : "s", window,
		    (int)p->pid, nt == 1 ? "it" : "them");
	ev_int(f, "d_threads", nd);
	ev_int(f, "stopped_threads", nt);
	ev_int(f, "tid", first);
	ev_double(f, "at_least_seconds", window);
	if (wchan[0])
		ev_str(f, "wchan", wchan);
	finding_next(f, "proctree -p -s %d", (int)p->pid);
}

static long
read_long(const struct tri_proc *p, const char *name, bool *ok)
{
	char buf[32];

	*ok = tri_proc_read(p, name, buf, sizeof(buf)) > 0;
	return *ok ? strtol(buf, NULL, 10) : 0;
}

/*
 * OOM kills counted in the process's own memory cgroup: v2 memory.events,
 * v1 memory.oom_control (both "oom_kill N").  0, or -1 when neither is
 * there.
 */
static int
cgroup_oom_kills(pid_t pid, uint64_t *n, char *dir, size_t size)
{
	int v2 = 0;

	if (tri_cgroup_dir(pid, "memory", dir, size, &v2) < 0)
		return -1;
	return tri_cgroup_read_key(dir, v2 ? "memory.events" :
	    "memory.oom_control", "oom_kill", n);
}

/* oom_score and oom_score_adj; OOM kills counted in the cgroup. */
void
check_oom(struct report *r, const struct tri_proc *p, const char *comm)
{
	struct finding *f;
	char dir[512];
	uint64_t kills = 0;
	bool ok1, ok2;
	long score = read_long(p, "oom_score", &ok1);
	long adj = read_long(p, "oom_score_adj", &ok2);

	if (!ok1 || !ok2) {
		report_unread(r, "oom_score of pid %d", (int)p->pid);
		return;
	}
	if (cgroup_oom_kills(p->pid, &kills, dir, sizeof(dir)) == 0 &&
	    kills > 0) {
		f = finding_add(r, SEV_WARN, "oom", p->pid, comm);
		finding_line(f, "%llu OOM kill%s in its memory cgroup %s",
		    (unsigned long long)kills, kills == 1 ? "" : "s", dir);
		ev_uint(f, "oom_kills", kills);
		ev_str(f, "cgroup", dir);
	} else if (adj == -1000 || score >= 800) {
		f = finding_add(r, SEV_INFO, "oom", p->pid, comm);
		finding_line(f, adj == -1000 ? "never chosen by the OOM killer "
		    "(oom_score_adj -1000)" : "first in line for the OOM killer "
		    "(oom_score %ld)", score);
	} else {
		report_passed(r, "oom");
		return;
	}
	ev_int(f, "oom_score", score);
	ev_int(f, "oom_score_adj", adj);
	finding_next(f, "memmap -s -p %d", (int)p->pid);
}

/* A stop signal pending but blocked, or one a service must obey ignored. */
void
check_signals(struct report *r, const struct tri_proc *p, const char *comm,
    const struct tri_status *st)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	struct finding *f = NULL;
	char disp[32], list[128];
	uint64_t pend, stuck = 0, ign = 0;
	size_t i;

	if (st == NULL) {
		report_unread(r, "signal masks of pid %d", (int)p->pid);
		return;
	}
	pend = (st->sigpnd | st->shdpnd) & st->sigblk;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (pend & TRI_SIG_BIT(sigs[i]))
			stuck |= TRI_SIG_BIT(sigs[i]);
		if (sigs[i] == SIGTERM && (st->sigign & TRI_SIG_BIT(SIGTERM)))
			ign |= TRI_SIG_BIT(SIGTERM);
	}
	if (stuck) {
		f = finding_add(r, SEV_WARN, "signals", p->pid, comm);
		finding_line(f, "%s pending but blocked: the process does not "
		    "see it", tri_sig_list(stuck, list, sizeof(list)));
		ev_str(f, "pending_blocked", list);
	} else if (ign) {
		/* interactive shells do this: worth knowing, not wrong */
		f = finding_add(r, SEV_INFO, "signals", p->pid, comm);
		finding_line(f, "SIGTERM ignored: kill %d does not stop it",
		    (int)p->pid);
	} else {
		report_passed(r, "signals");
		return;
	}
	ev_str(f, "sigterm", tri_sig_disposition(st, SIGTERM, disp,
	    sizeof(disp)));
	ev_str(f, "sigchld", tri_sig_disposition(st, SIGCHLD, disp,
	    sizeof(disp)));
	ev_str(f, "blocked", tri_sig_list(st->sigblk, list, sizeof(list)));
	finding_next(f, "systrace -p %d", (int)p->pid);
}
