/* cmd/zombies.c - find zombie processes, blame their parents, reap them safely. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "cli.h"
#include "exe.h"
#include "out.h"
#include "proc.h"
#include "ptable.h"
#include "ptrace.h"

#define SIGBIT(s)	(1ULL << ((s) - 1))
#define SIGCHLD_GRACE	0.2	/* seconds a parent gets to answer SIGCHLD */

struct ctl {
	struct tri_targets	 targets;	/* -p: subtrees to look at */
	struct tri_sample	 sample;	/* -i, -n for --watch */
	double			 min_age;	/* -m: seconds a zombie must have lived */
	bool			 all;		/* -a: show exited leaders too */
	bool			 check;		/* -c: exit 1 on an old zombie */
	bool			 dry_run;	/* -d: say what --reap would do */
	bool			 force;		/* -f: reap children of PID 1 too */
	bool			 orphans;	/* -o: the orphans view */
	bool			 reap;		/* -r */
	bool			 watch;		/* -w */
	bool			 json;		/* --json */
	bool			 header;	/* not --no-header */
};

/* One zombie (or, with leader set, a Z leader whose threads still run). */
struct zomb {
	pid_t			 pid, ppid;
	unsigned long long	 start;		/* identity against pid reuse */
	char			 comm[TRI_COMM_MAX];
	int			 status;	/* stat field 52, wait(2) form */
	bool			 have_status;
	double			 cpu;		/* utime + stime, seconds */
	double			 age;		/* seconds a zombie; < 0 unknown */
	double			 seen;		/* --watch: seconds seen; < 0 unknown */
	int			 nlwp;
	bool			 leader;	/* exited leader with live threads */
};

/* What is known about a parent that holds zombies. */
struct parent {
	pid_t			 pid;
	unsigned long long	 start;
	char			 comm[TRI_COMM_MAX];
	char			*cmdline;	/* NUL-separated, malloc'd */
	size_t			 cmdline_len;
	char			 state;
	bool			 have_status;
	struct tri_status	 st;
	char			 wchan[64];
	char			 syscall[40];	/* name, "running", "" unknown */
	long			 sysnr;
	bool			 go;
	char			 go_version[32];
	bool			 container_init;
	int			 nzomb;
	char			 verdict[160];
	char			 fix[200];
	bool			 cg_limited;	/* a pids.max is set above it */
	uint64_t		 pids_max, pids_cur;
	char			 cg_at[256];
	bool			 gone;		/* exited while we looked */
};

struct scan {
	struct tri_ptable	 pt;
	struct zomb		*z;		/* sorted by pid */
	size_t			 nz;
	struct zomb		*leaders;	/* with --all */
	size_t			 nleaders;
	struct parent		*p;		/* sorted by zombie count, then pid */
	size_t			 np;
	unsigned long		 tasks;		/* threads of every process */
	unsigned long		 zombies_all;	/* zombies in the whole table */
	unsigned long		 pid_max, threads_max;
};

/* scan.c */
static int	scan_take(const struct ctl *, struct scan *, bool diagnose);
static void	scan_free(struct scan *);
static bool	scan_in_scope(const struct ctl *, const struct scan *,
	    const struct tri_pnode *);
struct clocks;
static int	zomb_fill(struct zomb *, const struct tri_pnode *,
		    struct clocks *);
static double	sched_now_ms(void);
static int	parent_diagnose(struct parent *);
static int	zomb_is_old(const struct ctl *, const struct zomb *);
static bool	zomb_still(const struct zomb *);
static void	scan_age_fallback(const struct ctl *, struct scan *);

/* report.c */
static void	report_text(const struct ctl *, const struct scan *);
static void	report_json(const struct ctl *, const struct scan *);
static void	report_zomb_json(struct tri_json *, const struct zomb *);
static void	report_orphans(const struct ctl *, const struct scan *);
static const char *fmt_age(double secs, char *buf, size_t size);
static const char *fmt_status(const struct zomb *, char *buf, size_t size);

/* reap.c */
static int	reap_run(const struct ctl *, struct scan *);

/* watch.c */
static int	watch_run(const struct ctl *);



/* A number from a /proc/sys file, or 0 when it cannot be read. */
static unsigned long
sysctl_ul(const char *name)
{
	unsigned long long v = 0;

	return tri_proc_sysctl(name, &v, 1) == 1 ? (unsigned long)v : 0;
}

/*
 * The scheduler's clock now, in ms, as /proc/self/sched shows it.  A
 * zombie's se.exec_start is the moment it last left a CPU, which is when
 * it died; both read from the same clock, their difference is the time it
 * has been a zombie.  -1 on a kernel without /proc/PID/sched.
 *
 * "The same clock" means the same CPU's: exec_start counts on the
 * clock_task of the run queue, which leaves out that CPU's IRQ and steal
 * time, so two CPUs' clocks drift apart (by seconds on a VM).  So it is
 * read on the CPU the zombie died on, just after moving there.
 */
static double
sched_now_ms(void)
{
	struct tri_proc self;
	unsigned long long v;
	char buf[4096];
	double r = -1;

	if (tri_proc_open(&self, 0) < 0)
		return -1;
	if (tri_proc_read(&self, "sched", buf, sizeof(buf)) > 0 &&
	    tri_proc_parse_sched_key(buf, "se.exec_start", &v) == 0)
		r = (double)v;
	tri_proc_close(&self);
	return r;
}

/* Each CPU's scheduler clock, read on first need during one scan. */
struct clocks {
	double		 now[CPU_SETSIZE];	/* < 0: not read (yet) */
	bool		 tried[CPU_SETSIZE];
	cpu_set_t	 home;			/* our affinity before */
	bool		 have_home, moved;
};

static void
clocks_init(struct clocks *c)
{
	memset(c->tried, 0, sizeof(c->tried));
	c->have_home = sched_getaffinity(0, sizeof(c->home), &c->home) == 0;
	c->moved = false;
}

/* The clock of cpu, or -1 when we may not run there (a cpuset). */
static double
clocks_on(struct clocks *c, int cpu)
{
	cpu_set_t one;

	if (cpu < 0 || cpu >= CPU_SETSIZE || !c->have_home)
		return -1;
	if (c->tried[cpu])
		return c->now[cpu];
	c->tried[cpu] = true;
	c->now[cpu] = -1;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		return -1;
	c->moved = true;
	/*
	 * Be scheduled in afresh, so that our exec_start is now and not up
	 * to a tick old: sched_yield() does not switch when nothing else
	 * waits for the CPU, a sleep always does.
	 */
	nanosleep(&(struct timespec){ 0, 1000 }, NULL);
	if (sched_getcpu() == cpu)
		c->now[cpu] = sched_now_ms();
	return c->now[cpu];
}

static void
clocks_done(struct clocks *c)
{
	if (c->moved)
		sched_setaffinity(0, sizeof(c->home), &c->home);
}

/* Seconds since the zombie in p died, or -1 when the kernel does not say. */
static double
zombie_age(const struct tri_proc *p, double now_ms, unsigned long long start)
{
	unsigned long long exec;
	char buf[4096];
	double age, lived = tri_proc_age(start);

	if (now_ms < 0 || tri_proc_read(p, "sched", buf, sizeof(buf)) <= 0 ||
	    tri_proc_parse_sched_key(buf, "se.exec_start", &exec) != 0)
		return -1;
	age = (now_ms - (double)exec) / 1000.0;
	/* our exec_start may be a tick old: clamp. */
	if (age < 0)
		age = 0;
	return age > lived ? lived : age;
}

