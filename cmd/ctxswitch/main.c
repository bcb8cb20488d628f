/* cmd/ctxswitch.c - context switches per process and thread, their cause and cost. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "exe.h"
#include "out.h"
#include "proc.h"
#include "tui.h"

struct ctl {
	struct tri_targets	 targets;	/* -p */
	struct tri_sample	 sample;	/* -i, -n and the operands */
	bool			 sample_set;	/* -i, -n or an operand given */
	bool			 threads;	/* -t: a row per thread */
	bool			 top;		/* --top: the live screen */
	bool			 bench;		/* --bench: measure a switch */
	bool			 json;		/* --json */
	bool			 header;	/* not --no-header */
	unsigned long		 limit;		/* -l: processes in the system view */
	const char		*output;	/* -o: run mode report file */
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

/* sampling */
static int	cs_proc_open(struct cs_proc *cp, pid_t pid, bool migrations);
static void	cs_proc_free(struct cs_proc *cp);
static int	cs_proc_sample(struct cs_proc *cp);
static void	cs_rates_proc(const struct cs_proc *cp, struct cs_rates *r);
static void	cs_rates_thread(const struct cs_proc *cp, const struct cs_thread *t,
	    struct cs_rates *r);
static unsigned long long cs_proc_lifetime(const struct cs_proc *cp, bool vol);

/* The whole system: every process, sampled together. */
struct cs_system {
	struct cs_proc		*procs;		/* sorted by pid */
	size_t			 n;
	struct tri_sysstat	 st, prev;
	double			 t, dt;
	int			 nsamples;
};
static int	cs_system_sample(struct cs_system *s);
static void	cs_system_free(struct cs_system *s);

/* output */
static void	cs_print_header(const struct ctl *ctl);
static void	cs_print_proc(const struct ctl *ctl, const struct cs_proc *cp);
static void	cs_print_system(const struct ctl *ctl, struct cs_system *s);
static void	cs_print_lifetime(const struct ctl *ctl, const struct cs_proc *cp);
static const char *cs_clock(char *buf, size_t size);
static int	cs_cmp_rate(const void *a, const void *b);

static struct cs_proc *open_targets(const struct ctl *ctl);

/* the verdict */
static void	cs_why(const struct ctl *ctl, struct cs_proc *cp);

/* --top */
static int	cs_top(const struct ctl *ctl);

/* run mode */
static int	cs_run(const struct ctl *ctl);

/* --bench */
static int	cs_bench(const struct ctl *ctl);


int
cs_proc_open(struct cs_proc *cp, pid_t pid, bool migrations)
{
	struct tri_stat st;

	memset(cp, 0, sizeof(*cp));
	cp->h.dirfd = -1;
	if (tri_proc_open(&cp->h, pid) < 0)
		return -1;
	cp->pid = cp->h.pid;
	if (tri_proc_read_stat(&cp->h, &st) == 0)
		memcpy(cp->comm, st.comm, sizeof(cp->comm));
	cp->read_migr = migrations;
	return 0;
}

static void
cs_proc_free(struct cs_proc *cp)
{
	tri_proc_close(&cp->h);
	free(cp->thr);
	cp->thr = NULL;
	cp->nthr = 0;
}

/* Counters of an exited thread stay in the lifetime totals. */
static void
bury(struct cs_proc *cp, const struct cs_thread *t)
{
	cp->dead_vol += t->c.vol;
	cp->dead_invol += t->c.invol;
}

/*
 * Read one thread.  Returns -1 when it is gone; the files read one by
 * one, so a thread that exits half-way is dropped, never half-counted.
 */
static int
read_thread(struct cs_proc *cp, pid_t tid, struct cs_thread *t)
{
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	/*
	 * sched holds the switch counters, the migrations and the name: one
	 * file instead of status and sched (about 16 us instead of 27 per
	 * thread here).  Without CONFIG_SCHED_DEBUG or access, fall back to
	 * status for good.
	 */
	if (cp->read_migr) {
		t->has_migr = tri_proc_read_sched_ctxt(&cp->h, tid, &t->c,
		    &t->migr) == 0;
		if (!t->has_migr && errno == ESRCH)
			return -1;
		if (!t->has_migr)
			cp->read_migr = false;
	}
	if (!t->has_migr && tri_proc_read_ctxt(&cp->h, tid, &t->c) < 0)
		return -1;
	memcpy(t->name, t->c.name, sizeof(t->name));
	t->has_ss = tri_proc_read_schedstat(&cp->h, tid, &t->ss) == 0;
	return 0;
}

static unsigned long long
delta(unsigned long long now, unsigned long long then)
{
	return now >= then ? now - then : 0;
}

/*
 * The thread's deltas against its previous sample o (NULL for a thread
 * not seen before).  A counter that went down means the tid was reused
 * by a new thread: count it as new.
 */
static bool
diff_thread(struct cs_proc *cp, struct cs_thread *t, const struct cs_thread *o)
{
	if (o != NULL && t->c.vol >= o->c.vol && t->c.invol >= o->c.invol) {
		t->dvol = t->c.vol - o->c.vol;
		t->dinvol = t->c.invol - o->c.invol;
		t->drun = delta(t->ss.run_ns, o->ss.run_ns);
		t->dwait = delta(t->ss.wait_ns, o->ss.wait_ns);
		t->dmigr = (t->has_migr && o->has_migr) ?
		    delta(t->migr, o->migr) : 0;
		t->run_vol = o->run_vol + t->dvol;
		t->run_invol = o->run_invol + t->dinvol;
		t->run_wait = o->run_wait + t->dwait;
		t->run_cpu = o->run_cpu + t->drun;
		return false;
	}
	cp->seen++;
	if (cp->nsamples == 0)
		return false;	/* the baseline: nothing to rate yet */
	/* Born during the interval: everything it did, it did in it. */
	t->fresh = true;
	t->dvol = t->run_vol = t->c.vol;
	t->dinvol = t->run_invol = t->c.invol;
	t->drun = t->run_cpu = t->ss.run_ns;
	t->dwait = t->run_wait = t->ss.wait_ns;
	t->dmigr = t->migr;
	return o != NULL;	/* the old thread of this tid is gone */
}

static void
sum_threads(struct cs_proc *cp)
{
	size_t i;

	cp->dvol = cp->dinvol = cp->drun = cp->dwait = cp->dmigr = 0;
	cp->has_ss = cp->has_migr = false;
	for (i = 0; i < cp->nthr; i++) {
		const struct cs_thread *t = &cp->thr[i];

		cp->dvol += t->dvol;
		cp->dinvol += t->dinvol;
		cp->drun += t->drun;
		cp->dwait += t->dwait;
		cp->dmigr += t->dmigr;
		cp->has_ss |= t->has_ss;
		cp->has_migr |= t->has_migr;
		if (t->tid == cp->pid && t->name[0] != '\0')
			memcpy(cp->comm, t->name, sizeof(cp->comm));
	}
	cp->run_vol += cp->dvol;
	cp->run_invol += cp->dinvol;
	cp->run_wait += cp->dwait;
	cp->run_cpu += cp->drun;
}

/* Merge the sorted tids with the previous sample's sorted threads. */
static size_t
merge(struct cs_proc *cp, const pid_t *tids, size_t n, struct cs_thread *nt)
{
	size_t i = 0, j, k = 0;

	for (j = 0; j < n; j++) {
		const struct cs_thread *o = NULL;

		while (i < cp->nthr && cp->thr[i].tid < tids[j])
			bury(cp, &cp->thr[i++]);
		if (i < cp->nthr && cp->thr[i].tid == tids[j])
			o = &cp->thr[i++];
		if (read_thread(cp, tids[j], &nt[k]) < 0) {
			if (o != NULL)
				bury(cp, o);
			continue;
		}
		if (diff_thread(cp, &nt[k], o))
			bury(cp, o);
		k++;
	}
	while (i < cp->nthr)
		bury(cp, &cp->thr[i++]);
	return k;
}

static int
cs_proc_sample(struct cs_proc *cp)
{
	struct cs_thread *nt;
	pid_t *tids;
	size_t n, k;
	double now;

	if (cp->gone) {
		errno = ESRCH;
		return -1;
	}
	now = tri_cli_now();
	if ((tids = tri_proc_tasks(&cp->h, &n)) == NULL ||
	    (nt = calloc(n ? n : 1, sizeof(*nt))) == NULL) {
		if (errno == ESRCH || errno == ENOENT)
			cp->gone = true;
		free(tids);
		return -1;
	}
	k = merge(cp, tids, n, nt);
	free(tids);
	free(cp->thr);
	cp->thr = nt;
	cp->nthr = k;
	if (k == 0 && tri_proc_check(&cp->h) < 0)
		cp->gone = true;
	cp->dt = cp->nsamples ? now - cp->t_last : 0;
	if (cp->nsamples == 0)
		cp->t_first = now;
	cp->t_last = now;
	sum_threads(cp);
	cp->nsamples++;
	return 0;
}

static void
rates(double dt, unsigned long long vol, unsigned long long invol,
    unsigned long long run, unsigned long long wait, unsigned long long migr,
    struct cs_rates *r)
{
	if (dt <= 0) {
		memset(r, 0, sizeof(*r));
		return;
	}
	r->vol = (double)vol / dt;
	r->invol = (double)invol / dt;
	/* schedstat's run time is in ns: /1e9 for a share, *100 for %. */
	r->cpu = (double)run / dt / 1e7;
	r->runq_ms = (double)wait / dt / 1e6;
	r->migr = (double)migr / dt;
}

