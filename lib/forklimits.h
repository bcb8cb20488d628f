/* lib/forklimits.h - every fence a fork by a process would meet, and the tightest. */
#ifndef TRI_FORKLIMITS_H
#define TRI_FORKLIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"

enum tri_forklimit_kind {
	TRI_FL_NPROC,		/* RLIMIT_NPROC against the tasks of the real uid */
	TRI_FL_CGROUP,		/* one cgroup's pids.max */
	TRI_FL_PID_MAX,		/* kernel.pid_max against the machine's tasks */
	TRI_FL_THREADS_MAX,	/* kernel.threads-max against the same */
};

/* One fence. */
struct tri_forklimit {
	enum tri_forklimit_kind	 kind;
	char			 where[512];	/* the cgroup directory, or "" */
	bool			 v2;		/* a v2 cgroup */
	bool			 applies;	/* false: it does not bind this process */
	const char		*why_not;	/* static: why it does not apply */
	uint64_t		 limit;		/* UINT64_MAX: unlimited */
	uint64_t		 used;
	bool			 has_peak;	/* cgroup pids.peak */
	uint64_t		 peak;
	bool			 has_events;	/* cgroup pids.events */
	uint64_t		 refused;	/* forks refused at this limit */
};

#define TRI_FORKLIMITS_MAX	40

/* The fences of one process, innermost first. */
struct tri_forklimits {
	pid_t			 pid;
	uid_t			 uid;		/* real uid */
	char			 comm[TRI_COMM_MAX];	/* raw bytes */
	size_t			 n;
	struct tri_forklimit	 f[TRI_FORKLIMITS_MAX];
	int			 tightest;	/* index into f, -1: none binds */
};

/*
 * Read every fence a fork by pid would meet: its RLIMIT_NPROC (which
 * does not apply to uid 0, CAP_SYS_ADMIN or CAP_SYS_RESOURCE) against
 * the tasks of its real uid; each ancestor cgroup's pids numbers, from
 * its own cgroup up (v1 or v2); kernel.pid_max and kernel.threads-max
 * against the tasks of the machine.  Sets tightest to the fence with the
 * least headroom among those that apply.  0, or -1 with errno (ESRCH).
 */
int	tri_forklimits_read(pid_t pid, struct tri_forklimits *fl);
/* limit - used (0 when over), UINT64_MAX for an unlimited fence. */
uint64_t tri_forklimits_headroom(const struct tri_forklimit *l);
/* "RLIMIT_NPROC", "pids.max", "kernel.pid_max", "kernel.threads-max". */
const char *tri_forklimits_name(const struct tri_forklimit *l);
/* "rlimit", "cgroup", "sysctl": the kind as one word, for JSON. */
const char *tri_forklimits_kind(const struct tri_forklimit *l);
/* Tasks (threads) whose real uid is uid.  0 or -1 with errno. */
int	tri_forklimits_uid_tasks(uid_t uid, uint64_t *n);
/* The lowest pid whose real uid is uid, for -u USER.  0 or -1 ESRCH. */
int	tri_forklimits_uid_pid(uid_t uid, pid_t *pid);

#endif /* TRI_FORKLIMITS_H */
