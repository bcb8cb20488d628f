/* lib/forklimits.c - every fence a fork by a process would meet, and the tightest. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cgroup.h"
#include "forklimits.h"
#include "proc.h"

#define CAP_BIT(n)	(UINT64_C(1) << (n))
#define SYS_ADMIN	21	/* CAP_SYS_ADMIN and CAP_SYS_RESOURCE: the */
#define SYS_RESOURCE	24	/* kernel's exemptions from RLIMIT_NPROC */

struct uidcount {
	uid_t		 uid;
	uint64_t	 tasks;
	pid_t		 first;
};

static int
count_one(pid_t pid, void *arg)
{
	struct uidcount *u = arg;
	struct tri_status st;
	struct tri_proc p;

	if (tri_proc_open(&p, pid) < 0)
		return 0;
	if (tri_proc_read_status(&p, &st) == 0 && st.uid[0] == u->uid) {
		u->tasks += st.threads > 0 ? (uint64_t)st.threads : 1;
		if (u->first == 0)
			u->first = pid;
	}
	tri_proc_close(&p);
	return 0;
}

int
tri_forklimits_uid_tasks(uid_t uid, uint64_t *n)
{
	struct uidcount u = { uid, 0, 0 };

	if (tri_proc_walk(count_one, &u) < 0)
		return -1;
	*n = u.tasks;
	return 0;
}

int
tri_forklimits_uid_pid(uid_t uid, pid_t *pid)
{
	struct uidcount u = { uid, 0, 0 };

	if (tri_proc_walk(count_one, &u) < 0)
		return -1;
	if (u.first == 0) {
		errno = ESRCH;
		return -1;
	}
	*pid = u.first;
	return 0;
}

/* CapEff of a status text; 0 when absent. */
static uint64_t
cap_eff(const char *status)
{
	const char *s = strstr(status, "\nCapEff:");

	return s ? strtoull(s + 8, NULL, 16) : 0;
}