static void
cs_rates_proc(const struct cs_proc *cp, struct cs_rates *r)
{
	rates(cp->dt, cp->dvol, cp->dinvol, cp->drun, cp->dwait, cp->dmigr, r);
}

static void
cs_rates_thread(const struct cs_proc *cp, const struct cs_thread *t,
    struct cs_rates *r)
{
	rates(cp->dt, t->dvol, t->dinvol, t->drun, t->dwait, t->dmigr, r);
}

static unsigned long long
cs_proc_lifetime(const struct cs_proc *cp, bool vol)
{
	unsigned long long sum = vol ? cp->dead_vol : cp->dead_invol;
	size_t i;

	for (i = 0; i < cp->nthr; i++)
		sum += vol ? cp->thr[i].c.vol : cp->thr[i].c.invol;
	return sum;
}

/* == the system view == */

/* Carry over the process of pid from the old table, or open it. */
static bool
system_proc(struct cs_proc *old, size_t nold, size_t *i, pid_t pid,
    struct cs_proc *out)
{
	while (*i < nold && old[*i].pid < pid)
		cs_proc_free(&old[(*i)++]);
	if (*i < nold && old[*i].pid == pid) {
		*out = old[(*i)++];
		if (cs_proc_sample(out) == 0)
			return true;
		/* Gone, or the pid now names a new process: start over. */
		cs_proc_free(out);
	}
	if (cs_proc_open(out, pid, false) < 0)
		return false;
	if (cs_proc_sample(out) < 0) {
		cs_proc_free(out);
		return false;
	}
	return true;
}

static int
cs_system_sample(struct cs_system *s)
{
	struct cs_proc *np;
	size_t n, i = 0, j, k = 0;
	pid_t *pids;
	double now = tri_cli_now();

	s->prev = s->st;
	if (tri_proc_read_sysstat(&s->st) < 0)
		return -1;
	if ((pids = tri_proc_pids(&n)) == NULL)
		return -1;
	if ((np = calloc(n ? n : 1, sizeof(*np))) == NULL) {
		free(pids);
		return -1;
	}
	for (j = 0; j < n; j++)
		if (system_proc(s->procs, s->n, &i, pids[j], &np[k]))
			k++;
	while (i < s->n)
		cs_proc_free(&s->procs[i++]);
	free(pids);
	free(s->procs);
	s->procs = np;
	s->n = k;
	s->dt = s->nsamples ? now - s->t : 0;
	s->t = now;
	s->nsamples++;
	return 0;
}

static void
cs_system_free(struct cs_system *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		cs_proc_free(&s->procs[i]);
	free(s->procs);
	s->procs = NULL;
	s->n = 0;
}

#define ROW_FMT	"%-8s %7s %7s %9s %9s %9s %6s %9s %7s "

static const char *
cs_clock(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
	return buf;
}

static void
cs_print_header(const struct ctl *ctl)
{
	if (ctl->json || !ctl->header)
		return;
	printf(ROW_FMT "%s\n", "TIME", "PID", "TID", "SW/s", "VOL/s",
	    "INVOL/s", "CPU%", "RUNQms/s", "MIGR/s", "COMM");
}

static void
text_row(const char *clock, pid_t pid, pid_t tid, const struct cs_rates *r,
    bool has_ss, bool has_migr, const char *name)
{
	char p[16], t[16], sw[32], v[32], iv[32], c[16], q[32], m[32];

	snprintf(p, sizeof(p), "%d", (int)pid);
	snprintf(t, sizeof(t), tid ? "%d" : "-", (int)tid);
	snprintf(sw, sizeof(sw), "%.1f", r->vol + r->invol);
	snprintf(v, sizeof(v), "%.1f", r->vol);
	snprintf(iv, sizeof(iv), "%.1f", r->invol);
	snprintf(c, sizeof(c), has_ss ? "%.1f" : "-", r->cpu);
	snprintf(q, sizeof(q), has_ss ? "%.1f" : "-", r->runq_ms);
	snprintf(m, sizeof(m), has_migr ? "%.1f" : "-", r->migr);
	printf(ROW_FMT, clock, p, t, sw, v, iv, c, q, m);
	tri_out_fescape(stdout, name, strlen(name));
	putchar('\n');
}

static void
json_rates(struct tri_json *j, const struct cs_rates *r, bool has_ss,
    bool has_migr)
{
	tri_json_kdouble(j, "switches_per_s", r->vol + r->invol);
	tri_json_kdouble(j, "voluntary_per_s", r->vol);
	tri_json_kdouble(j, "involuntary_per_s", r->invol);
	tri_json_kdouble_or_null(j, "cpu_percent", has_ss, r->cpu);
	tri_json_kdouble_or_null(j, "runq_ms_per_s", has_ss, r->runq_ms);
	tri_json_kdouble_or_null(j, "migrations_per_s", has_migr, r->migr);
}

