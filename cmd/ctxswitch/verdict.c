/* cmd/ctxswitch/verdict.c - why a process switches: CPU, blocking, quota. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "ctxswitch.h"
#include "exe.h"

/* == CPU quota and throttling == */

static void
read_quota(const char *dir, bool v2, long long *q, long long *period)
{
	char buf[128];

	*q = -1;
	*period = 0;
	if (v2) {
		if (tri_cgroup_read(dir, "cpu.max", buf, sizeof(buf)) < 0)
			return;
		if (strncmp(buf, "max", 3) != 0)
			*q = strtoll(buf, NULL, 10);
		*period = strtoll(strchr(buf, ' ') ? strchr(buf, ' ') : "0",
		    NULL, 10);
		return;
	}
	if (tri_cgroup_read(dir, "cpu.cfs_quota_us", buf, sizeof(buf)) >= 0)
		*q = strtoll(buf, NULL, 10);
	if (tri_cgroup_read(dir, "cpu.cfs_period_us", buf, sizeof(buf)) >= 0)
		*period = strtoll(buf, NULL, 10);
}

/* The tightest quota from pid's cpu cgroup up to its hierarchy root. */
static void
find_quota(pid_t pid, struct quota *qt)
{
	char dir[512], *slash;
	long long q, period;
	int v2 = 0;

	memset(qt, 0, sizeof(*qt));
	if (tri_cgroup_dir(pid, "cpu", dir, sizeof(dir), &v2) < 0)
		return;
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
	tri_cgroup_read_key(qt->dir, "cpu.stat", "nr_periods", &qt->periods);
	tri_cgroup_read_key(qt->dir, "cpu.stat", "nr_throttled",
	    &qt->throttled);
	if (v2) {
		tri_cgroup_read_key(qt->dir, "cpu.stat", "throttled_usec",
		    &qt->throttled_us);
	} else if (tri_cgroup_read_key(qt->dir, "cpu.stat", "throttled_time",
	    &qt->throttled_us) == 0) {
		qt->throttled_us /= 1000;	/* v1 says ns */
	}
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
busy_threads(const struct cs_proc *cp, struct verdict *v)
{
	cpu_set_t all, one;
	double e = v->elapsed * 1e9;
	size_t i;

	CPU_ZERO(&all);
	for (i = 0; i < cp->nthr; i++) {
		const struct cs_thread *t = &cp->thr[i];

		if ((double)t->run_cpu < 0.3 * e && (double)t->run_wait < 0.1 * e)
			continue;
		v->busy++;
		if (sched_getaffinity(t->tid, sizeof(one), &one) == 0)
			CPU_OR(&all, &all, &one);
	}
	v->busy_cpus = CPU_COUNT(&all);
	cpu_list(&all, v->busy_list, sizeof(v->busy_list));
	if (sched_getaffinity(cp->pid, sizeof(one), &one) == 0)
		v->allowed = CPU_COUNT(&one);
}

/* GOMAXPROCS from the environment, or what Go picks: the allowed CPUs. */
static void
go_facts(const struct cs_proc *cp, struct verdict *v)
{
	char *env, *s;
	size_t len;

	if (tri_exe_is_go(&cp->h, &v->is_go, v->go_ver, sizeof(v->go_ver)) < 0
	    || !v->is_go)
		return;
	v->gomaxprocs = v->allowed;
	if ((env = tri_proc_read_all(&cp->h, "environ", &len)) == NULL)
		return;
	for (s = env; s < env + len; s += strlen(s) + 1)
		if (strncmp(s, "GOMAXPROCS=", 11) == 0) {
			v->gomaxprocs = strtol(s + 11, NULL, 10);
			v->go_set = true;
		}
	free(env);
}

void
cs_judge(struct cs_proc *cp, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->elapsed = cp->t_last - cp->t_first;
	if (v->elapsed > 0) {
		v->vol = (double)cp->run_vol / v->elapsed;
		v->invol = (double)cp->run_invol / v->elapsed;
		v->runq_ms = (double)cp->run_wait / v->elapsed / 1e6;
	}
	if (v->invol >= 1 && v->invol >= v->vol && v->runq_ms >= 10)
		v->kind = "cpu_contention";
	else if (v->vol >= 1 && v->vol > v->invol)
		v->kind = "blocking";
	else
		v->kind = "quiet";
	busy_threads(cp, v);
	find_quota(cp->pid, &v->q);
	go_facts(cp, v);
}

const char *
cs_thread_class(const struct cs_thread *t)
{
	if (t->run_vol == 0 && t->run_invol == 0)
		return "idle";
	return t->run_invol > t->run_vol ? "involuntary" : "voluntary";
}