/*
 * Read what the snapshot lacks about a zombie: its exit status (stat field
 * 52), CPU time and how long it has been dead.  0, or -1 ESRCH when it
 * was reaped (or its pid reused) since the snapshot.
 */
static int
zomb_fill(struct zomb *z, const struct tri_pnode *n, struct clocks *clk)
{
	struct tri_proc p;
	struct tri_stat st;
	int r = -1;

	memset(z, 0, sizeof(*z));
	z->pid = n->pid;
	z->ppid = n->ppid;
	z->start = n->start;
	z->nlwp = n->nlwp;
	z->seen = -1;
	z->age = -1;
	snprintf(z->comm, sizeof(z->comm), "%s", n->comm);
	if (tri_proc_open(&p, n->pid) < 0)
		return -1;
	if (p.starttime != n->start) {
		errno = ESRCH;
		goto out;
	}
	if (tri_proc_read_stat(&p, &st) < 0)
		goto out;
	snprintf(z->comm, sizeof(z->comm), "%s", st.comm);
	z->have_status = st.nfields >= 52;
	z->status = st.exit_code;
	z->cpu = (double)(st.utime + st.stime) / (double)tri_proc_hz();
	if (st.state == 'Z' && n->zombie)
		z->age = zombie_age(&p, clocks_on(clk, st.processor),
		    n->start);
	r = 0;
out:
	tri_proc_close(&p);
	return r;
}

/* 1 when z has been a zombie for --min-age, 0 when younger, -1 unknown. */
static int
zomb_is_old(const struct ctl *ctl, const struct zomb *z)
{
	double a = z->seen > z->age ? z->seen : z->age;

	if (a < 0)
		return -1;
	return a >= ctl->min_age;
}

static bool
scan_in_scope(const struct ctl *ctl, const struct scan *s,
    const struct tri_pnode *n)
{
	const struct tri_pnode *t;
	size_t i;

	if (ctl->targets.n == 0)
		return true;
	for (i = 0; i < ctl->targets.n; i++)
		if ((t = tri_ptable_find(&s->pt, ctl->targets.pids[i])) &&
		    tri_ptable_is_ancestor(&s->pt, t, n))
			return true;
	return false;
}

static int
push_zomb(struct zomb **v, size_t *n, const struct zomb *z)
{
	struct zomb *nv;

	/* Grow by doubling: n is a power of two at every reallocation. */
	if ((*n & (*n - 1)) == 0) {
		nv = realloc(*v, (*n ? *n * 2 : 8) * sizeof(**v));
		if (nv == NULL)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = *z;
	return 0;
}

/* Collect the zombies (and with --all the exited leaders) in scope. */
static int
collect(const struct ctl *ctl, struct scan *s)
{
	const struct tri_pnode *n;
	struct clocks *clk;
	struct zomb z;
	size_t i;
	int r = -1;

	if ((clk = malloc(sizeof(*clk))) == NULL)
		return -1;
	clocks_init(clk);
	for (i = 0; i < s->pt.n; i++) {
		n = &s->pt.nodes[i];
		s->tasks += n->nlwp > 0 ? (unsigned long)n->nlwp : 1;
		if (n->zombie)
			s->zombies_all++;
		if (n->state != 'Z' || (!n->zombie && !ctl->all))
			continue;
		if (!scan_in_scope(ctl, s, n) || zomb_fill(&z, n, clk) < 0)
			continue;
		z.leader = !n->zombie;
		if (push_zomb(z.leader ? &s->leaders : &s->z,
		    z.leader ? &s->nleaders : &s->nz, &z) < 0)
			goto out;
	}
	r = 0;
out:
	clocks_done(clk);
	free(clk);
	return r;
}

static int
cmp_parent(const void *a, const void *b)
{
	const struct parent *x = a, *y = b;

	if (x->nzomb != y->nzomb)
		return x->nzomb < y->nzomb ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/*
 * libproc2 turns control bytes of a name into '.'; read the raw name so
 * the output shows, escaped, what the process really called itself.
 */
static void
raw_comm(char *buf, size_t size, const struct tri_pnode *n)
{
	struct tri_proc p;
	struct tri_stat st;

	snprintf(buf, size, "%s", n->comm);
	if (tri_proc_open(&p, n->pid) < 0)
		return;
	if (p.starttime == n->start && tri_proc_read_stat(&p, &st) == 0)
		snprintf(buf, size, "%s", st.comm);
	tri_proc_close(&p);
}

/* One parent entry per distinct ppid of the zombies. */
static int
group_parents(struct scan *s)
{
	const struct tri_pnode *n;
	struct parent *par;
	size_t i, j;

	if ((s->p = calloc(s->nz + 1, sizeof(*s->p))) == NULL)
		return -1;
	for (i = 0; i < s->nz; i++) {
		for (j = 0; j < s->np && s->p[j].pid != s->z[i].ppid; j++)
			;
		par = &s->p[j];
		if (j == s->np) {
			s->np++;
			par->pid = s->z[i].ppid;
			par->sysnr = -1;
			if ((n = tri_ptable_find(&s->pt, par->pid)) != NULL) {
				par->start = n->start;
				par->state = n->state;
				raw_comm(par->comm, sizeof(par->comm), n);
			} else {
				par->gone = true;
			}
		}
		par->nzomb++;
	}
	return 0;
}

static int
scan_take(const struct ctl *ctl, struct scan *s, bool diagnose)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (tri_ptable_snap(&s->pt, 0) < 0)
		return -1;
	s->pid_max = sysctl_ul("sys/kernel/pid_max");
	s->threads_max = sysctl_ul("sys/kernel/threads-max");
	if (collect(ctl, s) < 0 || group_parents(s) < 0)
		return -1;
	for (i = 0; diagnose && i < s->np; i++)
		parent_diagnose(&s->p[i]);
	qsort(s->p, s->np, sizeof(*s->p), cmp_parent);
	return 0;
}

static void
scan_free(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->np; i++)
		free(s->p[i].cmdline);
	free(s->p);
	free(s->z);
	free(s->leaders);
	tri_ptable_free(&s->pt);
	memset(s, 0, sizeof(*s));
}

/*
 * The verdict: the first cause that explains the zombies, most certain
 * first.  A Go runtime catches SIGCHLD, so Go is tested before the
 * signal dispositions.
 */
static void
verdict(struct parent *par)
{
	uint64_t bit = SIGBIT(SIGCHLD);
	const char *v, *f;

	if (par->gone) {
		v = "exited: its zombies pass to init or a subreaper";
		f = "none needed; init reaps them";
	} else if (par->state == 'T') {
		v = "is stopped (state T), so it cannot run its wait()";
		f = "continue it: kill -CONT PID";
	} else if (par->state == 't' || (par->have_status &&
	    par->st.tracerpid > 0)) {
		v = "is held by a tracer (TracerPid set) and cannot wait()";
		f = "detach the debugger or tracer from it";
	} else if (par->container_init) {
		v = "is PID 1 of a container and does not reap adopted children";
		f = "run the container with an init (docker run --init, tini)";
	} else if (par->go) {
		v = "is a Go program: exec.Cmd.Start() without Wait()";
		f = "call cmd.Wait() (or Process.Wait()) for every Start()";
	} else if (par->have_status && (par->st.sigign & bit)) {
		v = "ignores SIGCHLD now, but these children died before that";
		f = "reap them once: zombies --reap -p PID";
	} else if (par->sysnr == 61 || par->sysnr == 247) {
		v = "is in wait() for another child, not for these";
		f = "wait for any child (waitpid(-1, ...)), not one pid";
	} else if (par->have_status && (par->st.sigblk & bit)) {
		v = "blocks SIGCHLD and never collects these children";
		f = "call waitpid(-1, &st, WNOHANG) after each SIGCHLD read "
		    "from its signalfd/sigwait loop";
	} else if (par->have_status && (par->st.sigcgt & bit)) {
		v = "catches SIGCHLD but its handler does not wait()";
		f = "loop waitpid(-1, &st, WNOHANG) until 0 in the SIGCHLD "
		    "handler";
	} else {
		v = "never calls wait() for its children (SIGCHLD default)";
		f = "waitpid() each child, or set SIGCHLD to SIG_IGN when "
		    "statuses are not needed";
	}
	snprintf(par->verdict, sizeof(par->verdict), "%s", v);
	snprintf(par->fix, sizeof(par->fix), "%s", f);
}

