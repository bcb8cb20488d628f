/* cmd/ctxswitch/ctxswitch.h - what the files of ctxswitch share. */
#ifndef CTXSWITCH_H
#define CTXSWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <regex.h>
#include <sys/types.h>

#include "cli.h"
#include "csverdict.h"
#include "out.h"
#include "proc.h"

/* The columns of the text tables (-o); cols.c. */
enum cs_col {
	CS_TIME, CS_PID, CS_TID, CS_SW, CS_VOL, CS_INVOL, CS_CPU, CS_RUNQ,
	CS_MIGR, CS_NVCSW, CS_NIVCSW, CS_THREADS, CS_COMM, CS_NCOL
};
#define CS_COLS_MAX	32

struct cs_cols {
	unsigned char	 v[CS_COLS_MAX];	/* enum cs_col, in order */
	size_t		 n;
};

struct ctl {
	struct tri_targets	 targets;	/* -p */
	struct tri_sample	 sample;	/* -i, -n and the operands */
	bool			 sample_set;	/* -i, -n or an operand given */
	bool			 threads;	/* -t: a row per thread */
	bool			 top;		/* --top: the live screen */
	bool			 bench;		/* --bench: measure a switch */
	bool			 json;		/* --json */
	bool			 header;	/* not --no-header */
	bool			 prom;		/* --prom: metrics of the last interval */
	bool			 cmdline;	/* -l: the command line, not comm */
	bool			 one_line;	/* -O: pidstat -h, a line per sample */
	bool			 raw;		/* --raw: cells apart by one space */
	struct tri_users	 users;		/* -u, -U: the system view's users */
	regex_t			 comm_re;	/* -C: names in the system view */
	bool			 comm_set;
	unsigned long		 limit;		/* -L: processes in the system view */
	struct cs_cols		 cols;		/* -o: the table's columns */
	bool			 cols_set;	/* -o given */
	const char		*report;	/* -w: run mode report file */
	char			**argv;		/* run mode: the program */
};

/* One thread of a watched process, as of the latest sample. */
struct cs_thread {
	pid_t			 tid;
	char			 name[TRI_COMM_MAX];	/* raw */
	struct tri_ctxt		 c;
	struct tri_schedstat	 ss;
	unsigned long long	 migr;
	bool			 has_ss, has_migr;
	bool			 fresh;		/* born during the last interval */
	/* over the latest interval */
	unsigned long long	 dvol, dinvol, drun, dwait, dmigr;
	/* since the first sample: for the verdict */
	unsigned long long	 run_vol, run_invol, run_wait, run_cpu;
};

/* A watched process. */
struct cs_proc {
	struct tri_proc		 h;
	pid_t			 pid;
	char			 comm[TRI_COMM_MAX];	/* raw */
	bool			 gone;		/* exited (or pid reused) */
	char			*args;		/* -l: cmdline, NUL-separated */
	size_t			 args_len;
	bool			 read_migr;	/* task/TID/sched is readable */
	int			 nsamples;	/* samples taken */
	double			 t_last, t_first;	/* monotonic */
	double			 dt;		/* length of the latest interval */
	struct cs_thread	*thr;		/* sorted by tid */
	size_t			 nthr;
	/* counts of threads that exited since they were first seen */
	unsigned long long	 dead_vol, dead_invol;
	size_t			 seen;		/* threads ever seen */
	/* sums over the latest interval */
	unsigned long long	 dvol, dinvol, drun, dwait, dmigr;
	bool			 has_ss, has_migr;
	/* sums since the first sample */
	unsigned long long	 run_vol, run_invol, run_wait, run_cpu;
};

/* Rates of an interval, per second. */
struct cs_rates {
	double	 vol, invol, cpu, runq_ms, migr;
};

/* One row of a text table: a process (tid 0) or one of its threads. */
struct cs_row {
	pid_t			 pid, tid;
	struct cs_rates		 r;
	bool			 has_ss, has_migr;
	unsigned long long	 nvcsw, nivcsw;	/* since it started */
	struct cs_proc		*proc;		/* its name, or -l its cmdline */
	const char		*name;		/* a thread row: its name */
};

/* The whole system: every process, sampled together. */
struct cs_system {
	struct cs_proc		*procs;		/* sorted by pid */
	size_t			 n;
	struct tri_sysstat	 st, prev;
	double			 t, dt;
	int			 nsamples;
};

#define WHY_KINDS	6	/* distinct places kept per thread */

/* Where a thread was found blocked (or running), and how often. */
struct place {
	char	 where[48];	/* "futex", "read pipe", "on CPU" */
	int	 n;
};

struct why_thr {
	const struct cs_thread	*t;
	struct place		 p[WHY_KINDS];
	int			 np, samples;
};