static struct tri_forklimit *
push(struct tri_forklimits *fl, enum tri_forklimit_kind kind)
{
	struct tri_forklimit *l;

	if (fl->n >= TRI_FORKLIMITS_MAX)
		return NULL;
	l = &fl->f[fl->n++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->applies = true;
	l->limit = UINT64_MAX;
	return l;
}

static int
add_nproc(struct tri_forklimits *fl, const struct tri_proc *p)
{
	unsigned long long soft, hard;
	struct tri_forklimit *l;
	struct tri_status st;
	char buf[4096];
	uint64_t caps;

	if (tri_proc_read(p, "status", buf, sizeof(buf)) < 0 ||
	    tri_proc_parse_status(buf, strlen(buf), &st) < 0)
		return -1;
	fl->uid = st.uid[0];
	snprintf(fl->comm, sizeof(fl->comm), "%s", st.name);
	caps = cap_eff(buf);
	if (tri_proc_read_limit(p, "Max processes", &soft, &hard) < 0)
		return -1;
	if ((l = push(fl, TRI_FL_NPROC)) == NULL)
		return 0;
	l->limit = soft == RLIM_INFINITY ? UINT64_MAX : soft;
	if (tri_forklimits_uid_tasks(fl->uid, &l->used) < 0)
		return -1;
	if (fl->uid == 0) {
		l->applies = false;
		l->why_not = "root is exempt";
	} else if (caps & (CAP_BIT(SYS_ADMIN) | CAP_BIT(SYS_RESOURCE))) {
		l->applies = false;
		l->why_not = "CAP_SYS_ADMIN or CAP_SYS_RESOURCE exempts it";
	}
	return 0;
}

static void
add_cgroups(struct tri_forklimits *fl, pid_t pid)
{
	char cur[PATH_MAX], probe[PATH_MAX + 16], *slash;
	struct tri_cgroup_pids cp;
	struct tri_forklimit *l;
	int v2 = 0;

	if (tri_cgroup_dir(pid, "pids", cur, sizeof(cur), &v2) < 0)
		return;
	for (;;) {
		if (tri_cgroup_pids_read(cur, &cp) == 0 &&
		    (l = push(fl, TRI_FL_CGROUP)) != NULL) {
			/* a deeper path is cut: it is shown, not opened */
			snprintf(l->where, sizeof(l->where), "%.*s",
			    (int)sizeof(l->where) - 1, cur);
			l->v2 = v2 == 1;
			l->limit = cp.max;
			l->used = cp.current;
			l->has_peak = cp.has_peak;
			l->peak = cp.peak;
			l->has_events = cp.has_events;
			l->refused = cp.events_max;
		}
		/* Up to the hierarchy's root (same rule as tri_cgroup_limit). */
		if ((slash = strrchr(cur, '/')) == NULL || slash == cur)
			break;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/cgroup.procs", cur);
		if (access(probe, F_OK) < 0)
			break;
	}
}

/* The machine's tasks: the total of /proc/loadavg ("1/89"). */
static int
machine_tasks(uint64_t *n)
{
	char path[PATH_MAX], buf[256], *s;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/loadavg", tri_proc_root());
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	s = fgets(buf, sizeof(buf), fp);
	fclose(fp);
	if (s == NULL || (s = strchr(buf, '/')) == NULL) {
		errno = EINVAL;
		return -1;
	}
	*n = strtoull(s + 1, NULL, 10);
	return 0;
}

static void
add_sysctl(struct tri_forklimits *fl, enum tri_forklimit_kind kind,
    const char *file, uint64_t tasks)
{
	unsigned long long v;
	struct tri_forklimit *l;

	if (tri_proc_sysctl(file, &v, 1) != 1 || (l = push(fl, kind)) == NULL)
		return;
	l->limit = v;
	l->used = tasks;
}

uint64_t
tri_forklimits_headroom(const struct tri_forklimit *l)
{
	if (l->limit == UINT64_MAX)
		return UINT64_MAX;
	return l->used >= l->limit ? 0 : l->limit - l->used;
}

static void
pick_tightest(struct tri_forklimits *fl)
{
	uint64_t best = UINT64_MAX, h;
	size_t i;

	fl->tightest = -1;
	for (i = 0; i < fl->n; i++) {
		if (!fl->f[i].applies || fl->f[i].limit == UINT64_MAX)
			continue;
		h = tri_forklimits_headroom(&fl->f[i]);
		if (fl->tightest < 0 || h < best) {
			best = h;
			fl->tightest = (int)i;
		}
	}
}

int
tri_forklimits_read(pid_t pid, struct tri_forklimits *fl)
{
	struct tri_proc p;
	uint64_t tasks = 0;
	int r;

	memset(fl, 0, sizeof(*fl));
	if (tri_proc_open(&p, pid) < 0)
		return -1;
	fl->pid = p.pid;
	r = add_nproc(fl, &p);
	tri_proc_close(&p);
	if (r < 0)
		return -1;
	add_cgroups(fl, fl->pid);
	if (machine_tasks(&tasks) == 0) {
		add_sysctl(fl, TRI_FL_PID_MAX, "sys/kernel/pid_max", tasks);
		add_sysctl(fl, TRI_FL_THREADS_MAX, "sys/kernel/threads-max",
		    tasks);
	}
	pick_tightest(fl);
	return 0;
}

const char *
tri_forklimits_name(const struct tri_forklimit *l)
{
	switch (l->kind) {
	case TRI_FL_NPROC:
		return "RLIMIT_NPROC";
	case TRI_FL_CGROUP:
		return "pids.max";
	case TRI_FL_PID_MAX:
		return "kernel.pid_max";
	case TRI_FL_THREADS_MAX:
		return "kernel.threads-max";
	}
	return "?";
}

const char *
tri_forklimits_kind(const struct tri_forklimit *l)
{
	switch (l->kind) {
	case TRI_FL_NPROC:
		return "rlimit";
	case TRI_FL_CGROUP:
		return "cgroup";
	default:
		return "sysctl";
	}
}