static void
json_proc(const struct ctl *ctl, const struct cs_proc *cp)
{
	struct tri_json j;
	struct cs_rates r;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kdouble(&j, "time", (double)time(NULL));
	tri_json_kdouble(&j, "interval", cp->dt);
	tri_json_kint(&j, "pid", cp->pid);
	tri_json_kstr(&j, "comm", cp->comm);
	tri_json_kint(&j, "nthreads", (long long)cp->nthr);
	cs_rates_proc(cp, &r);
	json_rates(&j, &r, cp->has_ss, cp->has_migr);
	if (ctl->threads) {
		tri_json_key(&j, "threads");
		tri_json_arr_begin(&j);
		for (i = 0; i < cp->nthr; i++) {
			const struct cs_thread *t = &cp->thr[i];

			tri_json_obj_begin(&j);
			tri_json_kint(&j, "tid", t->tid);
			tri_json_kstr(&j, "comm", t->name);
			cs_rates_thread(cp, t, &r);
			json_rates(&j, &r, t->has_ss, t->has_migr);
			tri_json_obj_end(&j);
		}
		tri_json_arr_end(&j);
	}
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
cs_print_proc(const struct ctl *ctl, const struct cs_proc *cp)
{
	struct cs_rates r;
	char clock[16];
	size_t i;

	if (ctl->json) {
		json_proc(ctl, cp);
		return;
	}
	cs_clock(clock, sizeof(clock));
	cs_rates_proc(cp, &r);
	text_row(clock, cp->pid, 0, &r, cp->has_ss, cp->has_migr, cp->comm);
	if (!ctl->threads)
		return;
	for (i = 0; i < cp->nthr; i++) {
		cs_rates_thread(cp, &cp->thr[i], &r);
		text_row(clock, cp->pid, cp->thr[i].tid, &r, cp->thr[i].has_ss,
		    cp->thr[i].has_migr, cp->thr[i].name);
	}
}

static void
cs_print_lifetime(const struct ctl *ctl, const struct cs_proc *cp)
{
	unsigned long long v = cs_proc_lifetime(cp, true);
	unsigned long long iv = cs_proc_lifetime(cp, false);
	struct tri_json j;

	if (ctl->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", cp->pid);
		tri_json_kstr(&j, "comm", cp->comm);
		tri_json_key(&j, "lifetime");
		tri_json_obj_begin(&j);
		tri_json_kuint(&j, "voluntary", v);
		tri_json_kuint(&j, "involuntary", iv);
		tri_json_kuint(&j, "threads_seen", cp->seen);
		tri_json_kbool(&j, "exited", cp->gone);
		tri_json_obj_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return;
	}
	printf("lifetime pid %d: voluntary %llu involuntary %llu threads %zu"
	    " %s: ", (int)cp->pid, v, iv, cp->seen,
	    cp->gone ? "exited" : "running");
	tri_out_fescape(stdout, cp->comm, strlen(cp->comm));
	putchar('\n');
}

/* The switch rate shown for a process: its own interval, not the system's. */
static double
cs_proc_rate(const struct cs_proc *cp)
{
	return cp->dt > 0 ? (double)(cp->dvol + cp->dinvol) / cp->dt : 0;
}

/* Descending switch rate, for qsort of process pointers. */
static int
cs_cmp_rate(const void *a, const void *b)
{
	const struct cs_proc *x = *(struct cs_proc *const *)a;
	const struct cs_proc *y = *(struct cs_proc *const *)b;
	double rx = cs_proc_rate(x), ry = cs_proc_rate(y);

	if (rx != ry)
		return rx < ry ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The processes sorted by switch rate in the latest interval; malloc'd. */
static struct cs_proc **
ranked(struct cs_system *s)
{
	struct cs_proc **v = malloc((s->n ? s->n : 1) * sizeof(*v));
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < s->n; i++)
		v[i] = &s->procs[i];
	qsort(v, s->n, sizeof(*v), cs_cmp_rate);
	return v;
}

static void
json_system(const struct ctl *ctl, struct cs_system *s, struct cs_proc **v,
    size_t n)
{
	struct tri_json j;
	struct cs_rates r;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kdouble(&j, "time", (double)time(NULL));
	tri_json_kdouble(&j, "interval", s->dt);
	tri_json_kdouble(&j, "switches_per_s",
	    (double)(s->st.ctxt - s->prev.ctxt) / s->dt);
	tri_json_kdouble(&j, "forks_per_s",
	    (double)(s->st.processes - s->prev.processes) / s->dt);
	tri_json_kuint(&j, "procs_running", s->st.running);
	tri_json_kuint(&j, "procs_blocked", s->st.blocked);
	tri_json_key(&j, "top");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", v[i]->pid);
		tri_json_kstr(&j, "comm", v[i]->comm);
		tri_json_kint(&j, "nthreads", (long long)v[i]->nthr);
		cs_rates_proc(v[i], &r);
		json_rates(&j, &r, v[i]->has_ss, false);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
cs_print_system(const struct ctl *ctl, struct cs_system *s)
{
	struct cs_proc **v;
	struct cs_rates r;
	char clock[16];
	size_t i, n;

	if (s->dt <= 0 || (v = ranked(s)) == NULL)
		return;
	n = s->n < ctl->limit ? s->n : ctl->limit;
	if (ctl->json) {
		json_system(ctl, s, v, n);
		free(v);
		return;
	}
	printf("%s system: %.1f switches/s, %.1f forks/s, %llu running, "
	    "%llu blocked\n", cs_clock(clock, sizeof(clock)),
	    (double)(s->st.ctxt - s->prev.ctxt) / s->dt,
	    (double)(s->st.processes - s->prev.processes) / s->dt,
	    s->st.running, s->st.blocked);
	cs_print_header(ctl);
	for (i = 0; i < n; i++) {
		cs_rates_proc(v[i], &r);
		text_row(clock, v[i]->pid, 0, &r, v[i]->has_ss, false,
		    v[i]->comm);
	}
	free(v);
}

#define WHY_ROUNDS	10	/* samples of each thread's syscall and wchan */
#define WHY_GAP_NS	20000000L	/* 20 ms between them */
#define WHY_THREADS	256	/* the most voluntary threads sampled */
#define WHY_KINDS	6	/* distinct places kept per thread */

struct place {
	char	 where[48];	/* "futex", "read pipe", "on CPU" */
	int	 n;
};

struct why_thr {
	const struct cs_thread	*t;
	struct place		 p[WHY_KINDS];
	int			 np, samples;
};

struct quota {
	char		 dir[512];	/* cgroup dir holding the tightest quota */
	double		 cpus;		/* 0: no quota */
	long long	 q_us, period_us;
	uint64_t	 periods, throttled, throttled_us;
	bool		 v2, found;
};

/* What a blocking syscall means, by its name. */
static const char *
meaning(const char *where)
{
	static const struct { const char *sys, *why; } m[] = {
		{ "futex", "lock contention or a condition wait" },
		{ "epoll_wait", "idle, waiting for I/O events" },
		{ "epoll_pwait", "idle, waiting for I/O events" },
		{ "epoll_pwait2", "idle, waiting for I/O events" },
		{ "poll", "idle, waiting for I/O events" },
		{ "ppoll", "idle, waiting for I/O events" },
		{ "select", "idle, waiting for I/O events" },
		{ "pselect6", "idle, waiting for I/O events" },
		{ "nanosleep", "sleeping on a timer" },
		{ "clock_nanosleep", "sleeping on a timer" },
		{ "read", "waiting for data to read" },
		{ "recvfrom", "waiting for data to read" },
		{ "recvmsg", "waiting for data to read" },
		{ "write", "waiting to write (peer or disk slow)" },
		{ "sendto", "waiting to write (peer slow)" },
		{ "sendmsg", "waiting to write (peer slow)" },
		{ "accept", "waiting for connections" },
		{ "accept4", "waiting for connections" },
		{ "wait4", "waiting for a child" },
		{ "waitid", "waiting for a child" },
		{ "fsync", "waiting for the disk" },
		{ "fdatasync", "waiting for the disk" },
		{ "io_getevents", "waiting for async I/O" },
		{ "io_uring_enter", "waiting for async I/O" },
		{ "sched_yield", "yielding the CPU" },
		{ "on CPU", "running or runnable" },
	};
	size_t i, l = strcspn(where, " ");

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strlen(m[i].sys) == l && strncmp(where, m[i].sys, l) == 0)
			return m[i].why;
	if (strncmp(where, "on CPU", 6) == 0)
		return "running or runnable";
	return "blocked in the kernel";
}

/* "socket", "pipe", "eventfd", "file" for fd of the target. */
static const char *
fd_kind(const struct cs_proc *cp, unsigned long fd, char *buf, size_t size)
{
	char path[32];
	ssize_t n;

	snprintf(path, sizeof(path), "fd/%lu", fd);
	if ((n = readlinkat(cp->h.dirfd, path, buf, size - 1)) < 0)
		return "";
	buf[n] = '\0';
	if (strncmp(buf, "socket:", 7) == 0)
		return "socket";
	if (strncmp(buf, "pipe:", 5) == 0)
		return "pipe";
	if (strncmp(buf, "anon_inode:", 11) == 0)
		return buf + 11;
	return "file";
}

static bool
fd_syscall(const char *name)
{
	static const char *const v[] = { "read", "write", "recvfrom",
	    "recvmsg", "sendto", "sendmsg", "readv", "writev", "pread64",
	    "accept", "accept4" };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(name, v[i]) == 0)
			return true;
	return false;
}

/*
 * Whether thread tid's stat shows it running or runnable (state R); *cpu
 * is the CPU it last ran on.
 */
static bool
runnable(const struct cs_proc *cp, pid_t tid, int *cpu)
{
	struct tri_stat st;

	*cpu = -1;
	if (tri_proc_read_task_stat(&cp->h, tid, &st) < 0)
		return true;
	*cpu = st.processor;
	return st.state == 'R';
}

/*
 * The kernel answers "running" also when a thread woke and slept again
 * while it was being read (a thread in 1 ms sleeps does, now and then):
 * where stat then shows it asleep, read again.  And a thread runnable on
 * the CPU we run on waits for us, the observer: give it the CPU for a
 * moment and look again, so that we do not count our own presence.
 */
static int
read_syscall(const struct cs_proc *cp, pid_t tid, struct tri_syscall *sc)
{
	struct timespec moment = { 0, 50000 };
	int tries, cpu;

	for (tries = 0; tries < 3; tries++) {
		if (tri_proc_read_syscall(&cp->h, tid, sc) < 0)
			return -1;
		if (sc->nr != TRI_SYSCALL_RUNNING)
			break;
		if (runnable(cp, tid, &cpu)) {
			if (cpu < 0 || cpu != sched_getcpu())
				break;
			nanosleep(&moment, NULL);
		}
	}
	return 0;
}

/* Where thread tid is now: a syscall (with the fd kind), or "on CPU". */
static int
where_now(const struct cs_proc *cp, pid_t tid, char *buf, size_t size)
{
	struct tri_syscall sc;
	char name[40], link[256], wchan[64];

	if (read_syscall(cp, tid, &sc) < 0)
		return -1;
	if (sc.nr == TRI_SYSCALL_RUNNING) {
		snprintf(buf, size, "on CPU");
	} else if (sc.nr == TRI_SYSCALL_NONE) {
		if (tri_proc_read_wchan(&cp->h, tid, wchan, sizeof(wchan)) < 0 ||
		    wchan[0] == '\0')
			snprintf(wchan, sizeof(wchan), "kernel");
		snprintf(buf, size, "%.40s", wchan);
	} else {
		tri_proc_syscall_name(sc.nr, name, sizeof(name));
		if (fd_syscall(name))
			snprintf(buf, size, "%.24s %.20s", name,
			    fd_kind(cp, sc.args[0], link, sizeof(link)));
		else
			snprintf(buf, size, "%s", name);
	}
	return 0;
}

static void
count_place(struct place *p, int *np, const char *where)
{
	int i;

	for (i = 0; i < *np; i++)
		if (strcmp(p[i].where, where) == 0) {
			p[i].n++;
			return;
		}
	if (*np == WHY_KINDS)
		i = WHY_KINDS - 1;	/* the rarest slot takes the rest */
	else
		i = (*np)++;
	snprintf(p[i].where, sizeof(p[i].where), "%.47s", where);
	p[i].n = 1;
}

static int
cmp_vol(const void *a, const void *b)
{
	const struct why_thr *x = a, *y = b;

	if (x->t->run_vol != y->t->run_vol)
		return x->t->run_vol < y->t->run_vol ? 1 : -1;
	return (x->t->tid > y->t->tid) - (x->t->tid < y->t->tid);
}

static int
cmp_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	return (x->n < y->n) - (x->n > y->n);
}

