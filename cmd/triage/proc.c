/* cmd/triage/proc.c - one process: the sampling window, fds, memory and CPU. */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "csverdict.h"
#include "fdverdict.h"
#include "memverdict.h"
#include "triage.h"

/* Open the target; a kernel thread or a vanished pid is one line, exit 2. */
int
target_open(const struct ctl *ctl, pid_t pid, struct tri_proc *p,
    struct report *r)
{
	struct tri_stat st;

	if (tri_proc_open(p, pid) < 0 || tri_proc_read_stat(p, &st) < 0) {
		warnx("pid %d: %s", (int)pid, tri_cli_target_error(errno));
		return -1;
	}
	if (tri_proc_is_kthread(&st)) {
		warnx("pid %d: a kernel thread: it has no fds, memory or "
		    "children of its own to check", (int)pid);
		tri_proc_close(p);
		return -1;
	}
	if (st.state == 'Z') {
		warnx("pid %d: a zombie: check its parent (triage -p %d)",
		    (int)pid, (int)st.ppid);
		tri_proc_close(p);
		return -1;
	}
	r->pid = pid;
	snprintf(r->comm, sizeof(r->comm), "%s", st.comm);
	return 0;
}

static void
fds_judge(struct report *r, const struct tri_fdverdict *v, const char *comm,
    pid_t pid)
{
	struct finding *f;
	enum sev sev;

	if (!v->leaking && !v->near_limit) {
		report_passed(r, "fds");
		return;
	}
	sev = SEV_WARN;
	if (v->used_percent >= 95 || (v->seconds_to_limit >= 0 &&
	    v->seconds_to_limit < 60))
		sev = SEV_CRIT;
	f = finding_add(r, sev, "fds", pid, comm);
	finding_line(f, "%s", v->verdict);	/* lib/fdverdict's own words */
	ev_uint(f, "fds", v->count);
	if (v->soft != (unsigned long long)RLIM_INFINITY) {
		ev_uint(f, "soft_limit", v->soft);
		ev_double(f, "used_percent", v->used_percent);
	}
	ev_double(f, "fds_per_second", v->rate_per_second);
	if (v->seconds_to_limit >= 0)
		ev_double(f, "limit_in_seconds", v->seconds_to_limit);
	finding_next(f, "fdleak --watch -p %d", (int)pid);
}

static void
memory_judge(struct report *r, const struct tri_memverdict *v,
    const char *comm, pid_t pid)
{
	struct finding *f;

	if (v->level == TRI_MEMVERDICT_OK) {
		report_passed(r, "memory");
		return;
	}
	f = finding_add(r, v->level == TRI_MEMVERDICT_OVER ? SEV_CRIT :
	    SEV_WARN, "memory", pid, comm);
	finding_line(f, "%s", v->verdict);	/* lib/memverdict's words */
	ev_uint(f, "rss_kb", v->rss_kb);
	ev_uint(f, "swap_kb", v->swap_kb);
	if (v->have_cgroup) {
		ev_uint(f, "cgroup_limit_bytes", v->cg_limit);
		ev_uint(f, "cgroup_usage_bytes", v->cg_usage);
		ev_double(f, "cgroup_percent",
		    v->check[TRI_MV_CGROUP].percent);
		ev_str(f, "cgroup", v->cgroup);
	}
	if (v->have_growth) {
		ev_double(f, "rss_kb_per_second", v->rss_kb_per_second);
		if (v->seconds_to_limit >= 0)
			ev_double(f, "limit_in_seconds", v->seconds_to_limit);
	}
	ev_uint(f, "map_count", v->map_count);
	ev_uint(f, "max_map_count", v->max_map_count);
	finding_next(f, "memmap -w -p %d", (int)pid);
}