/* The pids.max that binds the parent's cgroup, if any. */
static void
parent_cgroup(struct parent *par)
{
	char dir[512];
	uint64_t lim, cur;

	if (tri_cgroup_dir(par->pid, "pids", dir, sizeof(dir), NULL) < 0 ||
	    tri_cgroup_limit(dir, "pids.max", &lim, par->cg_at,
	    sizeof(par->cg_at)) < 0 || lim == TRI_CGROUP_MAX)
		return;
	if (tri_cgroup_read_u64(par->cg_at, "pids.current", &cur) < 0)
		return;
	par->cg_limited = true;
	par->pids_max = lim;
	par->pids_cur = cur;
}

/* What the parent is doing: its wait channel and system call. */
static void
parent_activity(struct parent *par, const struct tri_proc *p)
{
	struct tri_syscall sc;

	if (tri_proc_read_wchan(p, 0, par->wchan, sizeof(par->wchan)) < 0)
		par->wchan[0] = '\0';
	if (tri_proc_read_syscall(p, 0, &sc) < 0)
		return;
	par->sysnr = sc.nr;
	if (sc.nr == TRI_SYSCALL_RUNNING)
		snprintf(par->syscall, sizeof(par->syscall), "running");
	else if (sc.nr == TRI_SYSCALL_NONE)
		snprintf(par->syscall, sizeof(par->syscall), "none");
	else
		tri_proc_syscall_name(sc.nr, par->syscall,
		    sizeof(par->syscall));
}

/* Gather the facts about a parent from /proc and give a verdict. */
static int
parent_diagnose(struct parent *par)
{
	struct tri_proc p;

	if (par->gone || tri_proc_open(&p, par->pid) < 0 ||
	    p.starttime != par->start) {
		if (!par->gone)
			tri_proc_close(&p);
		par->gone = true;
		verdict(par);
		return 0;
	}
	if (tri_proc_read_status(&p, &par->st) == 0) {
		par->have_status = true;
		par->state = par->st.state;
		par->container_init = par->st.nspid_n > 1 &&
		    par->st.nspid[par->st.nspid_n - 1] == 1;
	}
	par->cmdline = tri_proc_read_cmdline(&p, &par->cmdline_len);
	parent_activity(par, &p);
	if (tri_exe_is_go(&p, &par->go, par->go_version,
	    sizeof(par->go_version)) < 0)
		par->go = false;
	parent_cgroup(par);
	if (tri_proc_check(&p) < 0)
		par->gone = true;
	tri_proc_close(&p);
	verdict(par);
	return 0;
}

/* Whether pid is still the zombie z (same start time, state Z). */
static bool
zomb_still(const struct zomb *z)
{
	struct tri_proc p;
	struct tri_stat st;
	bool r;

	if (tri_proc_open(&p, z->pid) < 0)
		return false;
	r = p.starttime == z->start && tri_proc_read_stat(&p, &st) == 0 &&
	    st.state == 'Z';
	tri_proc_close(&p);
	return r;
}

/*
 * Without /proc/PID/sched the kernel does not tell when a zombie died:
 * then a zombie counts as old once this run has seen it for --min-age,
 * so wait that long and look again.
 */