/* Sample where the voluntary threads wait, WHY_ROUNDS times. */
static size_t
sample_places(const struct cs_proc *cp, struct why_thr **out)
{
	struct timespec gap = { 0, WHY_GAP_NS };
	struct why_thr *w = calloc(cp->nthr ? cp->nthr : 1, sizeof(*w));
	char where[64];
	size_t i, n = 0;
	int r;

	*out = w;
	if (w == NULL)
		return 0;
	for (i = 0; i < cp->nthr; i++)
		if (cp->thr[i].run_vol > 0)
			w[n++].t = &cp->thr[i];
	qsort(w, n, sizeof(*w), cmp_vol);
	if (n > WHY_THREADS)
		n = WHY_THREADS;
	for (r = 0; r < WHY_ROUNDS && n > 0; r++) {
		if (r > 0)
			nanosleep(&gap, NULL);
		for (i = 0; i < n; i++) {
			if (where_now(cp, w[i].t->tid, where, sizeof(where)) < 0)
				continue;
			count_place(w[i].p, &w[i].np, where);
			w[i].samples++;
		}
	}
	for (i = 0; i < n; i++)
		qsort(w[i].p, (size_t)w[i].np, sizeof(w[i].p[0]), cmp_place);
	return n;
}

/* == CPU quota and throttling == */

static void
read_quota(const char *dir, bool v2, long long *q, long long *period)
{
	char buf[128];

	*q = -1;
	*period = 0;
	if (v2) {
		if (tri_cgroup_read(dir, "cpu.max", buf, sizeof(buf)) < 0)
			return;
		if (strncmp(buf, "max", 3) != 0)
			*q = strtoll(buf, NULL, 10);
		*period = strtoll(strchr(buf, ' ') ? strchr(buf, ' ') : "0",
		    NULL, 10);
		return;
	}
	if (tri_cgroup_read(dir, "cpu.cfs_quota_us", buf, sizeof(buf)) >= 0)
		*q = strtoll(buf, NULL, 10);
	if (tri_cgroup_read(dir, "cpu.cfs_period_us", buf, sizeof(buf)) >= 0)
		*period = strtoll(buf, NULL, 10);
}

/* The tightest quota from pid's cpu cgroup up to its hierarchy root. */
static void
find_quota(pid_t pid, struct quota *qt)
{
	char dir[512], *slash;
	long long q, period;
	int v2 = 0;

	memset(qt, 0, sizeof(*qt));
	if (tri_cgroup_dir(pid, "cpu", dir, sizeof(dir), &v2) < 0)
		return;
	qt->found = true;
	qt->v2 = v2;
	snprintf(qt->dir, sizeof(qt->dir), "%s", dir);
	for (;;) {
		read_quota(dir, v2, &q, &period);
		if (q > 0 && period > 0 && (qt->cpus == 0 ||
		    (double)q / (double)period < qt->cpus)) {
			qt->cpus = (double)q / (double)period;
			qt->q_us = q;
			qt->period_us = period;
			snprintf(qt->dir, sizeof(qt->dir), "%s", dir);
		}
		if ((slash = strrchr(dir, '/')) == NULL || slash == dir ||
		    strcmp(dir, "/sys/fs/cgroup") == 0)
			break;
		*slash = '\0';
		if (access(dir, F_OK) < 0 || strncmp(dir, "/sys/fs/cgroup/",
		    15) != 0)
			break;
	}
	tri_cgroup_read_key(qt->dir, "cpu.stat", "nr_periods", &qt->periods);
	tri_cgroup_read_key(qt->dir, "cpu.stat", "nr_throttled",
	    &qt->throttled);
	if (v2) {
		tri_cgroup_read_key(qt->dir, "cpu.stat", "throttled_usec",
		    &qt->throttled_us);
	} else if (tri_cgroup_read_key(qt->dir, "cpu.stat", "throttled_time",
	    &qt->throttled_us) == 0) {
		qt->throttled_us /= 1000;	/* v1 says ns */
	}
}

/* == the verdict == */

struct verdict {
	double		 vol, invol, runq_ms, elapsed;
	const char	*kind;		/* "cpu_contention", "blocking", "quiet" */
	int		 busy;		/* threads on or waiting for a CPU */
	int		 busy_cpus;	/* CPUs the busy threads may use */
	char		 busy_list[128];	/* their CPUs, "0" or "0-1" */
	int		 allowed;	/* CPUs the process may use */
	struct quota	 q;
	bool		 is_go, go_set;
	char		 go_ver[32];
	long		 gomaxprocs;
};

static void
cpu_list(const cpu_set_t *set, char *buf, size_t size)
{
	size_t len = 0;
	int c;

	buf[0] = '\0';
	for (c = 0; c < CPU_SETSIZE && len + 8 < size; c++)
		if (CPU_ISSET(c, set))
			len += (size_t)snprintf(buf + len, size - len, "%s%d",
			    len ? "," : "", c);
}

/* Busy threads: over 30% of a CPU, or waiting for one over 10%. */
static void
busy_threads(const struct cs_proc *cp, struct verdict *v)
{
	cpu_set_t all, one;
	double e = v->elapsed * 1e9;
	size_t i;

	CPU_ZERO(&all);
	for (i = 0; i < cp->nthr; i++) {
		const struct cs_thread *t = &cp->thr[i];

		if ((double)t->run_cpu < 0.3 * e && (double)t->run_wait < 0.1 * e)
			continue;
		v->busy++;
		if (sched_getaffinity(t->tid, sizeof(one), &one) == 0)
			CPU_OR(&all, &all, &one);
	}
	v->busy_cpus = CPU_COUNT(&all);
	cpu_list(&all, v->busy_list, sizeof(v->busy_list));
	if (sched_getaffinity(cp->pid, sizeof(one), &one) == 0)
		v->allowed = CPU_COUNT(&one);
}

/* GOMAXPROCS from the environment, or what Go picks: the allowed CPUs. */
static void
go_facts(const struct cs_proc *cp, struct verdict *v)
{
	char *env, *s;
	size_t len;

	if (tri_exe_is_go(&cp->h, &v->is_go, v->go_ver, sizeof(v->go_ver)) < 0
	    || !v->is_go)
		return;
	v->gomaxprocs = v->allowed;
	if ((env = tri_proc_read_all(&cp->h, "environ", &len)) == NULL)
		return;
	for (s = env; s < env + len; s += strlen(s) + 1)
		if (strncmp(s, "GOMAXPROCS=", 11) == 0) {
			v->gomaxprocs = strtol(s + 11, NULL, 10);
			v->go_set = true;
		}
	free(env);
}

static void
judge(struct cs_proc *cp, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->elapsed = cp->t_last - cp->t_first;
	if (v->elapsed > 0) {
		v->vol = (double)cp->run_vol / v->elapsed;
		v->invol = (double)cp->run_invol / v->elapsed;
		v->runq_ms = (double)cp->run_wait / v->elapsed / 1e6;
	}
	if (v->invol >= 1 && v->invol >= v->vol && v->runq_ms >= 10)
		v->kind = "cpu_contention";
	else if (v->vol >= 1 && v->vol > v->invol)
		v->kind = "blocking";
	else
		v->kind = "quiet";
	busy_threads(cp, v);
	find_quota(cp->pid, &v->q);
	go_facts(cp, v);
}

static const char *
thread_class(const struct cs_thread *t)
{
	if (t->run_vol == 0 && t->run_invol == 0)
		return "idle";
	return t->run_invol > t->run_vol ? "involuntary" : "voluntary";
}

static void
head(const struct cs_proc *cp)
{
	printf("why pid %d: ", (int)cp->pid);
}

static void
print_kind(const struct cs_proc *cp, const struct verdict *v)
{
	head(cp);
	if (strcmp(v->kind, "cpu_contention") == 0)
		printf("%sCPU contention%s: %.1f involuntary/s against %.1f"
		    " voluntary/s, threads wait %.1f ms/s for a CPU\n",
		    tri_out_sgr("1;31"), tri_out_reset(), v->invol, v->vol,
		    v->runq_ms);
	else if (strcmp(v->kind, "blocking") == 0)
		printf("%smostly voluntary%s: %.1f voluntary/s against %.1f"
		    " involuntary/s; threads block (where: below)%s\n",
		    tri_out_sgr("1;33"), tri_out_reset(), v->vol, v->invol,
		    v->invol >= 10 && v->runq_ms >= 100 ?
		    "; CPU contention too (busy threads below)" : "");
	else
		printf("quiet: %.1f switches/s\n", v->vol + v->invol);
}

static void
print_cpus(const struct cs_proc *cp, const struct verdict *v)
{
	head(cp);
	if (v->busy == 0)
		printf("threads %zu, none busy; %d CPUs allowed\n", cp->nthr,
		    v->allowed);
	else
		printf("threads %zu, busy %d on CPUs %s (%d of %d allowed)%s\n",
		    cp->nthr, v->busy, v->busy_list, v->busy_cpus, v->allowed,
		    v->busy > v->busy_cpus ?
		    ": more busy threads than CPUs they may run on" : "");
	head(cp);
	if (!v->q.found) {
		printf("no cpu cgroup found\n");
	} else if (v->q.cpus == 0) {
		printf("no cgroup CPU quota (%s)\n", v->q.dir);
	} else {
		printf("cgroup CPU quota %.2f CPUs (%lld/%lld us) at %s;"
		    " throttled %llu of %llu periods, %.3f s%s\n", v->q.cpus,
		    v->q.q_us, v->q.period_us, v->q.dir,
		    (unsigned long long)v->q.throttled,
		    (unsigned long long)v->q.periods,
		    (double)v->q.throttled_us / 1e6,
		    v->busy > ceil(v->q.cpus) ?
		    ": more busy threads than the quota" : "");
	}
}

