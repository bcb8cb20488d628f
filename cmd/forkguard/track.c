/* cmd/forkguard/track.c - lineages of new processes, from connector events or /proc scans. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "watch.h"

#define EV_MAX		64
#define WALK_MAX	32	/* ancestors looked at for a lineage on exec */

static char nlbuf[65536];
static char dents[65536];

/* FNV-1a of the executable's path; 0 when it cannot be read. */
static uint64_t
exe_key(pid_t pid, char *exe, size_t size)
{
	char path[64];
	uint64_t h = 1469598103934665603ULL;
	ssize_t n, i;

	snprintf(path, sizeof(path), "%s/%d/exe", tri_proc_root(), (int)pid);
	if ((n = readlink(path, exe, size - 1)) < 0)
		n = 0;
	exe[n] = '\0';
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)exe[i]) * 1099511628211ULL;
	return n > 0 ? h : 0;
}

static bool
in_range(const struct watch *w, pid_t pid)
{
	return pid > 0 && (size_t)pid < w->pid_max;
}

/* The lineage (index + 1) of anc and key, made when new; 0 when full. */
static int
lin_get(struct watch *w, pid_t anc, uint64_t key, const char *exe)
{
	int i, free_i = -1;

	for (i = 0; i < LIN_MAX; i++) {
		if (w->lins[i].used && w->lins[i].anc == anc &&
		    w->lins[i].key == key)
			return i + 1;
		if (free_i < 0 && (!w->lins[i].used || (w->lins[i].live == 0 &&
		    !w->lins[i].reported)))
			free_i = i;
	}
	if (free_i < 0)
		return 0;
	memset(&w->lins[free_i], 0, sizeof(w->lins[free_i]));
	w->lins[free_i].used = true;
	w->lins[free_i].anc = anc;
	w->lins[free_i].key = key;
	snprintf(w->lins[free_i].exe, sizeof(w->lins[free_i].exe), "%s", exe);
	return free_i + 1;
}

static void
leave(struct watch *w, pid_t pid)
{
	struct wproc *p = &w->procs[pid];

	if (p->lin && w->lins[p->lin - 1].live > 0)
		w->lins[p->lin - 1].live--;
	p->lin = 0;
}

static void
join(struct watch *w, pid_t pid, int lin)
{
	struct wproc *p = &w->procs[pid];

	if (p->alive && p->lin == lin)
		return;
	if (p->alive)
		leave(w, pid);
	p->lin = lin;
	p->alive = 1;
	if (lin)
		w->lins[lin - 1].live++;
}

/* Roll the bins of l forward to now. */
static void
advance(struct wlin *l, double now)
{
	long b = (long)(now / BIN_S), k;

	if (b <= l->bin)
		return;
	for (k = l->bin + 1; k <= b && k <= l->bin + NBINS; k++)
		l->bins[k % NBINS] = 0;
	l->bin = b;
}

static void
count_fork(struct watch *w, int lin, double now)
{
	struct wlin *l;

	if (!lin)
		return;
	l = &w->lins[lin - 1];
	advance(l, now);
	l->bins[l->bin % NBINS]++;
	l->forks++;
}

double
lin_rate(struct watch *w, struct wlin *l, double now)
{
	unsigned long sum = 0;
	long k, nb = (long)(RATE_WINDOW / BIN_S + 0.5);

	advance(l, now);
	for (k = 0; k < nb; k++)
		sum += l->bins[(l->bin - k) % NBINS];
	return (double)sum / RATE_WINDOW;
}

/*
 * The lineage a process running exe key belongs to: that of its nearest
 * ancestor running the same executable, else a new one under its parent.
 */
static int
lin_for(struct watch *w, pid_t pid, pid_t ppid, uint64_t key, const char *exe)
{
	pid_t a = ppid;
	int i, lin;

	for (i = 0; i < WALK_MAX && in_range(w, a) && w->procs[a].alive; i++) {
		lin = w->procs[a].lin;
		if (lin && w->lins[lin - 1].key == key)
			return lin;
		a = w->procs[a].ppid;
	}
	return lin_get(w, ppid, key, exe);
}

/*
 * A process seen for the first time: its parent and lineage from /proc.
 * The parent is learnt first: a scan meets pids in directory order, and
 * after the pid space wrapped a child's pid can be lower than its
 * parent's.
 */
