/* lib/csverdict.c - why a process switches: contention, blocking, quota. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "csverdict.h"
#include "exe.h"

/* == CPU quota and throttling == */

static void
read_quota(const char *dir, bool v2, long long *q, long long *period)
{
	char buf[128], *sp;

	*q = -1;
	*period = 0;
	if (v2) {
		if (tri_cgroup_read(dir, "cpu.max", buf, sizeof(buf)) < 0)
			return;
		if (strncmp(buf, "max", 3) != 0)
			*q = strtoll(buf, NULL, 10);
		sp = strchr(buf, ' ');
		*period = sp != NULL ? strtoll(sp, NULL, 10) : 0;
		return;
	}
	if (tri_cgroup_read(dir, "cpu.cfs_quota_us", buf, sizeof(buf)) >= 0)
		*q = strtoll(buf, NULL, 10);
	if (tri_cgroup_read(dir, "cpu.cfs_period_us", buf, sizeof(buf)) >= 0)
		*period = strtoll(buf, NULL, 10);
}

static void
read_throttling(struct tri_csverdict_quota *qt)
{
	tri_cgroup_read_key(qt->dir, "cpu.stat", "nr_periods", &qt->periods);
	tri_cgroup_read_key(qt->dir, "cpu.stat", "nr_throttled",
	    &qt->throttled);
	if (qt->v2) {
		tri_cgroup_read_key(qt->dir, "cpu.stat", "throttled_usec",
		    &qt->throttled_us);
	} else if (tri_cgroup_read_key(qt->dir, "cpu.stat", "throttled_time",
	    &qt->throttled_us) == 0) {
		qt->throttled_us /= 1000;	/* v1 says ns */
	}
}

int
tri_csverdict_quota(pid_t pid, struct tri_csverdict_quota *qt)
{
	char dir[512], *slash;
	long long q, period;
	int v2 = 0;

	memset(qt, 0, sizeof(*qt));
	if (tri_cgroup_dir(pid, "cpu", dir, sizeof(dir), &v2) < 0)
		return -1;
	qt->found = true;
	qt->v2 = v2;
	snprintf(qt->dir, sizeof(qt->dir), "%s", dir);
	for (;;) {
		read_quota(dir, v2, &q, &period);
		if (q > 0 && period > 0 && (qt->cpus == 0 ||
		    (double)q / (double)period < qt->cpus)) {
			qt->cpus = (double)q / (double)period;
			qt->q_us = q;
			qt->period_us = period;
			snprintf(qt->dir, sizeof(qt->dir), "%s", dir);
		}
		if ((slash = strrchr(dir, '/')) == NULL || slash == dir ||
		    strcmp(dir, "/sys/fs/cgroup") == 0)
			break;
		*slash = '\0';
		if (access(dir, F_OK) < 0 || strncmp(dir, "/sys/fs/cgroup/",
		    15) != 0)
			break;
	}
	read_throttling(qt);
	return 0;
}

/* == the verdict == */

static void
cpu_list(const cpu_set_t *set, char *buf, size_t size)
{
	size_t len = 0;
	int c;

	buf[0] = '\0';
	for (c = 0; c < CPU_SETSIZE && len + 8 < size; c++)
		if (CPU_ISSET(c, set))
			len += (size_t)snprintf(buf + len, size - len, "%s%d",
			    len ? "," : "", c);
}

/* Busy threads: over 30% of a CPU, or waiting for one over 10%. */
static void
busy_threads(const struct tri_csverdict_in *in, struct tri_csverdict *v)
{
	cpu_set_t all, one;
	double e = v->elapsed * 1e9;
	size_t i;

	CPU_ZERO(&all);
	for (i = 0; i < in->nthr; i++) {
		const struct tri_csverdict_thread *t = &in->thr[i];

		if ((double)t->cpu_ns < 0.3 * e && (double)t->wait_ns < 0.1 * e)
			continue;
		v->busy++;
		if (sched_getaffinity(t->tid, sizeof(one), &one) == 0)
			CPU_OR(&all, &all, &one);
	}
	v->busy_cpus = CPU_COUNT(&all);
	cpu_list(&all, v->busy_list, sizeof(v->busy_list));
	if (sched_getaffinity(in->pid, sizeof(one), &one) == 0)
		v->allowed = CPU_COUNT(&one);
}

/* GOMAXPROCS from the environment, or what Go picks: the allowed CPUs. */
static void
go_facts(const struct tri_proc *h, struct tri_csverdict *v)
{
	char *env, *s;
	size_t len;

	if (tri_exe_is_go(h, &v->is_go, v->go_ver, sizeof(v->go_ver)) < 0
	    || !v->is_go)
		return;
	v->gomaxprocs = v->allowed;
	if ((env = tri_proc_read_all(h, "environ", &len)) != NULL) {
		for (s = env; s < env + len; s += strlen(s) + 1)
			if (strncmp(s, "GOMAXPROCS=", 11) == 0) {
				v->gomaxprocs = strtol(s + 11, NULL, 10);
				v->go_set = true;
			}
		free(env);
	}
}

static void
go_judge(const struct tri_proc *h, struct tri_csverdict *v)
{
	double limit;

	go_facts(h, v);
	if (!v->is_go)
		return;
	limit = v->q.cpus > 0 ? v->q.cpus : v->allowed;
	v->go_want = (long)ceil(limit);
	v->go_over = v->gomaxprocs > v->go_want;
}

