/* cmd/forkguard/forkguard.h - what the files of forkguard share. */
#ifndef FORKGUARD_H
#define FORKGUARD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cgroup.h"
#include "cli.h"
#include "out.h"
#include "proc.h"

#define SCHEMA		"triage.forkguard/1"
#define LINEAGE_PIDS	8	/* pids shown of the lineage that forked most */

enum action { ACT_KILL, ACT_FREEZE, ACT_REPORT };
enum fence_pick { FP_AUTO, FP_V1, FP_V2, FP_NONE };

struct ctl {
	unsigned long		 max_procs;	/* -m: the fence's pids.max */
	double			 max_rate;	/* -r: tasks per second */
	enum action		 action;	/* -a */
	enum fence_pick		 fence;		/* --fence */
	bool			 keep_caps;	/* --keep-caps */
	bool			 watch;		/* -w */
	bool			 kill;		/* -k, with --watch */
	bool			 dry_run;	/* --dry-run, with --watch --kill */
	bool			 limits;	/* -l, -p, -u */
	bool			 json;		/* --json */
	bool			 prom;		/* --prom, with --limits */
	bool			 header;	/* not --no-header */
	double			 interval;	/* -i: seconds between samples */
	unsigned long		 count;		/* -n: --watch ends after N bombs */
	struct tri_targets	 targets;	/* -p */
	bool			 user_set;	/* -u */
	uid_t			 user;
	const char		*output;	/* -W: the report's file */
	const char		*columns;	/* -o: --limits' columns */
	bool			 raw;		/* --raw */
	const char		*within;	/* --within: --watch acts only here */
	enum tri_color_mode	 color;
	char			**argv;		/* the command after -- */
};

/* One sample of the fenced tasks. */
struct sample {
	double		 t;		/* seconds since the command started */
	uint64_t	 tasks;
	uint64_t	 refused;	/* pids.events max, 0 without a cgroup */
	uint64_t	 forks;		/* /proc/stat "processes" (machine) */
};

#define DET_RING	128

/* detect.c: a bomb is growth, doubling, or forks refused at pids.max. */
struct detector {
	double		 max_rate;
	double		 window;	/* the rate must hold this long */
	uint64_t	 cap;		/* no cgroup: tasks that mean a bomb */
	struct sample	 ring[DET_RING];
	size_t		 n;		/* samples taken */
	bool		 have_base;
	uint64_t	 refused0;	/* pids.events max at the start */
	uint64_t	 peak;		/* most tasks seen */
	double		 peak_rate;	/* fastest growth over a window */
	double		 forks_rate;	/* machine forks/s over the window */
	char		 why[160];	/* what triggered, once it did */
	const char	*reason;	/* "refused", "rate", "doubling" */
};
void	detect_init(struct detector *, double max_rate);
/* Feed a sample; true once it is a bomb (why and reason set). */
bool	detect_feed(struct detector *, const struct sample *);

/* The lineage that forked most: processes grouped by their topmost
 * ancestor in the set that runs the same executable. */
struct lineage {
	size_t		 total;		/* processes looked at */
	size_t		 present;	/* processes there were (more than
					   total when the time ran out) */
	size_t		 count;		/* in this lineage */
	pid_t		 root;
	char		 comm[TRI_COMM_MAX];	/* raw bytes */
	char		 exe[512];		/* raw bytes, "" unknown */
	pid_t		 pids[LINEAGE_PIDS];
	size_t		 npids;
	unsigned long	 escaped;	/* of our processes outside the fence */
};
/* lineage.c */
/* Look at pids[0..n) for at most budget seconds (the bomb waits frozen). */
int	lineage_of(const pid_t *pids, size_t n, double budget,
	    struct lineage *top);
/* Our descendants (we are their subreaper) into out; returns how many. */
size_t	descendants(pid_t self, pid_t *out, size_t cap);

/* What containment did. */
struct contained {
	bool		 frozen;	/* the whole fence froze at once */
	double		 frozen_ms;	/* from detection */
	size_t		 killed;	/* processes signalled (0: cgroup.kill) */
	bool		 empty;
	double		 empty_ms;	/* from detection to an empty fence */
	const char	*failure;	/* static: why it could not be emptied */
};

/* spawn.c: the command, in its fence, without capabilities. */
struct child {
	pid_t		 pid;
	bool		 reaped;
	int		 status;	/* wait(2) status once reaped */
	int		 exec_errno;	/* exec failed: its errno */
};
int	spawn(const struct ctl *, const struct tri_cgroup_fence *,
	    uint64_t nproc, struct child *);
/* Reap every child that has ended (we are a subreaper); WNOHANG. */
void	reap(struct child *);
/* The exit status forkguard gives for the command's wait status. */
int	child_exit(const struct child *);

/* fence.c */
int	fence_open(const struct ctl *, struct tri_cgroup_fence *);
void	fence_close(struct tri_cgroup_fence *, struct child *);
int	contain(struct tri_cgroup_fence *, struct child *, double t_detect,
	    double (*now)(void), struct lineage *, struct contained *,
	    bool kill_it);

/* fallback.c: no cgroup; RLIMIT_NPROC and our own descendants. */
uint64_t fallback_nproc(const struct ctl *);
void	fallback_warn(const char *why);
uint64_t fallback_count(pid_t self);
void	fallback_contain(pid_t self, struct child *, double t_detect,
	    double (*now)(void), struct lineage *, struct contained *);

/* run.c */
int	run_mode(const struct ctl *);

/* report.c */
struct run_report {
	const struct ctl		*ctl;
	const struct tri_cgroup_fence	*fence;		/* NULL: fallback */
	const struct detector		*det;
	const struct child		*child;
	bool				 bomb;
	double				 t_detect;	/* from t0 */
	double				 t_end;
	double				 t0;		/* CLOCK_MONOTONIC at the start */
	bool				 has_peak;	/* pids.peak */
	uint64_t			 peak;
	const struct lineage		*lin;
	const struct contained		*con;
	int				 exit_status;
	int				 signal;	/* forkguard was signalled */
};
void	report_run(FILE *, const struct run_report *);

/* limits.c */
int	limits_mode(const struct ctl *);
void	limits_check_columns(const struct ctl *);	/* exits on a bad -o */

/* watch.c */
int	watch_mode(const struct ctl *);

#endif /* FORKGUARD_H */