static void
print_go(const struct cs_proc *cp, const struct verdict *v)
{
	double limit = v->q.cpus > 0 ? v->q.cpus : v->allowed;
	long want = (long)ceil(limit);

	if (!v->is_go)
		return;
	head(cp);
	printf("Go program (%s): GOMAXPROCS %ld (%s) against %s %.2f CPUs%s",
	    v->go_ver[0] ? v->go_ver : "unknown version", v->gomaxprocs,
	    v->go_set ? "from its environment" : "unset: Go uses every"
	    " allowed CPU", v->q.cpus > 0 ? "a quota of" : "",
	    limit, v->gomaxprocs > want ? ": " : "\n");
	if (v->gomaxprocs > want)
		printf("%ld runnable Go threads share %.2f CPUs of time and get"
		    " throttled; set GOMAXPROCS=%ld\n", v->gomaxprocs, limit,
		    want);
}

/* Where the process's voluntary switches wait, over all samples. */
static void
print_places(const struct cs_proc *cp, const struct why_thr *w, size_t n)
{
	struct place all[WHY_KINDS * 4];
	int np = 0, total = 0, i, k;
	size_t j;

	for (j = 0; j < n; j++)
		for (k = 0; k < w[j].np; k++) {
			if (strcmp(w[j].p[k].where, "on CPU") == 0)
				continue;
			for (i = 0; i < np; i++)
				if (strcmp(all[i].where, w[j].p[k].where) == 0)
					break;
			if (i == np && np == (int)(sizeof(all) / sizeof(all[0])))
				continue;
			if (i == np)
				all[np++] = w[j].p[k];
			else
				all[i].n += w[j].p[k].n;
			total += w[j].p[k].n;
		}
	if (total == 0)
		return;
	qsort(all, (size_t)np, sizeof(all[0]), cmp_place);
	head(cp);
	printf("threads block in:");
	for (i = 0; i < np && i < 6; i++)
		printf("%s %s %.0f%% (%s)", i ? "," : "", all[i].where,
		    100.0 * all[i].n / total, meaning(all[i].where));
	putchar('\n');
}

/*
 * The place to name for a thread: where a voluntary thread blocks most
 * often, even when it was caught on a CPU more often still (a thread that
 * wakes every millisecond, on a busy machine); else the commonest place.
 */
static const struct place *
top_place(const struct why_thr *x, const struct cs_thread *t)
{
	int k;

	if (strcmp(thread_class(t), "voluntary") == 0)
		for (k = 0; k < x->np; k++)
			if (strcmp(x->p[k].where, "on CPU") != 0)
				return &x->p[k];
	return &x->p[0];
}

static const struct why_thr *
find_why(const struct why_thr *w, size_t n, pid_t tid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i].t->tid == tid)
			return &w[i];
	return NULL;
}

static void
print_threads(const struct cs_proc *cp, const struct why_thr *w, size_t n,
    double elapsed)
{
	const struct why_thr *x;
	const struct place *top;
	size_t i, idle = 0;

	for (i = 0; i < cp->nthr; i++) {
		const struct cs_thread *t = &cp->thr[i];

		if (strcmp(thread_class(t), "idle") == 0) {
			idle++;
			continue;
		}
		printf("why tid %d: %s, %.1f voluntary/s %.1f involuntary/s,"
		    " %.1f%% CPU, waits %.1f ms/s for a CPU", (int)t->tid,
		    thread_class(t), (double)t->run_vol / elapsed,
		    (double)t->run_invol / elapsed,
		    (double)t->run_cpu / elapsed / 1e7,
		    (double)t->run_wait / elapsed / 1e6);
		if ((x = find_why(w, n, t->tid)) != NULL && x->np > 0) {
			top = top_place(x, t);
			printf("; %s %d/%d samples (%s)", top->where, top->n,
			    x->samples, meaning(top->where));
		}
		printf(": ");
		tri_out_fescape(stdout, t->name, strlen(t->name));
		putchar('\n');
	}
	if (idle > 0)
		printf("why pid %d: %zu idle threads (no switches)\n",
		    (int)cp->pid, idle);
}

