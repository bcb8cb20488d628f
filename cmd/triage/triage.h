/* cmd/triage/triage.h - the findings model and what triage's files share. */
#ifndef TRIAGE_TRIAGE_H
#define TRIAGE_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli.h"
#include "out.h"
#include "proc.h"

/* Severities, most severe first, so that sorting by value sorts by gravity. */
enum sev { SEV_CRIT, SEV_WARN, SEV_INFO };

/* One typed piece of evidence: its key carries the unit (man 7 triage). */
enum ev_type { EV_INT, EV_UINT, EV_DOUBLE, EV_STR };

struct evidence {
	const char		*key;		/* static, lower_snake_case */
	enum ev_type		 type;
	long long		 i;
	unsigned long long	 u;
	double			 d;
	char			 s[128];	/* EV_STR: raw bytes, escaped on output */
};

#define EV_MAX	12

/* A finding: what is wrong, how we know, and the command that goes deeper. */
struct finding {
	enum sev		 sev;
	const char		*check;		/* "fds", "zombies", ... (static) */
	int			 order;		/* check order, for a stable sort */
	pid_t			 pid;		/* 0: the machine */
	char			 comm[TRI_COMM_MAX];	/* raw bytes */
	char			 line[240];	/* one line; may hold raw bytes */
	struct evidence		 ev[EV_MAX];
	int			 nev;
	char			 next[160];	/* the triage command, "" none */
};

/* A top-N list of the whole-machine view: one line per process. */
struct top_row {
	pid_t			 pid;
	char			 comm[TRI_COMM_MAX];
	double			 value;
	char			 text[96];	/* the rest of the line (made here) */
};

struct top_list {
	const char		*name;		/* "fds", "rss", ... */
	const char		*key;		/* JSON key of value, with its unit */
	const char		*next;		/* next, before the pid */
	struct top_row		*rows;
	size_t			 n;
};

struct report {
	struct finding		*f;
	size_t			 n, cap;
	const char		*passed[16];	/* checks run that found nothing */
	int			 npassed;
	char			 unread[8][160];	/* what could not be read */
	int			 nunread;
	struct top_list		 top[7];
	int			 ntop;
	pid_t			 pid;		/* the target, 0: the machine */
	char			 comm[TRI_COMM_MAX];
	double			 window;	/* seconds sampled */
	double			 wall;		/* CLOCK_REALTIME at the start */
};

struct ctl {
	struct tri_targets	 targets;
	double			 interval;	/* -i: the sampling window */
	unsigned long		 top;		/* -t: rows per top list */
	bool			 check;		/* --check: exit 1 on WARN */
	bool			 json;		/* --json */
	bool			 prom;		/* --prom */
	bool			 header;	/* not --no-header */
	enum tri_color_mode	 color;
};

/* finding.c: the model */
struct finding *finding_add(struct report *r, enum sev sev, const char *check,
	    pid_t pid, const char *comm);
void	finding_line(struct finding *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	finding_next(struct finding *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	ev_int(struct finding *f, const char *key, long long v);
void	ev_uint(struct finding *f, const char *key, unsigned long long v);
void	ev_double(struct finding *f, const char *key, double v);
void	ev_str(struct finding *f, const char *key, const char *s);
void	report_passed(struct report *r, const char *check);
void	report_unread(struct report *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	report_sort(struct report *r);
enum sev report_worst(const struct report *r);
void	report_free(struct report *r);
const char *sev_name(enum sev s);
int	check_order(const char *check);

/* proc.c, proctask.c: one process (target.c opens it) */
int	target_open(const struct ctl *ctl, pid_t pid, struct tri_proc *p,
	    struct report *r);
int	proc_checks(const struct ctl *ctl, struct tri_proc *p, struct report *r);
void	check_zombies(struct report *r, const struct tri_proc *p,
	    const char *comm);
void	check_forks(struct report *r, const struct tri_proc *p,
	    const char *comm);
void	check_oom(struct report *r, const struct tri_proc *p, const char *comm);
void	check_signals(struct report *r, const struct tri_proc *p,
	    const char *comm, const struct tri_status *st);
/* thread states at the start and end of the window */
struct tstates;
struct tstates *tstates_read(const struct tri_proc *p);
void	check_threads(struct report *r, const struct tri_proc *p,
	    const char *comm, struct tstates *before, struct tstates *after,
	    double window);

/* machine.c: the whole machine; machtop.c: its process scan and top lists */
int	machine_checks(const struct ctl *ctl, struct report *r);
struct scan;
struct scan *scan_take(void);
void	scan_free(struct scan *s);
void	machine_top(const struct ctl *ctl, struct report *r,
	    const struct scan *a, const struct scan *b, double window);

/* text.c, json.c, prom.c: output */
void	text_report(const struct ctl *ctl, const struct report *r);
void	json_report(const struct ctl *ctl, const struct report *r);
void	prom_report(const struct ctl *ctl, const struct report *r);

#endif /* TRIAGE_TRIAGE_H */