static void
cpu_judge(struct report *r, const struct tri_csverdict *v,
    const struct tri_csverdict_quota *q0, const char *comm, pid_t pid)
{
	unsigned long long thr = 0;
	struct finding *f;
	bool contended = v->kind && strcmp(v->kind, "cpu_contention") == 0 &&
	    v->runq_ms >= 100;

	if (v->q.cpus > 0 && q0->found && v->q.throttled >= q0->throttled)
		thr = v->q.throttled - q0->throttled;
	if (!v->over_quota && !v->go_over && !contended && thr == 0) {
		report_passed(r, "cpu");
		return;
	}
	f = finding_add(r, v->over_quota || v->go_over || thr > 0 ?
	    SEV_WARN : SEV_INFO, "cpu", pid, comm);
	if (v->go_over)
		finding_line(f, "GOMAXPROCS %ld against a CPU quota of %.2f "
		    "CPUs: set GOMAXPROCS=%ld", v->gomaxprocs, v->q.cpus,
		    v->go_want);
	else if (v->q.cpus > 0 && (v->over_quota || thr > 0))
		finding_line(f, "throttled by a cgroup CPU quota of %.2f CPUs: "
		    "%d busy threads, %llu periods throttled in %.1f s",
		    v->q.cpus, v->busy, thr, v->elapsed);
	else
		finding_line(f, "waits for a CPU %.0f ms per second (%d busy "
		    "threads on %d CPUs)", v->runq_ms, v->busy, v->busy_cpus);
	ev_double(f, "voluntary_per_second", v->vol);
	ev_double(f, "involuntary_per_second", v->invol);
	ev_double(f, "runq_wait_ms_per_second", v->runq_ms);
	ev_int(f, "busy_threads", v->busy);
	if (v->q.cpus > 0) {
		ev_double(f, "quota_cpus", v->q.cpus);
		ev_uint(f, "throttled_periods", thr);
		ev_str(f, "cgroup", v->q.dir);
	}
	if (v->is_go)
		ev_int(f, "gomaxprocs", v->gomaxprocs);
	finding_next(f, "ctxswitch -t -p %d", (int)pid);
}

/* map_count left 0: maps refused (ptrace read access), say so */
static void
unread_maps(struct report *r, const struct tri_proc *p,
    const struct tri_memverdict *v)
{
	char buf[4];

	if (v->map_count == 0 && tri_proc_read(p, "maps", buf,
	    sizeof(buf)) < 0 && errno != ESRCH)
		report_unread(r, "mappings of pid %d (map_count): %s",
		    (int)p->pid, strerror(errno));
}

/*
 * Every check of one process.  One window (-i) is shared: the fd count,
 * the memory facts and the thread states are read at its start and end,
 * and lib/csverdict's measure is the window itself.  Returns 0, or -1
 * when the process went away (already reported).
 */
int
proc_checks(const struct ctl *ctl, struct tri_proc *p, struct report *r)
{
	struct tri_fdverdict fv;
	struct tri_fdverdict_window w = { 0 };
	struct tri_fdverdict_series total = { 0 };
	struct tri_memverdict m0, m1;
	struct tri_csverdict cv;
	struct tri_csverdict_quota q0;
	struct tri_status st;
	struct tstates *ts0, *ts1;
	bool fd_ok, mem_ok, st_ok;
	double t0;
	pid_t pid = p->pid;
	const char *comm = r->comm;

	t0 = tri_cli_now();
	fd_ok = tri_fdverdict_read(&fv, p) == 0;
	if (fd_ok) {
		tri_fdverdict_sample(&w, 0);
		tri_fdverdict_count(&w, &total, fv.count);
	} else if (errno == EACCES || errno == EPERM)
		report_unread(r, "fds of pid %d: %s", (int)pid, strerror(errno));
	mem_ok = tri_memverdict_read(p, TRI_MEMVERDICT_COUNT_MAPS, &m0) == 0;
	ts0 = tstates_read(p);
	memset(&q0, 0, sizeof(q0));
	tri_csverdict_quota(pid, &q0);
	if (tri_csverdict_measure(pid, ctl->interval, &cv) < 0 ||
	    tri_proc_check(p) < 0) {
		warnx("pid %d: exited during the window", (int)pid);
		free(ts0);
		return -1;
	}
	r->window = tri_cli_now() - t0;
	if (fd_ok && tri_fdverdict_read(&fv, p) == 0) {
		tri_fdverdict_sample(&w, r->window);
		tri_fdverdict_count(&w, &total, fv.count);
		tri_fdverdict_growth(&fv, &w, &total, NULL, NULL, 0);
		fds_judge(r, &fv, comm, pid);
	}
	if (mem_ok && tri_memverdict_read(p, TRI_MEMVERDICT_COUNT_MAPS,
	    &m1) == 0) {
		unread_maps(r, p, &m1);
		tri_memverdict_growth(&m1, &m0);
		tri_memverdict_judge(&m1);
		memory_judge(r, &m1, comm, pid);
	} else
		report_unread(r, "memory of pid %d: %s", (int)pid,
		    strerror(errno));
	cpu_judge(r, &cv, &q0, comm, pid);
	ts1 = tstates_read(p);
	check_threads(r, p, comm, ts0, ts1, r->window);	/* proctask.c */
	free(ts0);
	free(ts1);
	check_zombies(r, p, comm);
	check_forks(r, p, comm);
	check_oom(r, p, comm);
	st_ok = tri_proc_read_status(p, &st) == 0;
	check_signals(r, p, comm, st_ok ? &st : NULL);
	return 0;
}
