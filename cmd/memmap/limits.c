/* cmd/memmap/limits.c - how close a process is to its memory limits. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cgroup.h"
#include "memmap.h"

/* A v1 "no limit" is a page-rounded LONG_MAX, not a word. */
#define CG_NOLIMIT	(1ULL << 62)

static size_t
max_map_count(void)
{
	static size_t cached;
	unsigned long long v;

	if (cached == 0 && tri_proc_sysctl("sys/vm/max_map_count", &v, 1) == 1)
		cached = (size_t)v;
	return cached;
}

static void
cgroup_limit(pid_t pid, struct limits *l)
{
	char dir[512];
	uint64_t lim, use;
	int v2 = 0;

	if (tri_cgroup_dir(pid, "memory", dir, sizeof(dir), &v2) < 0)
		return;
	if (tri_cgroup_limit(dir, v2 ? "memory.max" : "memory.limit_in_bytes",
	    &lim, l->cgroup, sizeof(l->cgroup)) < 0)
		return;
	if (lim == TRI_CGROUP_MAX || lim >= CG_NOLIMIT)
		return;
	/* The limit holds the whole cgroup where it is set: its usage. */
	if (tri_cgroup_read_u64(l->cgroup, v2 ? "memory.current" :
	    "memory.usage_in_bytes", &use) < 0)
		return;
	l->cg_limit = lim;
	l->cg_usage = use;
	l->have_cgroup = true;
}

void
limits_read(const struct tri_proc *p, struct snap *s)
{
	struct limits *l = &s->lim;
	struct tri_status st;
	unsigned long long soft, hard;

	l->max_map_count = max_map_count();
	cgroup_limit(p->pid, l);
	if (tri_proc_read_limit(p, "Max locked memory", &soft, &hard) == 0) {
		l->memlock = soft;
		l->have_memlock = true;
	}
	l->locked_kb = s->total.locked;
	if (!s->smaps && !s->have_rollup &&
	    tri_proc_read_status(p, &st) == 0 && st.vmlck_kb > 0)
		l->locked_kb = (unsigned long long)st.vmlck_kb;
}
