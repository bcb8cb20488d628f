/* lib/memverdict.h - how close a process is to its memory limits: facts, verdict. */
#ifndef TRI_MEMVERDICT_H
#define TRI_MEMVERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"

/*
 * The memory limits verdict of one process, in one place for every
 * command that gives it (memmap, triage): never write it twice.
 *
 * How triage (or any caller) uses it:
 *
 *	struct tri_memverdict a, b;
 *	tri_memverdict_read(&p, TRI_MEMVERDICT_COUNT_MAPS, &a);
 *	... wait ...
 *	tri_memverdict_read(&p, TRI_MEMVERDICT_COUNT_MAPS, &b);
 *	tri_memverdict_growth(&b, &a);	  (optional: growth between samples)
 *	tri_memverdict_judge(&b);
 *	b.level, b.verdict, b.check[] say what is near or over a limit.
 *
 * memmap fills map_count, rss_kb and locked_kb from its own smaps read
 * (flags 0 leaves map_count to the caller) and then calls judge.
 */

/* A share of a limit from which a check is "near". */
#define TRI_MEMVERDICT_NEAR_PERCENT	90.0

enum tri_memverdict_level {
	TRI_MEMVERDICT_OK,	/* nothing near a limit */
	TRI_MEMVERDICT_NEAR,	/* one limit at TRI_MEMVERDICT_NEAR_PERCENT+ */
	TRI_MEMVERDICT_OVER,	/* a limit reached (or failing: swap in use
				   under a cgroup limit, OOM kills seen) */
};

enum tri_memverdict_what {
	TRI_MV_CGROUP,		/* cgroup memory usage against its limit */
	TRI_MV_MAPS,		/* mappings against vm.max_map_count */
	TRI_MV_SWAP,		/* swap in use by the process */
	TRI_MV_MEMLOCK,		/* locked memory against RLIMIT_MEMLOCK */
	TRI_MV_NWHAT
};

/* One check's result. */
struct tri_memverdict_check {
	bool			 known;		/* the facts were there */
	enum tri_memverdict_level level;
	double			 percent;	/* of the limit; -1: no limit */
};

/* Read only what the flags ask besides the limits. */
#define TRI_MEMVERDICT_COUNT_MAPS	0x1	/* count /proc/PID/maps lines */

struct tri_memverdict {
	pid_t			 pid;
	double			 when;		/* CLOCK_MONOTONIC seconds */
	/* mappings */
	size_t			 map_count;	/* caller's, or counted */
	size_t			 max_map_count;	/* 0: unknown */
	/* cgroup memory (v1 memory.limit_in_bytes / v2 memory.max) */
	bool			 have_cgroup;	/* a limit is set above it */
	bool			 cg_v2;
	char			 cgroup[256];	/* the directory of the limit */
	uint64_t		 cg_limit, cg_usage;	/* bytes */
	uint64_t		 cg_oom_kills;	/* v2 memory.events oom_kill */
	/* the process (from /proc/PID/status unless the caller knows) */
	unsigned long long	 rss_kb, swap_kb, locked_kb;
	bool			 have_memlock;
	unsigned long long	 memlock;	/* bytes, or RLIM_INFINITY */
	/* growth (tri_memverdict_growth) */
	bool			 have_growth;
	double			 interval;	/* seconds between the samples */
	double			 rss_kb_per_second;
	double			 cg_bytes_per_second;
	double			 seconds_to_limit;	/* -1: not growing */
	/* the verdict (tri_memverdict_judge) */
	struct tri_memverdict_check check[TRI_MV_NWHAT];
	enum tri_memverdict_level level;	/* the worst check */
	char			 verdict[200];	/* one line, no newline */
};

/*
 * Read the limits and the facts of p: vm.max_map_count, the tightest
 * cgroup memory limit above it and that cgroup's usage, RLIMIT_MEMLOCK,
 * and VmRSS, VmSwap, VmLck from status.  map_count is counted only with
 * TRI_MEMVERDICT_COUNT_MAPS, else left 0 for the caller.  A fact that
 * cannot be read is left unknown.  Returns 0, or -1 with errno (ESRCH)
 * when the process is gone.
 */
int	tri_memverdict_read(const struct tri_proc *p, int flags,
	    struct tri_memverdict *v);

/*
 * Growth of now since before (the same process, an earlier read): RSS
 * and cgroup usage per second, and the seconds until the cgroup limit at
 * that rate.  Nothing when the interval is not positive.
 */
void	tri_memverdict_growth(struct tri_memverdict *now,
	    const struct tri_memverdict *before);

/* The checks, the worst level and the verdict line, from the facts. */
void	tri_memverdict_judge(struct tri_memverdict *v);

/* "cgroup", "mappings", "swap", "memlock": a check as one word. */
const char *tri_memverdict_name(enum tri_memverdict_what w);
/* "ok", "near", "over". */
const char *tri_memverdict_level_name(enum tri_memverdict_level l);

#endif /* TRI_MEMVERDICT_H */
