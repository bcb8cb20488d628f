/* cmd/zombies/scan.c - the zombies in scope, their ages, and their parents. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "caps.h"
#include "zombies.h"

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

/*
 * Read /proc/PID/NAME by path into buf (NUL-terminated): one openat, read
 * and close, where a dirfd would cost two more calls per zombie (1,000
 * zombies are a third of the run).  The caller checks identity: stat's
 * start time, sched's "comm (pid, ...)" header.  Length, or -1.
 */
static ssize_t
read_pid_file(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", tri_proc_root(), (int)pid,
	    name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len < 0)
		return -1;
	buf[len] = '\0';
	return len;
}

/* Whether sched's header line, "comm (pid, #threads: n)", names pid. */
static bool
sched_is(const char *buf, pid_t pid)
{
	const char *nl = strchr(buf, '\n'), *p;
	char want[24];

	snprintf(want, sizeof(want), " (%d, ", (int)pid);
	if (nl == NULL)
		return false;
	for (p = nl; p > buf && *p != '('; p--)
		;
	return p > buf && strncmp(p - 1, want, strlen(want)) == 0;
}

/*
 * Seconds since zombie pid died, or -1 when the kernel does not say.  A
 * zombie keeps its pid until reaped, so reading sched after stat by path
 * is safe; the header check covers a reap in between.
 */
static double
zombie_age(pid_t pid, double now_ms, unsigned long long start)
{
	unsigned long long exec;
	char buf[4096];
	double age, lived = tri_proc_age(start);

	if (now_ms < 0 || read_pid_file(pid, "sched", buf, sizeof(buf)) <= 0 ||
	    !sched_is(buf, pid) ||
	    tri_proc_parse_sched_key(buf, "se.exec_start", &exec) != 0)
		return -1;
	age = (now_ms - (double)exec) / 1000.0;
	/* our exec_start may be a tick old: clamp. */
	if (age < 0)
		age = 0;
	return age > lived ? lived : age;
}

/*
 * Whether the kernel shows us stat's exit_code of a task: it zeroes the
 * field unless we may ptrace-read it (CAP_SYS_PTRACE, or its real,
 * effective and saved uids and gids all ours; a zombie has no mm, so no
 * dumpable check).  Without this a hidden status would read "exited 0".
 */
static bool
may_read_exit(pid_t pid)
{
	static int cap = -1;
	struct tri_status st;
	char buf[4096];
	ssize_t len;
	uid_t u = geteuid();
	gid_t g = getegid();

	if (cap < 0)
		cap = tri_caps_have(CAP_SYS_PTRACE);
	if (cap)
		return true;
	if ((len = read_pid_file(pid, "status", buf, sizeof(buf))) <= 0 ||
	    tri_proc_parse_status(buf, (size_t)len, &st) < 0)
		return false;
	return st.uid[0] == u && st.uid[1] == u && st.uid[2] == u &&
	    st.gid[0] == g && st.gid[1] == g && st.gid[2] == g;
}

/* The effective uid of pid (status: Uid's second field), or -1. */
static long
zomb_euid(pid_t pid)
{
	struct tri_status st;
	char buf[4096];
	ssize_t len;

	if ((len = read_pid_file(pid, "status", buf, sizeof(buf))) <= 0 ||
	    tri_proc_parse_status(buf, (size_t)len, &st) < 0)
		return -1;
	return (long)st.uid[1];
}

/*
 * Read what the snapshot lacks about a zombie: its exit status (stat field
 * 52), CPU time and how long it has been dead.  0, or -1 ESRCH when it
 * was reaped (or its pid reused) since the snapshot.
 */
