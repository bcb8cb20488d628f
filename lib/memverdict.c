/* lib/memverdict.c - how close a process is to its memory limits: facts, verdict. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "memverdict.h"

/* A v1 "no limit" is a page-rounded LONG_MAX, not a word. */
#define CG_NOLIMIT	(1ULL << 62)

/* Growth that reaches the cgroup limit within this is "near". */
#define SOON_SECONDS	300.0

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
cgroup_limit(pid_t pid, struct tri_memverdict *v)
{
	char dir[512];
	uint64_t lim, use, oom;
	int v2 = 0;

	if (tri_cgroup_dir(pid, "memory", dir, sizeof(dir), &v2) < 0)
		return;
	if (tri_cgroup_limit(dir, v2 ? "memory.max" : "memory.limit_in_bytes",
	    &lim, v->cgroup, sizeof(v->cgroup)) < 0)
		return;
	if (lim == TRI_CGROUP_MAX || lim >= CG_NOLIMIT)
		return;
	/* The limit holds the whole cgroup where it is set: its usage. */
	if (tri_cgroup_read_u64(v->cgroup, v2 ? "memory.current" :
	    "memory.usage_in_bytes", &use) < 0)
		return;
	v->cg_limit = lim;
	v->cg_usage = use;
	v->cg_v2 = v2 != 0;
	v->have_cgroup = true;
	if (v2 && tri_cgroup_read_key(v->cgroup, "memory.events", "oom_kill",
	    &oom) == 0)
		v->cg_oom_kills = oom;
}

