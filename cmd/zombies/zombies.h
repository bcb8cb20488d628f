/* cmd/zombies/zombies.h - what the files of zombies share. */
#ifndef ZOMBIES_H
#define ZOMBIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "out.h"
#include "proc.h"
#include "ptable.h"
#include "zparent.h"

/* -S keys: the order of zombies_sort_keys in main.c. */
enum zsort { ZSORT_PID, ZSORT_AGE, ZSORT_PARENT, ZSORT_COUNT };

struct ctl {
	struct tri_targets	 targets;	/* -p: subtrees to look at */
	struct tri_sample	 sample;	/* -i, -n for --watch */
	double			 min_age;	/* -m: seconds a zombie must have lived */
	bool			 all;		/* -a: show exited leaders too */
	bool			 check;		/* -c: exit 1 on an old zombie */
	bool			 dry_run;	/* -d: say what --reap would do */
	bool			 force;		/* -f: reap children of PID 1 too */
	bool			 force_held;	/* -F: parents traced or stopped too */
	bool			 orphans;	/* -o: the orphans view */
	bool			 reap;		/* -r */
	bool			 watch;		/* -w */
	bool			 json;		/* --json */
	bool			 prom;		/* --prom */
	const char		*columns;	/* --output: the zombie table's */
	bool			 raw;		/* --raw: no alignment */
	struct tri_users	 users;		/* -u: zombies of these users */
	int			 sort;		/* -S: an enum zsort */
	bool			 header;	/* not --no-header */
};

/* One zombie (or, with leader set, a Z leader whose threads still run). */
struct zomb {
	pid_t			 pid, ppid;
	unsigned long long	 start;		/* identity against pid reuse */
	char			 comm[TRI_COMM_MAX];
	int			 status;	/* stat field 52, wait(2) form */
	bool			 have_status;
	bool			 status_hidden;	/* the kernel hid it from us */
	double			 cpu;		/* utime + stime, seconds */
	double			 age;		/* seconds a zombie; < 0 unknown */
	double			 seen;		/* --watch: seconds seen; < 0 unknown */
	int			 nlwp;
	int			 nsiblings;	/* zombies of its parent, itself too */
	bool			 leader;	/* exited leader with live threads */
};

struct scan {
	struct tri_ptable	 pt;
	struct zomb		*z;		/* sorted by pid */
	size_t			 nz;
	struct zomb		*leaders;	/* with --all */
	size_t			 nleaders;
	struct tri_zparent	*p;		/* sorted by zombie count, then pid */
	size_t			 np;
	unsigned long		 tasks;		/* threads of every process */
	unsigned long		 zombies_all;	/* zombies in the whole table */
	unsigned long		 hidden;	/* exit statuses the kernel hid */
	unsigned long		 pid_max, threads_max;
};

/* scan.c: the zombies in scope and their parents, from one snapshot. */
int	scan_take(const struct ctl *, struct scan *, bool diagnose);
void	scan_free(struct scan *);
bool	scan_in_scope(const struct ctl *, const struct scan *,
	    const struct tri_pnode *);
int	zomb_is_old(const struct ctl *, const struct zomb *);
bool	zomb_still(const struct zomb *);
void	scan_age_fallback(const struct ctl *, struct scan *);
/* Order s->z as -S says (pid order without -S). */
void	scan_sort(const struct ctl *, struct scan *);

/* report.c: the zombie table, the parents' verdicts, the JSON. */
void	report_text(const struct ctl *, const struct scan *);
void	report_json(const struct ctl *, const struct scan *);
void	report_prom(const struct ctl *, const struct scan *);
void	report_zomb_json(struct tri_json *, const struct zomb *);
const char *fmt_status(const struct zomb *, char *buf, size_t size);

/* report.c: print a table as --raw and --output say. */
void	zombies_print_table(const struct ctl *, struct tri_table *,
	    const char *cols, bool header);
void	zombies_check_columns(const struct ctl *);

/* orphans.c: --orphans. */
void	report_orphans(const struct ctl *, const struct scan *);

/* reap.c: --reap. */
int	reap_run(const struct ctl *, struct scan *);

/* watch.c: --watch. */
int	watch_run(const struct ctl *);

#endif /* ZOMBIES_H */
