/* cmd/forkguard/watch.h - what the files of watch mode share: its tables, sized once. */
#ifndef FORKGUARD_WATCH_H
#define FORKGUARD_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "forkguard.h"
#include "procconn.h"

#define LIN_MAX		4096	/* lineages followed at once */
#define PROTECT_MAX	64	/* PID 1, forkguard and its ancestors */
#define BIN_S		0.05	/* fork counts per 50 ms ... */
#define NBINS		20	/* ... over the last second */
#define RATE_WINDOW	0.5	/* the rate a bomb must reach, over this */
#define LIVE_MIN	32	/* and this many live processes */

/* One process, indexed by pid. */
struct wproc {
	pid_t		 ppid;
	int		 lin;		/* index + 1 into lins; 0 none */
	uint8_t		 alive;
	uint8_t		 moved;		/* in the quarantine already */
};

/* A lineage: the processes below one ancestor that run one executable. */
struct wlin {
	bool		 used;
	pid_t		 anc;		/* the common ancestor */
	uint64_t	 key;		/* hash of the executable's path */
	char		 exe[256];	/* raw bytes */
	unsigned	 live;
	unsigned long	 forks;
	unsigned	 bins[NBINS];
	long		 bin;		/* index of the newest bin */
	bool		 reported;
};

struct watch {
	const struct ctl	*ctl;
	struct wproc		*procs;
	size_t			 pid_max;	/* entries in procs and seen */
	struct wlin		*lins;
	uint8_t			*seen;		/* scan marks */
	pid_t			*members;	/* a lineage's pids, for a kill */
	pid_t			 prot[PROTECT_MAX];
	size_t			 nprot;
	int			 nlfd;		/* proc connector, -1 none */
	bool			 lost;		/* events were dropped */
	uint8_t			 gen;		/* scan generation */
	char			 scope[4096];	/* --within: a pids cgroup path */
	bool			 scoped;
	struct tri_cgroup_fence	 q;		/* the quarantine */
	bool			 have_q;
	unsigned long		 bombs;
};

/* watch.c */
bool	watch_protected(pid_t);
/* Whether pid is in the --within cgroup (always without --within). */
bool	watch_in_scope(const struct watch *, pid_t);

/* track.c: lineages from events and scans */
void	track_event(struct watch *, const struct tri_procconn_event *,
	    double now);
void	track_drain(struct watch *, double now);
void	scan_proc(struct watch *, double now, bool count_forks);
/* Forks of lineage l in the last RATE_WINDOW seconds, per second. */
double	lin_rate(struct watch *, struct wlin *, double now);
/* Live members of lineage index i (0-based) into w->members. */
size_t	lin_members(struct watch *, int i);
void	judge(struct watch *, double now);

/* wkill.c: report a bomb and stop it */
void	bomb_found(struct watch *, int lin, double rate, double now);

#endif /* FORKGUARD_WATCH_H */