static int
learn_depth(struct watch *w, pid_t pid, int depth)
{
	char exe[256];
	struct tri_stat st;
	struct tri_proc p;
	uint64_t key;

	if (!in_range(w, pid))
		return 0;
	if (w->procs[pid].alive)
		return w->procs[pid].lin;
	if (tri_proc_open(&p, pid) < 0)
		return 0;
	if (tri_proc_read_stat(&p, &st) < 0 || tri_proc_is_kthread(&st)) {
		tri_proc_close(&p);
		return 0;
	}
	tri_proc_close(&p);
	if (depth < WALK_MAX && in_range(w, st.ppid))
		learn_depth(w, st.ppid, depth + 1);
	key = exe_key(pid, exe, sizeof(exe));
	w->procs[pid].ppid = st.ppid;
	join(w, pid, lin_for(w, pid, st.ppid, key, exe));
	return w->procs[pid].lin;
}

static int
learn(struct watch *w, pid_t pid)
{
	return learn_depth(w, pid, 0);
}

void
track_event(struct watch *w, const struct tri_procconn_event *ev, double now)
{
	char exe[256];
	pid_t pid = ev->tgid;
	int lin;

	if (!in_range(w, pid) || ev->pid != ev->tgid)
		return;		/* a thread, not a process */
	switch (ev->type) {
	case TRI_PC_FORK:
		lin = learn(w, ev->ptgid);
		if (w->procs[pid].alive)
			leave(w, pid);	/* its exit event was lost */
		w->procs[pid].ppid = ev->ptgid;
		w->procs[pid].moved = 0;
		join(w, pid, lin);
		count_fork(w, lin, now);
		break;
	case TRI_PC_EXEC:
		join(w, pid, lin_for(w, pid, w->procs[pid].ppid,
		    exe_key(pid, exe, sizeof(exe)), exe));
		break;
	case TRI_PC_EXIT:
		leave(w, pid);
		w->procs[pid].alive = 0;
		break;
	default:
		break;
	}
}

void
track_drain(struct watch *w, double now)
{
	struct tri_procconn_event ev[EV_MAX];
	ssize_t n, i;

	if (w->nlfd < 0)
		return;
	for (;;) {
		n = tri_procconn_read(w->nlfd, nlbuf, sizeof(nlbuf), ev, EV_MAX);
		if (n < 0 && errno == ENOBUFS) {
			w->lost = true;		/* a scan catches up */
			continue;
		}
		if (n < 0)
			return;
		for (i = 0; i < n; i++)
			track_event(w, &ev[i], now);
	}
}

/* A process a scan found that the tables did not know: a fork. */
static void
scan_new(struct watch *w, pid_t pid, bool count_forks, double now)
{
	int lin;

	if ((lin = learn(w, pid)) != 0 && count_forks)
		count_fork(w, lin, now);
}

/* Every /proc/PID directory, read with getdents64 into a static buffer. */
void
scan_proc(struct watch *w, double now, bool count_forks)
{
	static int dfd = -1;
	struct dirent64 *d;
	long n, off;
	size_t pid;
	char *end;

	if (dfd < 0 && (dfd = open(tri_proc_root(), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return;
	lseek(dfd, 0, SEEK_SET);
	w->gen = (uint8_t)(w->gen % 250 + 1);
	while ((n = syscall(SYS_getdents64, dfd, dents, sizeof(dents))) > 0) {
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct dirent64 *)(void *)(dents + off);
			pid = strtoul(d->d_name, &end, 10);
			if (*end != '\0' || pid == 0 || pid >= w->pid_max)
				continue;
			w->seen[pid] = w->gen;
			if (!w->procs[pid].alive)
				scan_new(w, (pid_t)pid, count_forks, now);
		}
	}
	for (pid = 1; pid < w->pid_max; pid++)
		if (w->procs[pid].alive && w->seen[pid] != w->gen) {
			leave(w, (pid_t)pid);
			w->procs[pid].alive = 0;
		}
}

size_t
lin_members(struct watch *w, int i)
{
	size_t pid, n = 0;

	for (pid = 2; pid < w->pid_max; pid++)
		if (w->procs[pid].alive && w->procs[pid].lin == i + 1 &&
		    !watch_protected((pid_t)pid) &&
		    watch_in_scope(w, (pid_t)pid))
			w->members[n++] = (pid_t)pid;
	return n;
}

void
judge(struct watch *w, double now)
{
	double rate;
	int i;

	for (i = 0; i < LIN_MAX; i++) {
		if (!w->lins[i].used || w->lins[i].reported ||
		    w->lins[i].live < LIVE_MIN)
			continue;
		if ((rate = lin_rate(w, &w->lins[i], now)) < w->ctl->max_rate)
			continue;
		/* Outside --within: not ours to judge, now or later. */
		if (lin_members(w, i) < LIVE_MIN) {
			w->lins[i].reported = w->scoped;
			continue;
		}
		bomb_found(w, i, rate, now);
	}
}