static void
scan_age_fallback(const struct ctl *ctl, struct scan *s)
{
	struct timespec ts;
	size_t i;
	bool unknown = false;

	for (i = 0; i < s->nz; i++)
		unknown |= s->z[i].age < 0 && s->z[i].seen < 0;
	if (!unknown)
		return;
	ts.tv_sec = (time_t)ctl->min_age;
	ts.tv_nsec = (long)((ctl->min_age - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	for (i = 0; i < s->nz; i++)
		if (s->z[i].age < 0 && s->z[i].seen < 0 && zomb_still(&s->z[i]))
			s->z[i].seen = ctl->min_age;
}


static const char *
fmt_age(double secs, char *buf, size_t size)
{
	if (secs < 0)
		snprintf(buf, size, "-");
	else if (secs < 100)
		snprintf(buf, size, "%.1fs", secs);
	else if (secs < 6000)
		snprintf(buf, size, "%ldm%02lds", (long)secs / 60,
		    (long)secs % 60);
	else if (secs < 172800)
		snprintf(buf, size, "%ldh%02ldm", (long)secs / 3600,
		    (long)secs % 3600 / 60);
	else
		snprintf(buf, size, "%ldd%02ldh", (long)secs / 86400,
		    (long)secs % 86400 / 3600);
	return buf;
}

static const char *
fmt_status(const struct zomb *z, char *buf, size_t size)
{
	if (z->leader)
		snprintf(buf, size, "not a zombie: leader exited, %d threads "
		    "run", z->nlwp - 1 > 0 ? z->nlwp - 1 : 0);
	else if (!z->have_status)
		snprintf(buf, size, "-");
	else
		tri_proc_describe_status(z->status, buf, size);
	return buf;
}

static void
zomb_row(struct tri_table *t, const struct zomb *z)
{
	char a[32], st[96];

	tri_table_cellf(t, "%d", (int)z->pid);
	tri_table_cellf(t, "%d", (int)z->ppid);
	tri_table_cell_raw(t, fmt_age(z->age, a, sizeof(a)));
	tri_table_cellf(t, "%.2f", z->cpu);
	tri_table_cell_raw(t, fmt_status(z, st, sizeof(st)));
	tri_table_cell(t, z->comm, strlen(z->comm));
}

static void
zombie_table(const struct ctl *ctl, const struct scan *s)
{
	struct tri_table t;
	size_t i;

	tri_table_init(&t);
	tri_table_col(&t, "PID", TRI_RIGHT);
	tri_table_col(&t, "PPID", TRI_RIGHT);
	tri_table_col(&t, "DEAD-FOR", TRI_RIGHT);
	tri_table_col(&t, "CPU", TRI_RIGHT);
	tri_table_col(&t, "STATUS", TRI_LEFT);
	tri_table_col(&t, "NAME", TRI_LEFT);
	for (i = 0; i < s->nz; i++)
		zomb_row(&t, &s->z[i]);
	for (i = 0; i < s->nleaders; i++)
		zomb_row(&t, &s->leaders[i]);
	tri_table_print(&t, stdout, ctl->header);
	tri_table_free(&t);
}

/* "default", "caught", "blocked", "ignored" (several joined by "+"). */
static const char *
sigchld_disp(const struct parent *par, char *buf, size_t size)
{
	uint64_t bit = SIGBIT(SIGCHLD);

	if (!par->have_status) {
		snprintf(buf, size, "unknown");
		return buf;
	}
	snprintf(buf, size, "%s%s%s",
	    par->st.sigign & bit ? "ignored" :
	    par->st.sigcgt & bit ? "caught" : "default",
	    par->st.sigblk & bit ? "+blocked" : "", "");
	return buf;
}

static void
print_cmdline(const struct parent *par)
{
	size_t i;
	char c;

	fputs("  cmdline: ", stdout);
	if (par->cmdline == NULL || par->cmdline_len == 0) {
		fputs("-\n", stdout);
		return;
	}
	/* Arguments are shown space-separated, each escaped on its own. */
	for (i = 0; i < par->cmdline_len; i++) {
		c = par->cmdline[i];
		if (c == '\0')
			putchar(' ');
		else
			tri_out_fescape(stdout, &par->cmdline[i], 1);
	}
	putchar('\n');
}

static void
parent_text(const struct parent *par)
{
	char sig[32];

	printf("parent %d ", (int)par->pid);
	tri_out_fescape(stdout, par->comm, strlen(par->comm));
	printf(": %d zombie%s\n", par->nzomb, par->nzomb == 1 ? "" : "s");
	if (!par->gone) {
		print_cmdline(par);
		printf("  facts:   state %c, wchan %s, syscall %s, SIGCHLD "
		    "%s", par->state ? par->state : '?',
		    par->wchan[0] ? par->wchan : "-",
		    par->syscall[0] ? par->syscall : "-",
		    sigchld_disp(par, sig, sizeof(sig)));
		if (par->have_status && par->st.tracerpid > 0)
			printf(", traced by %d", (int)par->st.tracerpid);
		if (par->container_init)
			printf(", container init (pid 1 inside)");
		if (par->go)
			printf(", Go %s", par->go_version[0] ?
			    par->go_version : "program");
		putchar('\n');
	}
	printf("  verdict: %s\n  fix:     %s\n", par->verdict, par->fix);
}

static double
pct(unsigned long a, unsigned long b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void
pressure_text(const struct scan *s)
{
	size_t i;

	printf("pid pressure: %lu tasks, %lu zombies; pid_max %lu (%.1f%% "
	    "used), threads-max %lu (%.1f%%)", s->tasks, s->zombies_all,
	    s->pid_max, pct(s->tasks, s->pid_max), s->threads_max,
	    pct(s->tasks, s->threads_max));
	for (i = 0; i < s->np; i++)
		if (s->p[i].cg_limited)
			printf("; pids.max %llu for %d: %llu used (%.1f%%)",
			    (unsigned long long)s->p[i].pids_max,
			    (int)s->p[i].pid,
			    (unsigned long long)s->p[i].pids_cur,
			    pct(s->p[i].pids_cur, s->p[i].pids_max));
	putchar('\n');
}

static void
report_text(const struct ctl *ctl, const struct scan *s)
{
	size_t i;

	if (s->nz + s->nleaders > 0)
		zombie_table(ctl, s);
	else
		printf("no zombies among %zu processes\n", s->pt.n);
	for (i = 0; i < s->np; i++) {
		putchar('\n');
		parent_text(&s->p[i]);
	}
	putchar('\n');
	pressure_text(s);
}

static void
report_zomb_json(struct tri_json *j, const struct zomb *z)
{
	char st[96];

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", z->pid);
	tri_json_kint(j, "ppid", z->ppid);
	tri_json_kstr(j, "comm", z->comm);
	tri_json_kint_or_null(j, "exit_code", z->have_status && !z->leader,
	    z->status);
	tri_json_kstr(j, "status", fmt_status(z, st, sizeof(st)));
	tri_json_kdouble(j, "cpu_seconds", z->cpu);
	tri_json_kdouble_or_null(j, "zombie_seconds", z->age >= 0, z->age);
	if (z->seen >= 0)
		tri_json_kdouble(j, "seen_seconds", z->seen);
	if (z->leader)
		tri_json_kint(j, "nlwp", z->nlwp);
	tri_json_obj_end(j);
}

static void
parent_json(struct tri_json *j, const struct parent *par)
{
	char sig[32];

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", par->pid);
	tri_json_kstr(j, "comm", par->comm);
	tri_json_kargv(j, "cmdline", par->cmdline, par->cmdline_len);
	tri_json_kint(j, "zombies", par->nzomb);
	tri_json_kbool(j, "exited", par->gone);
	tri_json_kstr(j, "state", (char[2]){ par->state ? par->state : '?',
	    '\0' });
	tri_json_kstr(j, "wchan", par->wchan);
	tri_json_kstr(j, "syscall", par->syscall);
	tri_json_kstr(j, "sigchld", sigchld_disp(par, sig, sizeof(sig)));
	tri_json_kint(j, "tracer_pid", par->have_status ? par->st.tracerpid :
	    0);
	tri_json_kbool(j, "container_init", par->container_init);
	tri_json_kbool(j, "go", par->go);
	if (par->go && par->go_version[0])
		tri_json_kstr(j, "go_version", par->go_version);
	tri_json_kstr(j, "verdict", par->verdict);
	tri_json_kstr(j, "fix", par->fix);
	if (par->cg_limited) {
		tri_json_kuint(j, "pids_max", par->pids_max);
		tri_json_kuint(j, "pids_current", par->pids_cur);
		tri_json_kstr(j, "pids_cgroup", par->cg_at);
	}
	tri_json_obj_end(j);
}

static void
report_json(const struct ctl *ctl, const struct scan *s)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_key(&j, "zombies");
	tri_json_arr_begin(&j);
	for (i = 0; i < s->nz; i++)
		report_zomb_json(&j, &s->z[i]);
	tri_json_arr_end(&j);
	if (ctl->all) {
		tri_json_key(&j, "exited_leaders");
		tri_json_arr_begin(&j);
		for (i = 0; i < s->nleaders; i++)
			report_zomb_json(&j, &s->leaders[i]);
		tri_json_arr_end(&j);
	}
	tri_json_key(&j, "parents");
	tri_json_arr_begin(&j);
	for (i = 0; i < s->np; i++)
		parent_json(&j, &s->p[i]);
	tri_json_arr_end(&j);
	tri_json_key(&j, "pressure");
	tri_json_obj_begin(&j);
	tri_json_kuint(&j, "processes", s->pt.n);
	tri_json_kuint(&j, "tasks", s->tasks);
	tri_json_kuint(&j, "zombies", s->zombies_all);
	tri_json_kuint(&j, "pid_max", s->pid_max);
	tri_json_kuint(&j, "threads_max", s->threads_max);
	tri_json_obj_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

/*
 * An orphan: adopted (its parent is PID 1, or a process in another
 * session, which only adoption by a subreaper produces for a process
 * that is not a session leader itself) and its session or process-group
 * leader is gone.  Returns "session", "pgrp", "session+pgrp" or NULL.
 */
static const char *
orphan_lost(const struct scan *s, const struct tri_pnode *n)
{
	const struct tri_pnode *par, *l;
	bool sess, grp;

	if (n->zombie || n->pid <= 2 || n->ppid == 2 || n->sid <= 0)
		return NULL;
	par = n->parent >= 0 ? &s->pt.nodes[n->parent] : NULL;
	if (!(n->ppid == 1 || (par && par->sid != n->sid && n->pid != n->sid)))
		return NULL;
	l = tri_ptable_find(&s->pt, n->sid);
	sess = n->pid != n->sid && (l == NULL || l->sid != n->sid);
	l = tri_ptable_find(&s->pt, n->pgrp);
	grp = n->pid != n->pgrp && (l == NULL || l->pgrp != n->pgrp);
	if (sess && grp)
		return "session+pgrp";
	return sess ? "session" : grp ? "pgrp" : NULL;
}

static void
orphan_row(const struct ctl *ctl, struct tri_table *t, struct tri_json *j,
    const struct tri_pnode *n, const char *lost)
{
	char a[32];
	double age = tri_proc_age(n->start);

	if (ctl->json) {
		tri_json_obj_begin(j);
		tri_json_kint(j, "pid", n->pid);
		tri_json_kint(j, "ppid", n->ppid);
		tri_json_kint(j, "pgrp", n->pgrp);
		tri_json_kint(j, "sid", n->sid);
		tri_json_kstr(j, "lost", lost);
		tri_json_kdouble(j, "running_seconds", age);
		tri_json_kstr(j, "comm", n->comm);
		tri_json_obj_end(j);
		return;
	}
	tri_table_cellf(t, "%d", (int)n->pid);
	tri_table_cellf(t, "%d", (int)n->ppid);
	tri_table_cellf(t, "%d", (int)n->pgrp);
	tri_table_cellf(t, "%d", (int)n->sid);
	tri_table_cell_raw(t, lost);
	tri_table_cell_raw(t, fmt_age(age, a, sizeof(a)));
	tri_table_cell(t, n->comm, strlen(n->comm));
}

static void
report_orphans(const struct ctl *ctl, const struct scan *s)
{
	const char *cols[] = { "PID", "PPID", "PGRP", "SID", "LOST",
	    "RUNNING", "NAME" };
	struct tri_table t;
	struct tri_json j;
	const char *lost;
	size_t i, found = 0;

	tri_table_init(&t);
	for (i = 0; i < 7; i++)
		tri_table_col(&t, cols[i], i < 4 || i == 5 ? TRI_RIGHT :
		    TRI_LEFT);
	tri_json_init(&j, stdout, false);
	if (ctl->json) {
		tri_json_obj_begin(&j);
		tri_json_key(&j, "orphans");
		tri_json_arr_begin(&j);
	}
	for (i = 0; i < s->pt.n; i++) {
		if (!scan_in_scope(ctl, s, &s->pt.nodes[i]) ||
		    (lost = orphan_lost(s, &s->pt.nodes[i])) == NULL)
			continue;
		orphan_row(ctl, &t, &j, &s->pt.nodes[i], lost);
		found++;
	}
	if (ctl->json) {
		tri_json_arr_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
	} else if (found) {
		tri_table_print(&t, stdout, ctl->header);
	} else {
		printf("no orphans among %zu processes\n", s->pt.n);
	}
	tri_table_free(&t);
}


/* What happened to one zombie. */
struct result {
	struct zomb	 z;
	const char	*result;	/* reaped, refused, would-reap, left, gone */
	const char	*via;		/* sigchld, wait4, - */
	char		 note[128];
};

struct reap {
	const struct ctl *ctl;
	struct result	*r;
	size_t		 n;
	int		 fail_errno;	/* set: stop with an error */
	pid_t		 fail_pid;
};

static struct result *
add(struct reap *rp, const struct zomb *z, const char *result,
    const char *via, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct result *
add(struct reap *rp, const struct zomb *z, const char *result,
    const char *via, const char *fmt, ...)
{
	struct result *r = &rp->r[rp->n++];
	va_list ap;

	r->z = *z;
	r->result = result;
	r->via = via;
	va_start(ap, fmt);
	vsnprintf(r->note, sizeof(r->note), fmt, ap);
	va_end(ap);
	return r;
}

/* Why a parent must not be touched, or NULL. */
static const char *
parent_refusal(const struct ctl *ctl, const struct parent *par, char *buf,
    size_t size)
{
	if ((par->pid == 1 || par->container_init) && !ctl->force)
		return par->pid == 1 ? "parent is PID 1 (use --force)" :
		    "parent is PID 1 of a container (use --force)";
	if (par->state == 'T')
		return "parent is stopped (state T); kill -CONT it first";
	if (par->state == 't' || (par->have_status && par->st.tracerpid > 0)) {
		snprintf(buf, size, "parent is already traced by pid %d",
		    par->have_status ? (int)par->st.tracerpid : 0);
		return buf;
	}
	return NULL;
}

/* Send SIGCHLD through a pidfd, so a reused pid cannot get it. */
static int
send_sigchld(const struct tri_proc *pp)
{
	int fd, r, e;

	if ((fd = (int)syscall(SYS_pidfd_open, pp->pid, 0)) < 0) {
		/* Kernels before 5.3 (and valgrind) lack pidfds: the handle
		 * check right before kill() is the next best guard. */
		if (errno != ENOSYS || tri_proc_check(pp) < 0)
			return -1;
		return kill(pp->pid, SIGCHLD);
	}
	/* The pidfd is ours only if the handle still names the process. */
	if (tri_proc_check(pp) < 0)
		r = -1;
	else
		r = (int)syscall(SYS_pidfd_send_signal, fd, SIGCHLD, NULL, 0);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

/* Wait up to SIGCHLD_GRACE for the parent to collect the zombies itself. */
static void
after_sigchld(struct reap *rp, const struct tri_proc *pp, struct zomb **pending,
    size_t *n)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	double end = tri_cli_now() + SIGCHLD_GRACE;
	size_t i, left;

	do {
		nanosleep(&ts, NULL);
		for (i = left = 0; i < *n; i++)
			if (pending[i] != NULL && zomb_still(pending[i]))
				left++;
	} while (left > 0 && tri_cli_now() < end);
	for (i = 0; i < *n; i++) {
		if (pending[i] == NULL || zomb_still(pending[i]))
			continue;
		if (tri_proc_check(pp) < 0)
			add(rp, pending[i], "gone", "-", "parent exited during "
			    "the reap; init reaps it");
		else
			add(rp, pending[i], "reaped", "sigchld",
			    "the parent reaped it after SIGCHLD");
		pending[i] = NULL;
	}
}

/* A live thread of the parent to run wait4 in: the leader if it lives. */
static pid_t
live_thread(const struct tri_proc *pp)
{
	struct tri_stat st;
	pid_t *tids, tid = 0;
	size_t n, i;

	if ((tids = tri_proc_tasks(pp, &n)) == NULL)
		return -1;
	for (i = 0; i < n && tid == 0; i++)
		if (tri_proc_read_task_stat(pp, tids[i], &st) == 0 &&
		    st.state != 'Z' && st.state != 'X')
			tid = tids[i];
	free(tids);
	if (tid == 0)
		errno = ESRCH;
	return tid ? tid : -1;
}

/*
 * The zombie's pid as its parent sees it: in the parent's PID namespace
 * (level levels deep, 1 for the initial one) it has another number.
 */
static pid_t
pid_for_parent(const struct zomb *z, int level)
{
	struct tri_status st;
	struct tri_proc p;
	pid_t pid = z->pid;

	if (level <= 1 || tri_proc_open(&p, z->pid) < 0)
		return pid;
	if (p.starttime == z->start && tri_proc_read_status(&p, &st) == 0 &&
	    st.nspid_n >= level)
		pid = st.nspid[level - 1];
	tri_proc_close(&p);
	return pid;
}

/* Reap one zombie with wait4(pid, NULL, WNOHANG, NULL) inside h. */
static int
inject_wait(struct reap *rp, struct tri_ptrace_hold *h, struct zomb *z,
    int level)
{
	pid_t pid = pid_for_parent(z, level);
	unsigned long args[6] = { (unsigned long)pid, 0, WNOHANG, 0, 0, 0 };
	long ret;

	if (!zomb_still(z)) {
		add(rp, z, "gone", "-", "no longer a zombie");
		return 0;
	}
	if (tri_ptrace_inject(h, __NR_wait4, args, &ret) < 0)
		return -1;
	if (ret == pid)
		add(rp, z, "reaped", "wait4", "wait4 injected into thread %d",
		    (int)h->tid);
	else if (ret == 0)
		add(rp, z, "left", "wait4", "wait4 found it not yet waitable");
	else
		add(rp, z, "left", "wait4", "wait4 failed in the parent: %s",
		    strerror((int)-ret));
	return 0;
}

/* Step 2: hold a live thread of the parent and reap inside it. */
static void
reap_ptrace(struct reap *rp, const struct tri_proc *pp, int level,
    struct zomb **pending, size_t n)
{
	struct tri_ptrace_hold h = { 0 };
	size_t i;
	pid_t tid;
	int e = 0;

	if ((tid = live_thread(pp)) < 0 || tri_ptrace_hold(&h, tid, 0) < 0) {
		e = errno;
		if (e == EPERM || e == EACCES) {
			rp->fail_errno = e;
			rp->fail_pid = pp->pid;
			return;
		}
	} else if (tri_proc_check(pp) < 0) {
		/* The pid now names another process: leave it alone. */
		tri_ptrace_release(&h);
		e = ESRCH;
	}
	for (i = 0; e == 0 && i < n; i++)
		if (pending[i] && inject_wait(rp, &h, pending[i], level) == 0)
			pending[i] = NULL;
		else if (pending[i])
			e = errno;
	if (e == 0 || h.held)
		tri_ptrace_release(&h);
	for (i = 0; i < n; i++)
		if (pending[i] != NULL)
			add(rp, pending[i], "gone", "-", e == ESRCH ?
			    "parent exited during the reap; init reaps it" :
			    "wait4 injection failed: %s", strerror(e));
}

/* Sort the parent's zombies into refused and to-do. */
static size_t
eligible(struct reap *rp, struct scan *s, const struct parent *par,
    struct zomb **pending)
{
	const char *why;
	char buf[96], a[32];
	size_t i, n = 0;
	int old;

	why = parent_refusal(rp->ctl, par, buf, sizeof(buf));
	for (i = 0; i < s->nz; i++) {
		if (s->z[i].ppid != par->pid)
			continue;
		old = zomb_is_old(rp->ctl, &s->z[i]);
		if (why != NULL)
			add(rp, &s->z[i], "refused", "-", "%s", why);
		else if (old <= 0)
			add(rp, &s->z[i], "refused", "-", "dead for %s, "
			    "under --min-age %gs", old < 0 ? "an unknown time" :
			    fmt_age(s->z[i].age, a, sizeof(a)),
			    rp->ctl->min_age);
		else
			pending[n++] = &s->z[i];
	}
	return n;
}

static void
reap_parent(struct reap *rp, struct scan *s, const struct parent *par,
    struct zomb **pending)
{
	struct tri_proc pp;
	size_t n = eligible(rp, s, par, pending), i;

	if (n == 0)
		return;
	if (par->gone || tri_proc_open(&pp, par->pid) < 0 ||
	    pp.starttime != par->start) {
		if (!par->gone)
			tri_proc_close(&pp);
		for (i = 0; i < n; i++)
			add(rp, pending[i], "gone", "-", "parent exited; init "
			    "reaps it");
		return;
	}
	if (rp->ctl->dry_run) {
		for (i = 0; i < n; i++)
			add(rp, pending[i], "would-reap", "sigchld,wait4",
			    "SIGCHLD to %d, then wait4 injected", (int)par->pid);
	} else if (send_sigchld(&pp) == 0 || errno != ESRCH) {
		/* Without CAP_KILL the ptrace step says what is missing. */
		after_sigchld(rp, &pp, pending, &n);
		reap_ptrace(rp, &pp, par->have_status ? par->st.nspid_n : 1,
		    pending, n);
	} else {
		for (i = 0; i < n; i++)
			add(rp, pending[i], "gone", "-", "parent exited during "
			    "the reap; init reaps it");
	}
	tri_proc_close(&pp);
}

static void
print_text(const struct ctl *ctl, const struct reap *rp)
{
	struct tri_table t;
	char st[96];
	size_t i, reaped = 0, via_sig = 0;

	tri_table_init(&t);
	tri_table_col(&t, "PID", TRI_RIGHT);
	tri_table_col(&t, "PPID", TRI_RIGHT);
	tri_table_col(&t, "RESULT", TRI_LEFT);
	tri_table_col(&t, "VIA", TRI_LEFT);
	tri_table_col(&t, "STATUS", TRI_LEFT);
	tri_table_col(&t, "NOTE", TRI_LEFT);
	tri_table_col(&t, "NAME", TRI_LEFT);
	for (i = 0; i < rp->n; i++) {
		tri_table_cellf(&t, "%d", (int)rp->r[i].z.pid);
		tri_table_cellf(&t, "%d", (int)rp->r[i].z.ppid);
		tri_table_cell_raw(&t, rp->r[i].result);
		tri_table_cell_raw(&t, rp->r[i].via);
		tri_table_cell_raw(&t, fmt_status(&rp->r[i].z, st, sizeof(st)));
		tri_table_cell_raw(&t, rp->r[i].note);
		tri_table_cell(&t, rp->r[i].z.comm, strlen(rp->r[i].z.comm));
		reaped += strcmp(rp->r[i].result, ctl->dry_run ?
		    "would-reap" : "reaped") == 0;
		via_sig += strcmp(rp->r[i].via, "sigchld") == 0;
	}
	if (rp->n > 0)
		tri_table_print(&t, stdout, ctl->header);
	tri_table_free(&t);
	if (ctl->dry_run)
		printf("dry run: would reap %zu of %zu zombies\n", reaped,
		    rp->n);
	else
		printf("reaped %zu of %zu zombies (%zu by SIGCHLD, %zu by "
		    "wait4)\n", reaped, rp->n, via_sig, reaped - via_sig);
}

static void
print_json(const struct reap *rp)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_key(&j, "reap");
	tri_json_arr_begin(&j);
	for (i = 0; i < rp->n; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", rp->r[i].z.pid);
		tri_json_kint(&j, "ppid", rp->r[i].z.ppid);
		tri_json_kstr(&j, "comm", rp->r[i].z.comm);
		tri_json_kstr(&j, "result", rp->r[i].result);
		tri_json_kstr(&j, "via", rp->r[i].via);
		tri_json_kint_or_null(&j, "exit_code", rp->r[i].z.have_status,
		    rp->r[i].z.status);
		tri_json_kstr(&j, "note", rp->r[i].note);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

/*
 * Reap every zombie in scope, parent by parent.  Returns the exit status:
 * 0 all reaped (or nothing to do), 1 some refused or left, 2 failure.
 */
static int
reap_run(const struct ctl *ctl, struct scan *s)
{
	struct reap rp = { .ctl = ctl };
	struct zomb **pending;
	size_t i;
	int rc = TRI_EXIT_OK;

	/* Each zombie gets at most one result line. */
	rp.r = calloc(s->nz + 1, sizeof(*rp.r));
	pending = calloc(s->nz + 1, sizeof(*pending));
	if (rp.r == NULL || pending == NULL)
		err(TRI_EXIT_FAIL, "reap");
	scan_age_fallback(ctl, s);
	for (i = 0; i < s->np && rp.fail_errno == 0; i++)
		reap_parent(&rp, s, &s->p[i], pending);
	if (rp.fail_errno != 0) {
		errno = rp.fail_errno;
		fflush(stdout);
		errx(TRI_EXIT_FAIL, "pid %d: ptrace: %s (%s)", (int)rp.fail_pid,
		    strerror(rp.fail_errno), tri_caps_hint(CAP_SYS_PTRACE));
	}
	if (ctl->json)
		print_json(&rp);
	else
		print_text(ctl, &rp);
	for (i = 0; i < rp.n; i++)
		if (strcmp(rp.r[i].result, "reaped") != 0 &&
		    strcmp(rp.r[i].result, "would-reap") != 0 &&
		    strcmp(rp.r[i].result, "gone") != 0)
			rc = TRI_EXIT_FOUND;
	free(rp.r);
	free(pending);
	return rc;
}

/* A zombie seen in an earlier sample, and when it was first seen. */
struct seen {
	pid_t			 pid;
	unsigned long long	 start;
	double			 first;
};

/* A parent followed across samples: its count when first seen. */
struct track {
	pid_t			 pid;
	unsigned long long	 start;
	char			 comm[TRI_COMM_MAX];
	double			 t0;
	int			 n0, n, fresh;
	double			 oldest_age, oldest_seen;
};

struct watch {
	struct seen	*seen;
	size_t		 nseen;
	struct track	*tr;
	size_t		 ntr, cap;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	stop = sig;
}

static int
cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Carry first-seen times over to this sample's zombies. */
static void
update_seen(struct watch *w, struct scan *s, double t)
{
	struct seen *next, key, *old;
	size_t i;

	if ((next = calloc(s->nz + 1, sizeof(*next))) == NULL)
		err(TRI_EXIT_FAIL, "watch");
	for (i = 0; i < s->nz; i++) {
		key.pid = s->z[i].pid;
		old = w->nseen ? bsearch(&key, w->seen, w->nseen,
		    sizeof(key), cmp_seen) : NULL;
		next[i].pid = s->z[i].pid;
		next[i].start = s->z[i].start;
		next[i].first = old && old->start == s->z[i].start ?
		    old->first : t;
		s->z[i].seen = t - next[i].first;
	}
	free(w->seen);
	w->seen = next;
	w->nseen = s->nz;
	qsort(w->seen, w->nseen, sizeof(*w->seen), cmp_seen);
}

static struct track *
track_find(struct watch *w, const struct parent *par, double t)
{
	struct track *tr;
	size_t i;

	for (i = 0; i < w->ntr; i++)
		if (w->tr[i].pid == par->pid && w->tr[i].start == par->start)
			return &w->tr[i];
	if (w->ntr == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		if ((tr = realloc(w->tr, w->cap * sizeof(*tr))) == NULL)
			err(TRI_EXIT_FAIL, "watch");
		w->tr = tr;
	}
	tr = &w->tr[w->ntr++];
	memset(tr, 0, sizeof(*tr));
	tr->pid = par->pid;
	tr->start = par->start;
	tr->t0 = t;
	tr->n0 = -1;
	snprintf(tr->comm, sizeof(tr->comm), "%s", par->comm);
	return tr;
}

/* This sample's count, new zombies and oldest ages per followed parent. */
static void
update_tracks(struct watch *w, const struct scan *s, double t)
{
	struct track *tr;
	size_t i, j;

	for (i = 0; i < w->ntr; i++)
		w->tr[i].n = w->tr[i].fresh = 0;
	for (i = 0; i < s->np; i++) {
		tr = track_find(w, &s->p[i], t);
		tr->oldest_age = tr->oldest_seen = -1;
		for (j = 0; j < s->nz; j++) {
			if (s->z[j].ppid != tr->pid)
				continue;
			tr->n++;
			tr->fresh += s->z[j].seen == 0;
			if (s->z[j].age > tr->oldest_age)
				tr->oldest_age = s->z[j].age;
			if (s->z[j].seen > tr->oldest_seen)
				tr->oldest_seen = s->z[j].seen;
		}
		if (tr->n0 < 0)
			tr->n0 = tr->n;
	}
}

static double
rate(const struct track *tr, double t)
{
	return t > tr->t0 ? (double)(tr->n - tr->n0) / (t - tr->t0) : 0;
}

static void
sample_text(const struct ctl *ctl, const struct watch *w, double t)
{
	struct tri_table tab;
	char a[32], b[32];
	size_t i;

	if (w->ntr == 0) {
		printf("%.1f no zombies\n", t);
		return;
	}
	tri_table_init(&tab);
	tri_table_col(&tab, "TIME", TRI_RIGHT);
	tri_table_col(&tab, "PPID", TRI_RIGHT);
	tri_table_col(&tab, "ZOMBIES", TRI_RIGHT);
	tri_table_col(&tab, "NEW", TRI_RIGHT);
	tri_table_col(&tab, "RATE/S", TRI_RIGHT);
	tri_table_col(&tab, "DEAD-FOR", TRI_RIGHT);
	tri_table_col(&tab, "SEEN", TRI_RIGHT);
	tri_table_col(&tab, "NAME", TRI_LEFT);
	for (i = 0; i < w->ntr; i++) {
		const struct track *tr = &w->tr[i];

		tri_table_cellf(&tab, "%.1f", t);
		tri_table_cellf(&tab, "%d", (int)tr->pid);
		tri_table_cellf(&tab, "%d", tr->n);
		tri_table_cellf(&tab, "%d", tr->fresh);
		tri_table_cellf(&tab, "%.2f", rate(tr, t));
		tri_table_cell_raw(&tab, fmt_age(tr->n ? tr->oldest_age : -1,
		    a, sizeof(a)));
		tri_table_cell_raw(&tab, fmt_age(tr->n ? tr->oldest_seen : -1,
		    b, sizeof(b)));
		tri_table_cell(&tab, tr->comm, strlen(tr->comm));
	}
	/* A header on the first sample only keeps the stream awk-friendly. */
	tri_table_print(&tab, stdout, ctl->header && t == 0);
	tri_table_free(&tab);
}

static void
sample_json(const struct watch *w, const struct scan *s, double t)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kdouble(&j, "time", t);
	tri_json_key(&j, "parents");
	tri_json_arr_begin(&j);
	for (i = 0; i < w->ntr; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", w->tr[i].pid);
		tri_json_kstr(&j, "comm", w->tr[i].comm);
		tri_json_kint(&j, "zombies", w->tr[i].n);
		tri_json_kint(&j, "new", w->tr[i].fresh);
		tri_json_kdouble(&j, "rate", rate(&w->tr[i], t));
		tri_json_kdouble(&j, "oldest_seen_seconds",
		    w->tr[i].n ? w->tr[i].oldest_seen : 0);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_key(&j, "zombies");
	tri_json_arr_begin(&j);
	for (i = 0; i < s->nz; i++)
		report_zomb_json(&j, &s->z[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the sleep ends */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int
watch_run(const struct ctl *ctl)
{
	struct watch w = { 0 };
	struct scan s;
	double t0 = tri_cli_now(), next = 0, t;
	unsigned long k;

	catch_stop();
	for (k = 0; !stop && (ctl->sample.count == 0 ||
	    k < ctl->sample.count); k++) {
		if (k > 0 && !tri_cli_wait_tick(&ctl->sample, &next))
			break;
		if (k == 0)
			next = t0;
		if (scan_take(ctl, &s, false) < 0)
			err(TRI_EXIT_FAIL, "process table");
		t = k == 0 ? 0 : tri_cli_now() - t0;
		update_seen(&w, &s, t);
		update_tracks(&w, &s, t);
		if (ctl->json)
			sample_json(&w, &s, t);
		else
			sample_text(ctl, &w, t);
		fflush(stdout);
		scan_free(&s);
	}
	free(w.seen);
	free(w.tr);
	return TRI_EXIT_OK;
}

enum {
	OPT_DRY_RUN = TRI_OPT_FIRST_FREE,
};

static const char short_usage[] =
"Usage: zombies [-a] [-p pid[,pid...]] [--json] [--no-header] [--color=when]\n"
"       zombies -c [-m seconds] [-p pid]\n"
"       zombies -w [-i seconds] [-n count] [-p pid]\n"
"       zombies -o [-p pid]\n"
"       zombies -r [-d] [-f] [-m seconds] [-p pid]\n";

static void usage(int status) __attribute__((noreturn));
static void parse_options(struct ctl *, int, char **);

static void
usage(int status)
{
	FILE *f = status == TRI_EXIT_OK ? stdout : stderr;

	fputs(short_usage, f);
	if (status != TRI_EXIT_OK)
		exit(status);
	fputs(
"\nFind zombie processes, explain why their parent does not reap them,\n"
"and reap them without killing the parent.\n\n"
"  -p, --pid pid[,...]   only the subtrees of these pids or process names\n"
"  -a, --all             also list exited thread-group leaders whose\n"
"                        threads still run (not zombies), labelled\n"
"  -o, --orphans         list adopted processes whose session or process\n"
"                        group leader is gone\n"
"  -w, --watch           sample and show each parent's zombie growth rate\n"
"  -i, --interval sec    seconds between --watch samples (default 1)\n"
"  -n, --count n         stop --watch after n samples\n"
"  -c, --check           exit 1 when a zombie is older than --min-age\n"
"  -m, --min-age sec     age a zombie must reach for --check and --reap\n"
"                        (default 5)\n"
"  -r, --reap            reap the zombies: SIGCHLD to the parent, then\n"
"                        wait4 injected into it with ptrace\n"
"  -d, --dry-run         with --reap: say what would be done\n"
"  -f, --force           with --reap: also reap children of PID 1\n"
"      --json            print JSON\n"
"      --no-header       leave out table headers\n"
"      --color=when      auto, always or never\n"
"  -h, --help            print this help\n"
"  -V, --version         print the version\n"
"\nExit status: 0 ok, 1 --check found an old zombie or --reap left some,\n"
"2 usage error or failure.\n", f);
	exit(status);
}

/* --min-age: 0 is allowed (any zombie counts), unlike an interval. */
static double
parse_min_age(const char *arg)
{
	if (strcmp(arg, "0") == 0)
		return 0;
	return tri_cli_seconds_or_exit("--min-age", arg);
}

static void
add_targets(struct ctl *ctl, const char *arg)
{
	tri_targets_add_or_exit(&ctl->targets, arg);
}

/* Options that only make sense together, and modes that exclude others. */
static void
check_combinations(const struct ctl *ctl, bool sampling)
{
	int modes = ctl->reap + ctl->watch + ctl->orphans + ctl->check;

	if (modes > 1) {
		warnx("--reap, --watch, --orphans and --check exclude each other");
		usage(TRI_EXIT_FAIL);
	}
	if (sampling && !ctl->watch) {
		warnx("-i and -n go with --watch");
		usage(TRI_EXIT_FAIL);
	}
	if ((ctl->dry_run || ctl->force) && !ctl->reap) {
		warnx("--dry-run and --force go with --reap");
		usage(TRI_EXIT_FAIL);
	}
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all",	no_argument,		NULL, 'a' },
		{ "check",	no_argument,		NULL, 'c' },
		{ "color",	required_argument,	NULL, TRI_OPT_COLOR },
		{ "count",	required_argument,	NULL, 'n' },
		{ "dry-run",	no_argument,		NULL, 'd' },
		{ "force",	no_argument,		NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "json",	no_argument,		NULL, TRI_OPT_JSON },
		{ "min-age",	required_argument,	NULL, 'm' },
		{ "no-header",	no_argument,		NULL, TRI_OPT_NO_HEADER },
		{ "orphans",	no_argument,		NULL, 'o' },
		{ "pid",	required_argument,	NULL, 'p' },
		{ "reap",	no_argument,		NULL, 'r' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "watch",	no_argument,		NULL, 'w' },
		{ NULL,		0,			NULL, 0 }
	};
	enum tri_color_mode color = TRI_COLOR_AUTO;
	bool sampling = false;
	int c;

	ctl->min_age = 5;
	ctl->header = true;
	ctl->sample.interval = 1;
	while ((c = getopt_long(argc, argv, "acdfhi:m:n:op:rVw", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'a': ctl->all = true; break;
		case 'c': ctl->check = true; break;
		case 'd': ctl->dry_run = true; break;
		case 'f': ctl->force = true; break;
		case 'h': usage(TRI_EXIT_OK);
		case 'i':
			ctl->sample.interval = tri_cli_seconds_or_exit("-i",
			    optarg);
			sampling = true;
			break;
		case 'm': ctl->min_age = parse_min_age(optarg); break;
		case 'n':
			ctl->sample.count = tri_cli_count_or_exit("-n", optarg,
			    1);
			sampling = true;
			break;
		case 'o': ctl->orphans = true; break;
		case 'p': add_targets(ctl, optarg); break;
		case 'r': ctl->reap = true; break;
		case 'V': tri_cli_version_exit();
		case 'w': ctl->watch = true; break;
		case TRI_OPT_COLOR:
			color = tri_cli_color_or_exit(optarg);
			break;
		case TRI_OPT_JSON: ctl->json = true; break;
		case TRI_OPT_NO_HEADER: ctl->header = false; break;
		default: usage(TRI_EXIT_FAIL);
		}
	}
	if (optind < argc) {
		warnx("unexpected argument: %s", argv[optind]);
		usage(TRI_EXIT_FAIL);
	}
	check_combinations(ctl, sampling);
	tri_out_color_init(color);
}

/* A target that vanished after -p was parsed is reported once, like a bad pid. */
static void
targets_present(const struct ctl *ctl, const struct scan *s)
{
	size_t i;

	for (i = 0; i < ctl->targets.n; i++)
		if (tri_ptable_find(&s->pt, ctl->targets.pids[i]) == NULL)
			errx(TRI_EXIT_FAIL, "pid %d: %s",
			    (int)ctl->targets.pids[i],
			    tri_cli_target_error(ESRCH));
}

/* --check: 1 when any zombie in scope has lived --min-age. */
static int
check_status(const struct ctl *ctl, struct scan *s)
{
	size_t i;

	scan_age_fallback(ctl, s);
	for (i = 0; i < s->nz; i++)
		if (zomb_is_old(ctl, &s->z[i]) == 1)
			return TRI_EXIT_FOUND;
	return TRI_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct ctl ctl = { 0 };
	struct scan s;
	int rc = TRI_EXIT_OK;

	tri_cli_init();
	parse_options(&ctl, argc, argv);
	if (ctl.watch) {
		rc = watch_run(&ctl);
		tri_targets_free(&ctl.targets);
		return rc;
	}
	if (scan_take(&ctl, &s, !ctl.orphans) < 0)
		err(TRI_EXIT_FAIL, "process table");
	targets_present(&ctl, &s);
	if (ctl.orphans)
		report_orphans(&ctl, &s);
	else if (ctl.reap)
		rc = reap_run(&ctl, &s);
	else {
		if (ctl.check)
			rc = check_status(&ctl, &s);
		if (ctl.json)
			report_json(&ctl, &s);
		else
			report_text(&ctl, &s);
	}
	scan_free(&s);
	tri_targets_free(&ctl.targets);
	return rc;
}
