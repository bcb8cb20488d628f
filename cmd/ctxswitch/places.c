/* cmd/ctxswitch/places.c - where voluntary threads block: syscall, wchan. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctxswitch.h"

#define WHY_ROUNDS	10	/* samples of each thread's syscall and wchan */
#define WHY_GAP_NS	20000000L	/* 20 ms between them */
#define WHY_THREADS	256	/* the most voluntary threads sampled */

/* What a blocking syscall means, by its name. */
const char *
cs_meaning(const char *where)
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

int
cs_cmp_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	return (x->n < y->n) - (x->n > y->n);
}

/* Sample where the voluntary threads wait, WHY_ROUNDS times. */
size_t
cs_sample_places(const struct cs_proc *cp, struct why_thr **out)
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
		qsort(w[i].p, (size_t)w[i].np, sizeof(w[i].p[0]), cs_cmp_place);
	return n;
}