/* Lines of maps, read in large chunks (no parse). */
static size_t
count_maps(const struct tri_proc *p)
{
	char buf[65536];
	size_t n = 0;
	ssize_t r;
	char *s, *e;
	int fd;

	if ((fd = openat(p->dirfd, "maps", O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (s = buf, e = buf + r; (s = memchr(s, '\n', (size_t)(e - s)))
		    != NULL; s++)
			n++;
	close(fd);
	return n;
}

int
tri_memverdict_read(const struct tri_proc *p, int flags,
    struct tri_memverdict *v)
{
	struct tri_status st;
	unsigned long long soft, hard;
	struct timespec ts;

	memset(v, 0, sizeof(*v));
	v->pid = p->pid;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	v->when = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	v->seconds_to_limit = -1;
	if (tri_proc_read_status(p, &st) < 0)
		return -1;
	v->rss_kb = st.vmrss_kb > 0 ? (unsigned long long)st.vmrss_kb : 0;
	v->swap_kb = st.vmswap_kb > 0 ? (unsigned long long)st.vmswap_kb : 0;
	v->locked_kb = st.vmlck_kb > 0 ? (unsigned long long)st.vmlck_kb : 0;
	v->max_map_count = max_map_count();
	cgroup_limit(p->pid, v);
	if (tri_proc_read_limit(p, "Max locked memory", &soft, &hard) == 0) {
		v->memlock = soft;
		v->have_memlock = true;
	}
	if (flags & TRI_MEMVERDICT_COUNT_MAPS)
		v->map_count = count_maps(p);
	return tri_proc_check(p);
}

void
tri_memverdict_growth(struct tri_memverdict *now,
    const struct tri_memverdict *before)
{
	double dt = now->when - before->when;

	if (!(dt > 0))
		return;
	now->have_growth = true;
	now->interval = dt;
	now->rss_kb_per_second = ((double)now->rss_kb -
	    (double)before->rss_kb) / dt;
	now->seconds_to_limit = -1;
	if (now->have_cgroup && before->have_cgroup &&
	    strcmp(now->cgroup, before->cgroup) == 0) {
		now->cg_bytes_per_second = ((double)now->cg_usage -
		    (double)before->cg_usage) / dt;
		if (now->cg_bytes_per_second > 0 && now->cg_limit > now->cg_usage)
			now->seconds_to_limit = (double)(now->cg_limit -
			    now->cg_usage) / now->cg_bytes_per_second;
		else if (now->cg_bytes_per_second > 0)
			now->seconds_to_limit = 0;
	}
}

static enum tri_memverdict_level
by_percent(double pct)
{
	if (pct >= 100)
		return TRI_MEMVERDICT_OVER;
	if (pct >= TRI_MEMVERDICT_NEAR_PERCENT)
		return TRI_MEMVERDICT_NEAR;
	return TRI_MEMVERDICT_OK;
}

static void
set(struct tri_memverdict *v, enum tri_memverdict_what w,
    enum tri_memverdict_level l, double pct)
{
	v->check[w].known = true;
	v->check[w].level = l;
	v->check[w].percent = pct;
	if (l > v->level)
		v->level = l;
}

/* The verdict line: the worst check, with its numbers. */
static void
say(struct tri_memverdict *v)
{
	const struct tri_memverdict_check *c = v->check;

	if (v->level == TRI_MEMVERDICT_OK) {
		snprintf(v->verdict, sizeof(v->verdict), "within limits");
		return;
	}
	if (c[TRI_MV_CGROUP].level == v->level) {
		if (v->cg_oom_kills > 0)
			snprintf(v->verdict, sizeof(v->verdict),
			    "cgroup memory at %.1f%% of its limit, %llu OOM "
			    "kills", c[TRI_MV_CGROUP].percent,
			    (unsigned long long)v->cg_oom_kills);
		else if (v->seconds_to_limit >= 0 &&
		    c[TRI_MV_CGROUP].percent < TRI_MEMVERDICT_NEAR_PERCENT)
			snprintf(v->verdict, sizeof(v->verdict),
			    "cgroup memory at %.1f%% of its limit, reached in "
			    "%.0f s at the current growth",
			    c[TRI_MV_CGROUP].percent, v->seconds_to_limit);
		else
			snprintf(v->verdict, sizeof(v->verdict),
			    "cgroup memory at %.1f%% of its limit",
			    c[TRI_MV_CGROUP].percent);
	} else if (c[TRI_MV_MAPS].level == v->level) {
		snprintf(v->verdict, sizeof(v->verdict), "%zu mappings, %.1f%% "
		    "of vm.max_map_count", v->map_count,
		    c[TRI_MV_MAPS].percent);
	} else if (c[TRI_MV_MEMLOCK].level == v->level) {
		snprintf(v->verdict, sizeof(v->verdict), "locked memory at "
		    "%.1f%% of RLIMIT_MEMLOCK", c[TRI_MV_MEMLOCK].percent);
	} else {
		snprintf(v->verdict, sizeof(v->verdict), "%llu kB in swap",
		    v->swap_kb);
	}
}

void
tri_memverdict_judge(struct tri_memverdict *v)
{
	enum tri_memverdict_level l;
	double pct;

	memset(v->check, 0, sizeof(v->check));
	v->level = TRI_MEMVERDICT_OK;
	if (v->have_cgroup && v->cg_limit > 0) {
		pct = 100.0 * (double)v->cg_usage / (double)v->cg_limit;
		l = by_percent(pct);
		if (v->cg_oom_kills > 0)
			l = TRI_MEMVERDICT_OVER;
		else if (l == TRI_MEMVERDICT_OK && v->have_growth &&
		    v->seconds_to_limit >= 0 &&
		    v->seconds_to_limit < SOON_SECONDS)
			l = TRI_MEMVERDICT_NEAR;
		set(v, TRI_MV_CGROUP, l, pct);
	}
	if (v->max_map_count > 0 && v->map_count > 0) {
		pct = 100.0 * (double)v->map_count / (double)v->max_map_count;
		set(v, TRI_MV_MAPS, by_percent(pct), pct);
	}
	if (v->have_memlock && v->memlock != RLIM_INFINITY) {
		pct = v->memlock ? 100.0 * (double)v->locked_kb * 1024 /
		    (double)v->memlock : (v->locked_kb ? 100.0 : 0.0);
		set(v, TRI_MV_MEMLOCK, by_percent(pct), pct);
	} else if (v->have_memlock) {
		set(v, TRI_MV_MEMLOCK, TRI_MEMVERDICT_OK, -1);
	}
	/* Swap in use is memory pressure already felt. */
	set(v, TRI_MV_SWAP, v->swap_kb > 0 ? TRI_MEMVERDICT_NEAR :
	    TRI_MEMVERDICT_OK, -1);
	say(v);
}

const char *
tri_memverdict_name(enum tri_memverdict_what w)
{
	static const char *const names[TRI_MV_NWHAT] = {
		"cgroup", "mappings", "swap", "memlock",
	};

	return (unsigned)w < TRI_MV_NWHAT ? names[w] : "?";
}

const char *
tri_memverdict_level_name(enum tri_memverdict_level l)
{
	switch (l) {
	case TRI_MEMVERDICT_OK:		return "ok";
	case TRI_MEMVERDICT_NEAR:	return "near";
	case TRI_MEMVERDICT_OVER:	return "over";
	}
	return "?";
}