static void
json_why(const struct ctl *ctl, const struct cs_proc *cp,
    const struct verdict *v, const struct why_thr *w, size_t n)
{
	const struct why_thr *x;
	const struct place *top;
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kint(&j, "pid", cp->pid);
	tri_json_kstr(&j, "comm", cp->comm);
	tri_json_key(&j, "why");
	tri_json_obj_begin(&j);
	tri_json_kstr(&j, "verdict", v->kind);
	tri_json_kdouble(&j, "voluntary_per_s", v->vol);
	tri_json_kdouble(&j, "involuntary_per_s", v->invol);
	tri_json_kdouble(&j, "runq_ms_per_s", v->runq_ms);
	tri_json_kint(&j, "nlwp", (long long)cp->nthr);
	tri_json_kint(&j, "busy_threads", v->busy);
	tri_json_kint(&j, "busy_cpus", v->busy_cpus);
	tri_json_kint(&j, "allowed_cpus", v->allowed);
	tri_json_kdouble_or_null(&j, "cpu_quota", v->q.cpus > 0, v->q.cpus);
	tri_json_kstr(&j, "cgroup", v->q.dir);
	tri_json_kuint(&j, "nr_throttled", v->q.throttled);
	tri_json_kdouble(&j, "throttled_s", (double)v->q.throttled_us / 1e6);
	tri_json_kbool(&j, "go", v->is_go);
	if (v->is_go) {
		tri_json_kstr(&j, "go_version", v->go_ver);
		tri_json_kint(&j, "gomaxprocs", v->gomaxprocs);
		tri_json_kbool(&j, "gomaxprocs_set", v->go_set);
	}
	tri_json_key(&j, "threads_detail");
	tri_json_arr_begin(&j);
	for (i = 0; i < cp->nthr; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "tid", cp->thr[i].tid);
		tri_json_kstr(&j, "comm", cp->thr[i].name);
		tri_json_kstr(&j, "class", thread_class(&cp->thr[i]));
		if ((x = find_why(w, n, cp->thr[i].tid)) != NULL && x->np) {
			top = top_place(x, &cp->thr[i]);
			tri_json_kstr(&j, "where", top->where);
			tri_json_kstr(&j, "meaning", meaning(top->where));
			tri_json_kint(&j, "hits", top->n);
			tri_json_kint(&j, "samples", x->samples);
		}
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
cs_why(const struct ctl *ctl, struct cs_proc *cp)
{
	struct why_thr *w;
	struct verdict v;
	size_t n;

	judge(cp, &v);
	if (v.elapsed <= 0)
		return;
	n = sample_places(cp, &w);
	if (ctl->json) {
		json_why(ctl, cp, &v, w, n);
	} else {
		print_kind(cp, &v);
		print_cpus(cp, &v);
		print_go(cp, &v);
		print_places(cp, w, n);
		if (ctl->threads)
			print_threads(cp, w, n, v.elapsed);
	}
	free(w);
}

enum {
	OPT_TOP = TRI_OPT_FIRST_FREE,
	OPT_BENCH,
};

static volatile sig_atomic_t interrupted;

static void usage(int status) __attribute__((noreturn));
static void parse_options(struct ctl *, int, char **);

static void
usage(int status)
{
	FILE *f = status == TRI_EXIT_OK ? stdout : stderr;

	fputs("Usage: ctxswitch [-t] [-p PID[,PID...]] [-i SECONDS] [-n COUNT]"
	    " [-l N]\n"
	    "                 [--json] [--no-header] [--color=WHEN]"
	    " [INTERVAL [COUNT]]\n"
	    "       ctxswitch --top [-t] [-p PID[,PID...]] [-i SECONDS]\n"
	    "       ctxswitch [-i SECONDS] [-o FILE] [--json] -- COMMAND"
	    " [ARG...]\n"
	    "       ctxswitch --bench [-n REPS] [-p PID] [--json]\n", f);
	if (status != TRI_EXIT_OK)
		exit(status);
	fputs("\nContext switches per second of processes and threads, why"
	    " they happen,\nand what a switch costs on this machine.\n\n"
	    "  -p, --pid PID[,PID...]  watch these processes (pids or names)\n"
	    "  -t, --threads           a row per thread, with its name\n"
	    "  -i, --interval SECONDS  time between samples (default 1)\n"
	    "  -n, --count COUNT       number of intervals, 0 = until"
	    " interrupted;\n"
	    "                          with --bench, repetitions (default 5)\n"
	    "  -l, --limit N           processes shown without -p (default"
	    " 10)\n"
	    "  -o, --output FILE       run mode: write the report to FILE\n"
	    "      --top               live ncurses view, sorted by switch rate\n"
	    "      --bench             measure the cost of one context switch\n"
	    "      --json              one JSON object per interval\n"
	    "      --no-header         leave out the header line\n"
	    "      --color=WHEN        auto, always or never\n"
	    "  -h, --help              show this help\n"
	    "  -V, --version           show the version\n"
	    "\nWithout -p: the whole system and its busiest processes. After"
	    " the last\ninterval of -p, a verdict on why each process"
	    " switches.\n", f);
	exit(TRI_EXIT_OK);
}

static void
add_targets(struct ctl *ctl, const char *arg)
{
	tri_targets_add_or_exit(&ctl->targets, arg);
}

/* pidstat-style operands: INTERVAL [COUNT]; INTERVAL alone runs on. */
static void
operands(struct ctl *ctl, int argc, char **argv)
{
	double d;

	if (argc > 2 || tri_cli_parse_seconds(argv[0], &d) < 0 ||
	    (argc == 2 && !tri_cli_is_number(argv[1]))) {
		warnx("operands are INTERVAL [COUNT]; to run a program put it"
		    " after --");
		usage(TRI_EXIT_FAIL);
	}
	ctl->sample.interval = tri_cli_seconds_or_exit("interval", argv[0]);
	ctl->sample.count = argc == 2 ?
	    tri_cli_count_or_exit("count", argv[1], 0) : 0;
	ctl->sample_set = true;
}

static void
parse_long(struct ctl *ctl, int c, enum tri_color_mode *color)
{
	switch (c) {
	case OPT_BENCH:
		ctl->bench = true;
		break;
	case OPT_TOP:
		ctl->top = true;
		break;
	case TRI_OPT_COLOR:
		*color = tri_cli_color_or_exit(optarg);
		break;
	case TRI_OPT_JSON:
		ctl->json = true;
		break;
	case TRI_OPT_NO_HEADER:
		ctl->header = false;
		break;
	default:
		usage(TRI_EXIT_FAIL);
	}
}

static void
check_modes(const struct ctl *ctl)
{
	if (ctl->top + ctl->bench + (ctl->argv != NULL) > 1)
		errx(TRI_EXIT_FAIL, "--top, --bench and a command exclude each"
		    " other");
	if (ctl->top && ctl->json)
		errx(TRI_EXIT_FAIL, "--json does not go with --top");
	if (ctl->argv != NULL && ctl->targets.n > 0)
		errx(TRI_EXIT_FAIL, "-p does not go with a command");
	if (ctl->output != NULL && ctl->argv == NULL)
		errx(TRI_EXIT_FAIL, "-o is for run mode (-- COMMAND)");
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bench",	no_argument,		NULL, OPT_BENCH },
		{ "color",	required_argument,	NULL, TRI_OPT_COLOR },
		{ "count",	required_argument,	NULL, 'n' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "json",	no_argument,		NULL, TRI_OPT_JSON },
		{ "limit",	required_argument,	NULL, 'l' },
		{ "no-header",	no_argument,		NULL, TRI_OPT_NO_HEADER },
		{ "output",	required_argument,	NULL, 'o' },
		{ "pid",	required_argument,	NULL, 'p' },
		{ "threads",	no_argument,		NULL, 't' },
		{ "top",	no_argument,		NULL, OPT_TOP },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	enum tri_color_mode color = TRI_COLOR_AUTO;
	int c;

	ctl->header = true;
	ctl->limit = 10;
	ctl->sample.interval = 1;
	ctl->sample.count = 1;
	while ((c = getopt_long(argc, argv, "+hVi:l:n:o:p:t", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(TRI_EXIT_OK);
		case 'i':
			ctl->sample.interval = tri_cli_seconds_or_exit("-i",
			    optarg);
			ctl->sample_set = true;
			break;
		case 'l':
			ctl->limit = tri_cli_count_or_exit("-l", optarg, 0);
			break;
		case 'n':
			ctl->sample.count = tri_cli_count_or_exit("-n", optarg,
			    0);
			ctl->sample_set = true;
			break;
		case 'o':
			ctl->output = optarg;
			break;
		case 'p':
			add_targets(ctl, optarg);
			break;
		case 't':
			ctl->threads = true;
			break;
		case 'V':
			tri_cli_version_exit();
		default:
			parse_long(ctl, c, &color);
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") == 0)
		ctl->argv = argv + optind;
	else if (optind < argc)
		operands(ctl, argc - optind, argv + optind);
	check_modes(ctl);
	tri_out_color_init(color);
}

static void
on_signal(int sig)
{
	interrupted = sig;
}

/* SIGINT/SIGTERM end the sampling early; the summary still prints. */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static bool
more(const struct ctl *ctl, unsigned long done, double *next)
{
	if (interrupted || (ctl->sample.count && done >= ctl->sample.count))
		return false;
	return tri_cli_wait_tick(&ctl->sample, next) && !interrupted;
}

static struct cs_proc *
open_targets(const struct ctl *ctl)
{
	struct cs_proc *v = calloc(ctl->targets.n, sizeof(*v));
	size_t i;

	if (v == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	for (i = 0; i < ctl->targets.n; i++) {
		pid_t pid = ctl->targets.pids[i];

		if (cs_proc_open(&v[i], pid, true) < 0 ||
		    cs_proc_sample(&v[i]) < 0)
			errx(TRI_EXIT_FAIL, "pid %d: %s", (int)pid,
			    errno == ESRCH ? tri_cli_target_error(ESRCH) :
			    strerror(errno));
	}
	return v;
}

static int
watch_targets(const struct ctl *ctl)
{
	struct cs_proc *v = open_targets(ctl);
	unsigned long done = 0;
	double next = 0;
	size_t i, alive;

	cs_print_header(ctl);
	fflush(stdout);
	while (more(ctl, done, &next)) {
		for (i = alive = 0; i < ctl->targets.n; i++) {
			if (cs_proc_sample(&v[i]) < 0)
				continue;
			cs_print_proc(ctl, &v[i]);
			alive++;
		}
		fflush(stdout);
		done++;
		if (alive == 0)
			break;
	}
	for (i = 0; i < ctl->targets.n; i++) {
		cs_print_lifetime(ctl, &v[i]);
		if (!v[i].gone)
			cs_why(ctl, &v[i]);
		cs_proc_free(&v[i]);
	}
	free(v);
	return TRI_EXIT_OK;
}

static int
watch_system(const struct ctl *ctl)
{
	struct cs_system s;
	unsigned long done = 0;
	double next = 0;

	memset(&s, 0, sizeof(s));
	if (cs_system_sample(&s) < 0)
		err(TRI_EXIT_FAIL, "%s/stat", tri_proc_root());
	while (more(ctl, done, &next)) {
		if (cs_system_sample(&s) < 0)
			err(TRI_EXIT_FAIL, "%s/stat", tri_proc_root());
		cs_print_system(ctl, &s);
		fflush(stdout);
		done++;
	}
	cs_system_free(&s);
	return TRI_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct ctl ctl;
	int rc;

	tri_cli_init();
	memset(&ctl, 0, sizeof(ctl));
	parse_options(&ctl, argc, argv);
	if (ctl.bench)
		rc = cs_bench(&ctl);
	else if (ctl.top)
		rc = cs_top(&ctl);
	else if (ctl.argv != NULL)
		rc = cs_run(&ctl);
	else {
		catch_signals();
		rc = ctl.targets.n ? watch_targets(&ctl) : watch_system(&ctl);
	}
	tri_targets_free(&ctl.targets);
	return rc;
}

/* == --top == */

enum { TC_PID, TC_TID, TC_SW, TC_VOL, TC_INVOL, TC_CPU, TC_RUNQ, TC_COMM,
    TC_N };

static const struct tri_tui_col top_cols[TC_N] = {
	{ "PID", 7, true, 0 },
	{ "TID", 7, true, 0 },
	{ "SW/s", 9, true, 's' },
	{ "VOL/s", 9, true, 'v' },
	{ "INVOL/s", 9, true, 'i' },
	{ "CPU%", 6, true, 'c' },
	{ "RUNQms/s", 9, true, 'd' },
	{ "COMM", 0, false, 0 },
};

/* What --top watches: every process, or the -p targets. */
struct top {
	struct cs_system	 sys;
	struct cs_proc		*procs;		/* -p */
	size_t			 n;
	bool			 threads;
};

static void
top_row(struct tri_tui *t, pid_t pid, pid_t tid, const struct cs_rates *r,
    const char *name)
{
	char c[TC_N][32];
	const char *cells[TC_N];
	double k[TC_N] = { pid, tid, r->vol + r->invol, r->vol, r->invol,
	    r->cpu, r->runq_ms, 0 };
	int i;

	snprintf(c[TC_PID], sizeof(c[0]), "%d", (int)pid);
	snprintf(c[TC_TID], sizeof(c[0]), tid ? "%d" : "-", (int)tid);
	snprintf(c[TC_SW], sizeof(c[0]), "%.1f", r->vol + r->invol);
	snprintf(c[TC_VOL], sizeof(c[0]), "%.1f", r->vol);
	snprintf(c[TC_INVOL], sizeof(c[0]), "%.1f", r->invol);
	snprintf(c[TC_CPU], sizeof(c[0]), "%.1f", r->cpu);
	snprintf(c[TC_RUNQ], sizeof(c[0]), "%.1f", r->runq_ms);
	for (i = 0; i < TC_N - 1; i++)
		cells[i] = c[i];
	cells[TC_COMM] = name;
	tri_tui_row(t, cells, k);
}

static void
top_rows(struct tri_tui *t, const struct top *tp)
{
	const struct cs_proc *v = tp->n ? tp->procs : tp->sys.procs;
	size_t n = tp->n ? tp->n : tp->sys.n, i, j;
	struct cs_rates r;

	tri_tui_clear(t);
	for (i = 0; i < n; i++) {
		if (v[i].gone || v[i].nsamples < 2)
			continue;
		if (!tp->threads) {
			cs_rates_proc(&v[i], &r);
			top_row(t, v[i].pid, 0, &r, v[i].comm);
			continue;
		}
		for (j = 0; j < v[i].nthr; j++) {
			cs_rates_thread(&v[i], &v[i].thr[j], &r);
			top_row(t, v[i].pid, v[i].thr[j].tid, &r,
			    v[i].thr[j].name);
		}
	}
}

static void
top_title(struct tri_tui *t, const struct top *tp,
    const struct tri_sysstat *prev, const struct tri_sysstat *st, double dt)
{
	char clock[16];

	snprintf(t->title, sizeof(t->title), "ctxswitch %s  %.0f sw/s  %.1f"
	    " forks/s  %llu running  %llu blocked  [%s]  s v i c d: sort"
	    "  t: threads  p: pause  q: quit", cs_clock(clock, sizeof(clock)),
	    dt > 0 ? (double)(st->ctxt - prev->ctxt) / dt : 0,
	    dt > 0 ? (double)(st->processes - prev->processes) / dt : 0,
	    st->running, st->blocked, tp->threads ? "threads" : "processes");
}

static void
top_sample(struct tri_tui *t, struct top *tp, struct tri_sysstat *prev,
    double *last)
{
	struct tri_sysstat st;
	double now = tri_cli_now();
	size_t i;

	if (tp->n == 0) {
		cs_system_sample(&tp->sys);
		top_title(t, tp, &tp->sys.prev, &tp->sys.st, tp->sys.dt);
	} else {
		for (i = 0; i < tp->n; i++)
			cs_proc_sample(&tp->procs[i]);
		if (tri_proc_read_sysstat(&st) < 0)
			memset(&st, 0, sizeof(st));
		top_title(t, tp, prev, &st, *last > 0 ? now - *last : 0);
		*prev = st;
		*last = now;
	}
	top_rows(t, tp);
}

/* Keys until the interval is over; false to quit. */
static bool
top_wait(struct tri_tui *t, struct top *tp, double interval)
{
	double end = tri_cli_now() + interval, left;
	int c;

	while ((left = end - tri_cli_now()) > 0 || t->paused) {
		c = tri_tui_key(t, t->paused ? 1 : left);
		if (c == TRI_TUI_QUIT)
			return false;
		if (c == 't') {
			tp->threads = !tp->threads;
			top_rows(t, tp);
			tri_tui_draw(t);
		}
		if (c == TRI_TUI_TIMEOUT && t->paused)
			continue;
	}
	return true;
}

static int
cs_top(const struct ctl *ctl)
{
	struct tri_sysstat prev;
	struct tri_tui t;
	struct top tp;
	double last = 0;
	int sig;

	memset(&tp, 0, sizeof(tp));
	memset(&prev, 0, sizeof(prev));
	tp.threads = ctl->threads;
	if (ctl->targets.n > 0) {
		tp.procs = open_targets(ctl);
		tp.n = ctl->targets.n;
	}
	if (tri_tui_start(&t, top_cols, TC_N, TC_SW) < 0)
		errx(TRI_EXIT_FAIL, "--top needs a terminal");
	top_sample(&t, &tp, &prev, &last);
	tri_tui_draw(&t);
	while (top_wait(&t, &tp, ctl->sample.interval)) {
		top_sample(&t, &tp, &prev, &last);
		tri_tui_draw(&t);
	}
	tri_tui_stop(&t);
	tri_tui_free(&t);
	cs_system_free(&tp.sys);
	while (tp.n > 0)
		cs_proc_free(&tp.procs[--tp.n]);
	free(tp.procs);
	if ((sig = tri_tui_signal()) != 0) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return TRI_EXIT_OK;
}

/* == run mode == */

static pid_t
spawn(char **argv)
{
	pid_t pid;

	if ((pid = fork()) < 0)
		err(TRI_EXIT_FAIL, "fork");
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execvp(argv[0], argv);
		warn("%s", argv[0]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	return pid;
}

/* Sample the child's threads until it ends; its pidfd wakes us at once. */
static void
follow(const struct ctl *ctl, pid_t pid, struct cs_proc *cp)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	double iv = ctl->sample_set ? ctl->sample.interval : 0.1;
	struct pollfd fds = { pfd, POLLIN, 0 };

	if (cs_proc_open(cp, pid, false) < 0 || cs_proc_sample(cp) < 0)
		return;
	while (pfd >= 0 && poll(&fds, 1, (int)(iv * 1000)) == 0)
		cs_proc_sample(cp);
	if (pfd >= 0)
		close(pfd);
}

static void
run_json(FILE *f, char **argv, const char *how, int status, double secs,
    const struct rusage *ru, const struct cs_proc *cp)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, f, false);
	tri_json_obj_begin(&j);
	tri_json_key(&j, "command");
	tri_json_arr_begin(&j);
	for (i = 0; argv[i] != NULL; i++)
		tri_json_str(&j, argv[i]);
	tri_json_arr_end(&j);
	tri_json_kstr(&j, "status", how);
	tri_json_kint(&j, "wait_status", status);
	tri_json_kdouble(&j, "elapsed_s", secs);
	tri_json_kint(&j, "voluntary", ru->ru_nvcsw);
	tri_json_kint(&j, "involuntary", ru->ru_nivcsw);
	tri_json_key(&j, "threads");
	tri_json_arr_begin(&j);
	for (i = 0; i < cp->nthr; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "tid", cp->thr[i].tid);
		tri_json_kstr(&j, "comm", cp->thr[i].name);
		tri_json_kuint(&j, "voluntary", cp->thr[i].c.vol);
		tri_json_kuint(&j, "involuntary", cp->thr[i].c.invol);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
run_text(FILE *f, char **argv, const char *how, double secs,
    const struct rusage *ru, const struct cs_proc *cp)
{
	size_t i;

	fprintf(f, "run: %s after %.3f s: voluntary %ld involuntary %ld"
	    " (wait4 rusage, children included): ", how, secs, ru->ru_nvcsw,
	    ru->ru_nivcsw);
	tri_out_fescape(f, argv[0], strlen(argv[0]));
	fputc('\n', f);
	for (i = 0; i < cp->nthr; i++) {
		fprintf(f, "run: tid %d: voluntary %llu involuntary %llu"
		    " (last sample): ", (int)cp->thr[i].tid, cp->thr[i].c.vol,
		    cp->thr[i].c.invol);
		tri_out_fescape(f, cp->thr[i].name, strlen(cp->thr[i].name));
		fputc('\n', f);
	}
}

static int
cs_run(const struct ctl *ctl)
{
	FILE *f = stderr;
	struct cs_proc cp;
	struct rusage ru;
	double t0 = tri_cli_now();
	char how[64];
	int status;
	pid_t pid;

	if (ctl->output && (f = fopen(ctl->output, "we")) == NULL)
		err(TRI_EXIT_FAIL, "%s", ctl->output);
	/* Like time(1): the program takes ^C; we stay to report. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	pid = spawn(ctl->argv);
	memset(&cp, 0, sizeof(cp));
	cp.h.dirfd = -1;
	follow(ctl, pid, &cp);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			err(TRI_EXIT_FAIL, "wait4");
	tri_proc_describe_status(status, how, sizeof(how));
	if (ctl->json)
		run_json(f, ctl->argv, how, status, tri_cli_now() - t0, &ru, &cp);
	else
		run_text(f, ctl->argv, how, tri_cli_now() - t0, &ru, &cp);
	cs_proc_free(&cp);
	if (f != stderr && fclose(f) != 0)
		err(TRI_EXIT_FAIL, "%s", ctl->output);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* == --bench: lmbench lat_ctx's method == */

#define BENCH_SECS	0.15	/* each repetition ping-pongs this long */

struct pingpong {
	int		 ab[2], ba[2];	/* pipes a->b, b->a */
	_Atomic int	 word;		/* futex: 1 = b's turn, 0 = a's, 2 = stop */
	int		 cpu_b;
	bool		 futex;
	int		 wait_op, wake_op;	/* private only within one process */
};

static void
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static long
futex(_Atomic int *w, int op, int val)
{
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* The far side: answer every byte (or futex turn) until told to stop. */
static void *
responder(void *arg)
{
	struct pingpong *pp = arg;
	char c;

	pin(pp->cpu_b);
	if (pp->futex) {
		for (;;) {
			while (pp->word == 0)
				futex(&pp->word, pp->wait_op, 0);
			if (pp->word == 2)
				break;
			pp->word = 0;
			futex(&pp->word, pp->wake_op, 1);
		}
		return NULL;
	}
	while (read(pp->ab[0], &c, 1) == 1 && c != 'q')
		if (write(pp->ba[1], &c, 1) != 1)
			break;
	return NULL;
}

static void
one_trip(struct pingpong *pp)
{
	char c = 'x';

	if (pp->futex) {
		pp->word = 1;
		futex(&pp->word, pp->wake_op, 1);
		while (pp->word == 1)
			futex(&pp->word, pp->wait_op, 1);
	} else if (write(pp->ab[1], &c, 1) != 1 || read(pp->ba[0], &c, 1) != 1) {
		err(TRI_EXIT_FAIL, "bench pipe");
	}
}

/* Microseconds per round trip, ping-ponging for BENCH_SECS. */
static double
trips(struct pingpong *pp)
{
	double t0 = tri_cli_now(), t;
	long n = 0;

	do {
		one_trip(pp);
		n++;
	} while ((n & 63) || (t = tri_cli_now()) - t0 < BENCH_SECS);
	return (t - t0) * 1e6 / (double)n;
}

static void
stop_responder(struct pingpong *pp)
{
	if (pp->futex) {
		pp->word = 2;
		futex(&pp->word, pp->wake_op, 1);
	} else if (write(pp->ab[1], "q", 1) != 1) {
		err(TRI_EXIT_FAIL, "bench pipe");
	}
}

/*
 * One round-trip time, between processes or threads.  The state lives in
 * a shared anonymous mapping so that two processes see one futex word.
 */
static double
round_trip(bool threads, bool use_futex, int cpu_a, int cpu_b)
{
	struct pingpong *pp;
	pthread_t th;
	pid_t pid = 0;
	double us;

	pp = mmap(NULL, sizeof(*pp), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pp == MAP_FAILED)
		err(TRI_EXIT_FAIL, "mmap");
	memset(pp, 0, sizeof(*pp));
	pp->cpu_b = cpu_b;
	pp->futex = use_futex;
	pp->wait_op = threads ? FUTEX_WAIT_PRIVATE : FUTEX_WAIT;
	pp->wake_op = threads ? FUTEX_WAKE_PRIVATE : FUTEX_WAKE;
	if (pipe(pp->ab) < 0 || pipe(pp->ba) < 0)
		err(TRI_EXIT_FAIL, "pipe");
	pin(cpu_a);
	if (threads) {
		if (pthread_create(&th, NULL, responder, pp) != 0)
			errx(TRI_EXIT_FAIL, "pthread_create failed");
	} else if ((pid = fork()) == 0) {
		responder(pp);
		_exit(0);
	} else if (pid < 0) {
		err(TRI_EXIT_FAIL, "fork");
	}
	one_trip(pp);		/* both sides are up */
	us = trips(pp);
	stop_responder(pp);
	if (threads)
		pthread_join(th, NULL);
	else
		waitpid(pid, NULL, 0);
	close(pp->ab[0]);
	close(pp->ab[1]);
	close(pp->ba[0]);
	close(pp->ba[1]);
	munmap(pp, sizeof(*pp));
	return us;
}

/* The same operations without a switch: lmbench's overhead. */
static double
no_switch(bool use_futex, bool shared)
{
	_Atomic int w = 0;
	int wake = shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE;
	int wait = shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE;
	double t0 = tri_cli_now();
	int p[2], i, n = 20000;
	char c = 'x';

	if (!use_futex && pipe(p) < 0)
		err(TRI_EXIT_FAIL, "pipe");
	for (i = 0; i < n; i++) {
		if (use_futex) {
			futex(&w, wake, 1);
			futex(&w, wait, 1);	/* EAGAIN */
		} else if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1) {
			err(TRI_EXIT_FAIL, "bench pipe");
		}
	}
	if (!use_futex) {
		close(p[0]);
		close(p[1]);
	}
	return (tri_cli_now() - t0) * 1e6 / n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct bench_case {
	const char	*name;
	bool		 threads, futex, cross;
	double		 median, min, max;	/* per switch, pipe/futex ops taken out */
	double		 gross;		/* median half round trip, ops included:
					 * what perf bench sched pipe reports */
};

static void
bench_case(struct bench_case *bc, int reps)
{
	double v[64], g[64], over, trip;
	int r, cpu_b = bc->cross ? 1 : 0;

	for (r = 0; r < reps; r++) {
		over = no_switch(bc->futex, !bc->threads);
		/* A round trip is two switches and the ops of both sides. */
		trip = round_trip(bc->threads, bc->futex, 0, cpu_b);
		g[r] = trip / 2;
		v[r] = (trip - 2 * over) / 2;
		if (v[r] < 0)
			v[r] = 0;
	}
	qsort(v, (size_t)reps, sizeof(v[0]), cmp_double);
	qsort(g, (size_t)reps, sizeof(g[0]), cmp_double);
	bc->median = reps % 2 ? v[reps / 2] : (v[reps / 2 - 1] + v[reps / 2]) / 2;
	bc->gross = reps % 2 ? g[reps / 2] : (g[reps / 2 - 1] + g[reps / 2]) / 2;
	bc->min = v[0];
	bc->max = v[reps - 1];
}

/* The switch rate of pid over one interval, priced at cost us each. */
static void
bench_price(const struct ctl *ctl, pid_t pid, double cost, struct tri_json *j)
{
	struct cs_proc cp;
	struct timespec ts;
	double rate, ms;

	if (cs_proc_open(&cp, pid, false) < 0 || cs_proc_sample(&cp) < 0)
		errx(TRI_EXIT_FAIL, "pid %d: %s", (int)pid,
		    tri_cli_target_error(ESRCH));
	ts.tv_sec = (time_t)ctl->sample.interval;
	ts.tv_nsec = (long)((ctl->sample.interval - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	if (cs_proc_sample(&cp) < 0)
		errx(TRI_EXIT_FAIL, "pid %d: exited while measured", (int)pid);
	rate = (double)(cp.dvol + cp.dinvol) / cp.dt;
	ms = rate * cost / 1000;
	if (ctl->json) {
		tri_json_obj_begin(j);
		tri_json_kint(j, "pid", pid);
		tri_json_kstr(j, "comm", cp.comm);
		tri_json_kdouble(j, "switches_per_s", rate);
		tri_json_kdouble(j, "cost_us", cost);
		tri_json_kdouble(j, "cpu_ms_per_s", ms);
		tri_json_obj_end(j);
	} else {
		printf("cost pid %d: %.1f switches/s x %.2f us = %.2f ms of CPU"
		    " per second (%.2f%% of one CPU), direct cost only: ",
		    (int)pid, rate, cost, ms, ms / 10);
		tri_out_fescape(stdout, cp.comm, strlen(cp.comm));
		putchar('\n');
	}
	cs_proc_free(&cp);
}

static void
bench_print(const struct ctl *ctl, struct bench_case *bc, size_t n, int reps,
    struct tri_json *j)
{
	size_t i;

	if (ctl->json) {
		tri_json_key(j, "bench");
		tri_json_arr_begin(j);
	} else if (ctl->header) {
		printf("%-14s %-5s %9s %9s %9s %11s %4s\n", "TEST", "CPUS",
		    "MEDIAN_us", "MIN_us", "MAX_us", "HALFTRIP_us", "REPS");
	}
	for (i = 0; i < n; i++) {
		if (!ctl->json) {
			printf("%-14s %-5s %9.2f %9.2f %9.2f %11.2f %4d\n",
			    bc[i].name, bc[i].cross ? "cross" : "same",
			    bc[i].median, bc[i].min, bc[i].max, bc[i].gross,
			    reps);
			continue;
		}
		tri_json_obj_begin(j);
		tri_json_kstr(j, "test", bc[i].name);
		tri_json_kstr(j, "cpus", bc[i].cross ? "cross" : "same");
		tri_json_kdouble(j, "median_us", bc[i].median);
		tri_json_kdouble(j, "min_us", bc[i].min);
		tri_json_kdouble(j, "max_us", bc[i].max);
		tri_json_kdouble(j, "half_trip_us", bc[i].gross);
		tri_json_kint(j, "reps", reps);
		tri_json_obj_end(j);
	}
	if (ctl->json)
		tri_json_arr_end(j);
}

static int
cs_bench(const struct ctl *ctl)
{
	struct bench_case bc[] = {
		{ .name = "process-pipe" },
		{ .name = "process-futex", .futex = true },
		{ .name = "thread-pipe", .threads = true },
		{ .name = "thread-futex", .threads = true, .futex = true },
		{ .name = "process-pipe", .cross = true },
		{ .name = "process-futex", .futex = true, .cross = true },
		{ .name = "thread-pipe", .threads = true, .cross = true },
		{ .name = "thread-futex", .threads = true, .futex = true, .cross = true },
	};
	size_t i, n = sizeof(bc) / sizeof(bc[0]);
	int reps = ctl->sample_set && ctl->sample.count ?
	    (int)ctl->sample.count : 5;
	struct tri_json j;
	cpu_set_t saved;

	if (reps > 64)
		errx(TRI_EXIT_FAIL, "--bench: at most 64 repetitions");
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		n = 4;		/* no second CPU to cross to */
	sched_getaffinity(0, sizeof(saved), &saved);
	for (i = 0; i < n; i++)
		bench_case(&bc[i], reps);
	sched_setaffinity(0, sizeof(saved), &saved);
	tri_json_init(&j, stdout, false);
	if (ctl->json)
		tri_json_obj_begin(&j);
	bench_print(ctl, bc, n, reps, &j);
	if (ctl->json && ctl->targets.n) {
		tri_json_key(&j, "cost");
		tri_json_arr_begin(&j);
	}
	for (i = 0; i < ctl->targets.n; i++)
		bench_price(ctl, ctl->targets.pids[i], bc[0].median, &j);
	if (ctl->json && ctl->targets.n)
		tri_json_arr_end(&j);
	if (ctl->json) {
		tri_json_obj_end(&j);
		tri_json_end(&j);
	}
	return TRI_EXIT_OK;
}