static int
zomb_fill(struct zomb *z, const struct tri_pnode *n, struct clocks *clk)
{
	struct tri_stat st;
	char buf[2048];
	ssize_t len;

	memset(z, 0, sizeof(*z));
	z->pid = n->pid;
	z->ppid = n->ppid;
	z->start = n->start;
	z->nlwp = n->nlwp;
	z->seen = -1;
	z->age = -1;
	snprintf(z->comm, sizeof(z->comm), "%s", n->comm);
	if ((len = read_pid_file(n->pid, "stat", buf, sizeof(buf))) <= 0 ||
	    tri_proc_parse_stat(buf, (size_t)len, &st) < 0 ||
	    st.starttime != n->start) {
		errno = ESRCH;
		return -1;
	}
	snprintf(z->comm, sizeof(z->comm), "%s", st.comm);
	z->have_status = st.nfields >= 52 && may_read_exit(n->pid);
	z->status_hidden = st.nfields >= 52 && !z->have_status;
	z->status = st.exit_code;
	z->cpu = (double)(st.utime + st.stime) / (double)tri_proc_hz();
	if (st.state == 'Z' && n->zombie)
		z->age = zombie_age(n->pid, clocks_on(clk, st.processor),
		    n->start);
	return 0;
}

/* 1 when z has been a zombie for --min-age, 0 when younger, -1 unknown. */
int
zomb_is_old(const struct ctl *ctl, const struct zomb *z)
{
	double a = z->seen > z->age ? z->seen : z->age;

	if (a < 0)
		return -1;
	return a >= ctl->min_age;
}

bool
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
	long uid = -1;
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
		if (ctl->users.n > 0 && (uid = zomb_euid(n->pid)) >= 0 &&
		    !tri_users_match(&ctl->users, (uid_t)uid))
			continue;
		if (ctl->users.n > 0 && uid < 0)
			continue;	/* reaped meanwhile */
		z.leader = !n->zombie;
		s->hidden += z.status_hidden && !z.leader;
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
	const struct tri_zparent *x = a, *y = b;

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
	struct tri_zparent *par;
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

int
scan_take(const struct ctl *ctl, struct scan *s, bool diagnose)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (tri_ptable_snap(&s->pt, TRI_PT_STAT) < 0)
		return -1;
	s->pid_max = sysctl_ul("sys/kernel/pid_max");
	s->threads_max = sysctl_ul("sys/kernel/threads-max");
	if (collect(ctl, s) < 0 || group_parents(s) < 0)
		return -1;
	for (i = 0; diagnose && i < s->np; i++)
		tri_zparent_diagnose(&s->p[i]);
	qsort(s->p, s->np, sizeof(*s->p), cmp_parent);
	return 0;
}

void
scan_free(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->np; i++)
		tri_zparent_free(&s->p[i]);
	free(s->p);
	free(s->z);
	free(s->leaders);
	tri_ptable_free(&s->pt);
	memset(s, 0, sizeof(*s));
}

/* Whether pid is still the zombie z (same start time, state Z). */
bool
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
void
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

/* -S: age (longest dead first), parent, count (the biggest families
 * first); ties, and without -S, in pid order. */
static int
cmp_zomb(const void *a, const void *b, void *arg)
{
	const struct zomb *x = a, *y = b;
	int key = *(const int *)arg;

	if (key == ZSORT_AGE && x->age != y->age)
		return x->age < y->age ? 1 : -1;
	if (key == ZSORT_COUNT && x->nsiblings != y->nsiblings)
		return x->nsiblings < y->nsiblings ? 1 : -1;
	if ((key == ZSORT_PARENT || key == ZSORT_COUNT) && x->ppid != y->ppid)
		return x->ppid < y->ppid ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

void
scan_sort(const struct ctl *ctl, struct scan *s)
{
	int key = ctl->sort;
	size_t i, j;

	for (i = 0; i < s->nz; i++)
		for (j = 0; j < s->np; j++)
			if (s->p[j].pid == s->z[i].ppid)
				s->z[i].nsiblings = s->p[j].nzomb;
	if (s->nz > 1)
		qsort_r(s->z, s->nz, sizeof(*s->z), cmp_zomb, &key);
}