void
tri_csverdict_judge(const struct tri_csverdict_in *in,
    struct tri_csverdict *v)
{
	struct tri_proc own;

	memset(v, 0, sizeof(*v));
	v->elapsed = in->elapsed;
	if (v->elapsed > 0) {
		v->vol = (double)in->vol / v->elapsed;
		v->invol = (double)in->invol / v->elapsed;
		v->runq_ms = (double)in->wait_ns / v->elapsed / 1e6;
	}
	if (v->invol >= 1 && v->invol >= v->vol && v->runq_ms >= 10)
		v->kind = "cpu_contention";
	else if (v->vol >= 1 && v->vol > v->invol)
		v->kind = "blocking";
	else
		v->kind = "quiet";
	v->contention_too = strcmp(v->kind, "blocking") == 0 &&
	    v->invol >= 10 && v->runq_ms >= 100;
	busy_threads(in, v);
	tri_csverdict_quota(in->pid, &v->q);
	v->over_quota = v->q.cpus > 0 && v->busy > ceil(v->q.cpus);
	if (in->proc != NULL) {
		go_judge(in->proc, v);
	} else if (tri_proc_open(&own, in->pid) == 0) {
		go_judge(&own, v);
		tri_proc_close(&own);
	}
}

const char *
tri_csverdict_thread_class(unsigned long long vol, unsigned long long invol)
{
	if (vol == 0 && invol == 0)
		return "idle";
	return invol > vol ? "involuntary" : "voluntary";
}

/* == measuring, for triage == */

struct snap {
	struct tri_csverdict_thread	*t;
	size_t				 n;
	unsigned long long		 vol, invol;	/* sums */
};

static int
cmp_tid(const void *a, const void *b)
{
	const struct tri_csverdict_thread *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

static int
read_one(const struct tri_proc *h, pid_t tid, struct tri_csverdict_thread *t)
{
	struct tri_schedstat ss;
	struct tri_ctxt c;

	memset(t, 0, sizeof(*t));
	if (tri_proc_read_ctxt(h, tid, &c) < 0)
		return -1;
	t->tid = tid;
	t->vol = c.vol;
	t->invol = c.invol;
	if (tri_proc_read_schedstat(h, tid, &ss) == 0) {
		t->cpu_ns = ss.run_ns;
		t->wait_ns = ss.wait_ns;
	}
	return 0;
}

/* Every thread's counters (sorted by tid); a thread gone half-way is
 * left out.  0, or -1 with errno. */
static int
take_snap(const struct tri_proc *h, struct snap *s)
{
	struct dirent *de;
	size_t cap = 0;
	void *p;
	DIR *d;
	int fd;

	memset(s, 0, sizeof(*s));
	if ((fd = openat(h->dirfd, "task", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (s->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((p = realloc(s->t, cap * sizeof(*s->t))) == NULL)
				break;
			s->t = p;
		}
		if (read_one(h, (pid_t)atoi(de->d_name), &s->t[s->n]) == 0) {
			s->vol += s->t[s->n].vol;
			s->invol += s->t[s->n].invol;
			s->n++;
		}
	}
	closedir(d);
	if (s->n > 1)
		qsort(s->t, s->n, sizeof(*s->t), cmp_tid);
	return tri_proc_check(h);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long
sub(unsigned long long a, unsigned long long b)
{
	return a >= b ? a - b : 0;
}

/* b's threads as deltas against a (a thread born in the span: all of
 * it); the sums as b's minus a's, never below zero. */
static void
diff_snap(const struct snap *a, struct snap *b, struct tri_csverdict_in *in)
{
	size_t i, k = 0;

	in->wait_ns = 0;
	for (i = 0; i < b->n; i++) {
		struct tri_csverdict_thread *t = &b->t[i];

		while (k < a->n && a->t[k].tid < t->tid)
			k++;
		if (k < a->n && a->t[k].tid == t->tid &&
		    t->vol >= a->t[k].vol) {
			t->vol -= a->t[k].vol;
			t->invol = sub(t->invol, a->t[k].invol);
			t->cpu_ns = sub(t->cpu_ns, a->t[k].cpu_ns);
			t->wait_ns = sub(t->wait_ns, a->t[k].wait_ns);
		}
		in->wait_ns += t->wait_ns;
	}
	in->vol = sub(b->vol, a->vol);
	in->invol = sub(b->invol, a->invol);
	in->thr = b->t;
	in->nthr = b->n;
}

int
tri_csverdict_measure(pid_t pid, double seconds, struct tri_csverdict *v)
{
	struct tri_csverdict_in in;
	struct snap a, b;
	struct timespec ts;
	struct tri_proc h;
	double t0;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	if (!(seconds > 0)) {
		errno = EINVAL;
		return -1;
	}
	if (tri_proc_open(&h, pid) < 0)
		return -1;
	memset(&b, 0, sizeof(b));
	t0 = mono();
	if (take_snap(&h, &a) < 0)
		goto out;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	if (take_snap(&h, &b) < 0)
		goto out;
	memset(&in, 0, sizeof(in));
	in.pid = h.pid;
	in.proc = &h;
	in.elapsed = mono() - t0;
	diff_snap(&a, &b, &in);
	tri_csverdict_judge(&in, v);
	rc = 0;
out:
	free(a.t);
	free(b.t);
	tri_proc_close(&h);
	return rc;
}
