/* lib/csverdict.h - why a process switches: contention, blocking, quota. */
#ifndef TRI_CSVERDICT_H
#define TRI_CSVERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"

/*
 * The context-switch verdict, one function for every command that needs
 * it (ctxswitch after its last interval, triage in its checks): never
 * write it twice.
 *
 * How triage calls it: tri_csverdict_measure(pid, 1.0, &v) samples every
 * thread's counters (task/TID/status and task/TID/schedstat, summed over
 * all threads: /proc/PID/status alone is the main thread only), waits,
 * samples again and judges; v.kind is the verdict.  A command that keeps
 * its own samples (ctxswitch) fills a struct tri_csverdict_in with the
 * counts of its span and calls tri_csverdict_judge().
 */

/* One thread's counts over the span judged. */
struct tri_csverdict_thread {
	pid_t			 tid;
	unsigned long long	 vol, invol;	/* switches in the span */
	unsigned long long	 cpu_ns;	/* schedstat time on a CPU */
	unsigned long long	 wait_ns;	/* schedstat time waiting for one */
};

/* What is judged: sums over every thread, exited ones included. */
struct tri_csverdict_in {
	pid_t			 pid;
	const struct tri_proc	*proc;		/* NULL: opened by pid */
	double			 elapsed;	/* seconds of the span */
	unsigned long long	 vol, invol, wait_ns;
	const struct tri_csverdict_thread *thr;	/* the live threads */
	size_t			 nthr;
};

/* The tightest cgroup CPU quota above a process (v2 cpu.max, v1 cfs). */
struct tri_csverdict_quota {
	char		 dir[512];	/* cgroup dir holding the tightest quota */
	double		 cpus;		/* 0: no quota */
	long long	 q_us, period_us;
	uint64_t	 periods, throttled, throttled_us;	/* its cpu.stat */
	bool		 v2, found;	/* found: a cpu cgroup was found */
};

/* What the verdict says of a process, and the facts behind it. */
struct tri_csverdict {
	double		 vol, invol;	/* switches per second */
	double		 runq_ms;	/* ms per second waiting for a CPU */
	double		 elapsed;	/* seconds */
	const char	*kind;		/* "cpu_contention", "blocking", "quiet" */
	bool		 contention_too; /* blocking, but CPU contention too */
	int		 busy;		/* threads on or waiting for a CPU */
	int		 busy_cpus;	/* CPUs the busy threads may use */
	char		 busy_list[128];	/* their CPUs, "0,1" */
	int		 allowed;	/* CPUs the process may use */
	struct tri_csverdict_quota q;
	bool		 over_quota;	/* more busy threads than the quota */
	bool		 is_go, go_set;	/* a Go program; GOMAXPROCS set */
	char		 go_ver[32];
	long		 gomaxprocs;	/* set, or what Go picks: allowed */
	bool		 go_over;	/* GOMAXPROCS above the quota/CPUs */
	long		 go_want;	/* the GOMAXPROCS to set when go_over */
};

/*
 * Judge in into *v: the kind (cpu_contention when involuntary switches
 * dominate and threads wait at least 10 ms/s for a CPU; blocking when
 * voluntary ones dominate; else quiet), the busy threads (over 30% of a
 * CPU or waiting over 10%) and their CPUs, the cgroup quota and its
 * throttling, and the Go facts.  Reads affinity, cgroup files and the
 * executable; changes nothing.  Never fails: facts it cannot read stay 0.
 */
void	tri_csverdict_judge(const struct tri_csverdict_in *in,
	    struct tri_csverdict *v);

/* The tightest CPU quota from pid's cpu cgroup up to its root, and its
 * throttling.  0, or -1 with errno (q->found false). */
int	tri_csverdict_quota(pid_t pid, struct tri_csverdict_quota *q);

/* "idle", "voluntary" or "involuntary": what a thread mostly does. */
const char *tri_csverdict_thread_class(unsigned long long vol,
	    unsigned long long invol);

/*
 * Sample pid's threads twice, seconds apart, and judge the span.  0, or
 * -1 with errno (ESRCH: gone before the second sample; EINVAL: seconds
 * not positive).  For triage; ctxswitch keeps its own samples.
 */
int	tri_csverdict_measure(pid_t pid, double seconds,
	    struct tri_csverdict *v);

#endif /* TRI_CSVERDICT_H */