/* sample.c: reading a process's threads and their counters */
int	cs_proc_open(struct cs_proc *, pid_t, bool migrations);
void	cs_proc_free(struct cs_proc *);
/* Sample every thread; -1 with errno (ESRCH: the process is gone). */
int	cs_proc_sample(struct cs_proc *);
void	cs_rates_proc(const struct cs_proc *, struct cs_rates *);
void	cs_rates_thread(const struct cs_proc *, const struct cs_thread *,
	    struct cs_rates *);
/* The voluntary (or involuntary) switches of live and exited threads. */
unsigned long long cs_proc_lifetime(const struct cs_proc *, bool vol);
/* Open and sample each -p target, or one line and exit 2. */
struct cs_proc *cs_open_targets(const struct ctl *);

/* system.c: every process, sampled together, and the system view */
int	cs_system_sample(struct cs_system *);
void	cs_system_free(struct cs_system *);
void	cs_print_system(const struct ctl *, struct cs_system *);

/* view.c: the rows of the -p view, text and JSON */
const char *cs_clock(const struct ctl *, char *buf, size_t size);
double	cs_realtime(void);
/* A stream line's start: schema, type, time_unix. */
void	cs_json_line(struct tri_json *, const char *type);
/* The name column: comm, or with -l the command line (read on need);
 * cs_print_name ends the line, cs_fprint_name does not. */
void	cs_print_name(const struct ctl *, struct cs_proc *);
void	cs_fprint_name(const struct ctl *, FILE *, struct cs_proc *);
void	cs_json_name(const struct ctl *, struct tri_json *, struct cs_proc *);
/* The footnote of the -p view: process rows sum every thread. */
void	cs_print_footnote(const struct ctl *);
/* prom.c: --prom, the last interval as Prometheus metrics */
void	cs_prom_procs(const struct ctl *, struct cs_proc *, size_t n);
void	cs_prom_system(const struct ctl *, struct cs_system *,
	    struct cs_proc **, size_t n);
/* A name, escaped; with --raw a space too (\x20, as lsblk --raw). */
void	cs_print_str(const struct ctl *, FILE *, const char *s, size_t len);
void	cs_json_rates(struct tri_json *, const struct cs_rates *, bool has_ss,
	    bool has_migr);
void	cs_print_proc(const struct ctl *, struct cs_proc *);
void	cs_print_lifetime(const struct ctl *, struct cs_proc *);

/* cols.c: -o, and the header and rows of the text tables */
/* -o's argument into *c (+COL appends to the default); 0, or one line
 * on stderr and -1.  "help" lists the columns on stdout and exits 0. */
int	cs_cols_parse(struct cs_cols *c, const char *arg);
void	cs_cols_default(struct cs_cols *c);
/* A column's header, width (negative: left-aligned) and a row's cell. */
const char *cs_col_head(const struct ctl *, int col);
int	cs_col_width(const struct ctl *, int col);
const char *cs_cell_text(int col, const char *clock, const struct cs_row *,
	    char *buf, size_t size);
void	cs_print_header(const struct ctl *);
void	cs_text_row(const struct ctl *, const char *clock,
	    const struct cs_row *);
/* Fill a row of process cp (tid 0) or of its thread t. */
void	cs_row_proc(struct cs_row *, struct cs_proc *cp);
void	cs_row_thread(struct cs_row *, struct cs_proc *cp,
	    const struct cs_thread *t);

/* watch.c: the sampling loops of the -p view and the system view */
int	cs_watch_targets(const struct ctl *);
int	cs_watch_system(const struct ctl *);

/* places.c: where the voluntary threads block */
/* The malloc'd places of the busiest voluntary threads in *out; how many. */
size_t	cs_sample_places(const struct cs_proc *, struct why_thr **out);
/* What a blocking place means ("futex": lock contention...); static. */
const char *cs_meaning(const char *where);
/* Places by descending count, for qsort. */
int	cs_cmp_place(const void *, const void *);

/* verdict.c: the span of a process, judged by lib/csverdict */
void	cs_judge(struct cs_proc *, struct tri_csverdict *);
/* "idle", "voluntary" or "involuntary": what a thread mostly does. */
const char *cs_thread_class(const struct cs_thread *);

/* why.c: the verdict lines and JSON after the last interval */
void	cs_why(const struct ctl *, struct cs_proc *);

/* top.c: --top, the live screen */
int	cs_top(const struct ctl *);

/* run.c: run mode, a program's switches from start to end */
int	cs_run(const struct ctl *);

/* bench.c: --bench, the cost of one switch */
int	cs_bench(const struct ctl *);

#endif /* CTXSWITCH_H */
