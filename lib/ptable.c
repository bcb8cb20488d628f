/* lib/ptable.c - a snapshot of the process table, built with libproc2. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "proc.h"
#include "ptable.h"

#ifndef PF_KTHREAD
#define PF_KTHREAD	0x00200000	/* linux/sched.h, not exported */
#endif

/*
 * The items asked of libproc2.  Results come back in this order; asking
 * only for stat items keeps libproc2 at one file per process.
 */
enum rel {
	R_PID, R_TGID, R_PPID, R_PGRP, R_SID, R_STATE, R_NLWP, R_START, R_CMD,
	R_FLAGS, R_BASE_N,
};
static enum pids_item base_items[] = {
	PIDS_ID_PID, PIDS_ID_TGID, PIDS_ID_PPID, PIDS_ID_PGRP,
	PIDS_ID_SESSION, PIDS_STATE, PIDS_NLWP, PIDS_TICS_BEGAN, PIDS_CMD,
	PIDS_FLAGS,
};

struct items {
	enum pids_item	 list[R_BASE_N + 2];
	int		 n, ns, uid;	/* positions, -1 if not asked */
	int		 cmdline;	/* 1: read cmdline from /proc */
};

static void
items_make(struct items *it, unsigned flags)
{
	memcpy(it->list, base_items, sizeof(base_items));
	it->n = R_BASE_N;
	it->ns = it->uid = -1;
	/* libproc2's PIDS_CMDLINE_V splits an argument at '\n' as well as
	 * at NUL: the command line is read from /proc instead. */
	it->cmdline = (flags & TRI_PT_CMDLINE) != 0;
	if (flags & TRI_PT_NS) {
		it->ns = it->n;
		it->list[it->n++] = PIDS_NS_PID;
	}
	if (flags & TRI_PT_UID) {
		it->uid = it->n;
		it->list[it->n++] = PIDS_ID_EUID;
	}
}

static char *
raw_comm(const struct tri_pnode *nd, const char *cooked)
{
	struct tri_proc p;
	struct tri_stat st;
	char *s = NULL;

	if (strchr(cooked, '?') == NULL || tri_proc_open(&p, nd->pid) < 0)
		return strdup(cooked);
	if (p.starttime == nd->start && tri_proc_read_stat(&p, &st) == 0)
		s = strdup(st.comm);
	tri_proc_close(&p);
	return s ? s : strdup(cooked);
}

/*
 * The command line of nd as NUL-separated arguments, "" for a kernel
 * thread, a zombie, or a process gone or replaced (another start time).
 */
static char *
read_cmdline(struct tri_pnode *nd)
{
	struct tri_proc p;
	char *args = NULL;

	nd->cmdline_len = 0;
	if (!nd->kthread && !nd->zombie && tri_proc_open(&p, nd->pid) == 0) {
		if (p.starttime == nd->start)
			args = tri_proc_read_cmdline(&p, &nd->cmdline_len);
		tri_proc_close(&p);
	}
	if (args == NULL) {
		nd->cmdline_len = 0;
		args = strdup("");
	}
	return args;
}

/* Copy one process row of libproc2's results into a node. */
static int
fill_node(struct tri_pnode *nd, struct pids_stack *s, const struct items *it)
{
	struct pids_result *h = s->head;

	memset(nd, 0, sizeof(*nd));
	nd->pid = h[R_PID].result.s_int;
	nd->ppid = h[R_PPID].result.s_int;
	nd->pgrp = h[R_PGRP].result.s_int;
	nd->sid = h[R_SID].result.s_int;
	nd->state = h[R_STATE].result.s_ch;
	nd->nlwp = h[R_NLWP].result.s_int;
	nd->start = h[R_START].result.ull_int;
	nd->zombie = nd->state == 'Z' && nd->nlwp <= 1;
	nd->kthread = (h[R_FLAGS].result.ul_int & PF_KTHREAD) != 0;
	nd->parent = -1;
	if ((nd->comm = raw_comm(nd, h[R_CMD].result.str)) == NULL)
		return -1;
	if (it->cmdline && (nd->cmdline = read_cmdline(nd)) == NULL)
		return -1;
	if (it->ns >= 0)
		nd->pidns = h[it->ns].result.ul_int;
	if (it->uid >= 0)
		nd->euid = h[it->uid].result.u_int;
	return 0;
}

/* Read the current ppid straight from /proc, for a child orphaned mid-scan. */
static pid_t
fresh_ppid(const struct tri_pnode *nd)
{
	struct tri_proc p;
	struct tri_stat st;
	pid_t ppid = -1;

	if (tri_proc_open(&p, nd->pid) < 0)
		return -1;
	if (p.starttime == nd->start && tri_proc_read_stat(&p, &st) == 0)
		ppid = st.ppid;
	tri_proc_close(&p);
	return ppid;
}

/* A parent that started after its child is a later process on a reused pid. */
static struct tri_pnode *
real_parent(struct tri_ptable *t, struct tri_pnode *nd)
{
	struct tri_pnode *par;
	pid_t ppid;

	if (nd->ppid <= 0)
		return NULL;
	par = tri_ptable_find(t, nd->ppid);
	if (par && par != nd && par->start <= nd->start)
		return par;
	ppid = fresh_ppid(nd);
	if (ppid <= 0 || ppid == nd->ppid)
		return NULL;
	nd->ppid = ppid;
	par = tri_ptable_find(t, ppid);
	return par && par != nd && par->start <= nd->start ? par : NULL;
}

static int
link_tree(struct tri_ptable *t)
{
	struct tri_pnode *par;
	size_t i;
	int *fill;

	for (i = 0; i < t->n; i++) {
		par = real_parent(t, &t->nodes[i]);
		if (par) {
			t->nodes[i].parent = (int)(par - t->nodes);
			par->nchildren++;
		}
	}
	if ((t->kids = malloc((t->n + 1) * sizeof(int))) == NULL)
		return -1;
	if ((fill = calloc(t->n + 1, sizeof(int))) == NULL)
		return -1;
	/* Children lists are slices of one array, laid out by parent. */
	{
		int off = 0;

		for (i = 0; i < t->n; i++) {
			t->nodes[i].children = t->kids + off;
			off += t->nodes[i].nchildren;
		}
	}
	for (i = 0; i < t->n; i++) {
		int pi = t->nodes[i].parent;

		if (pi >= 0)
			t->nodes[pi].children[fill[pi]++] = (int)i;
	}
	free(fill);
	return 0;
}

/*
 * Read the threads of one multi-threaded process through its own dirfd.
 * libproc2's PIDS_FETCH_THREADS_TOO would open task/ of every process;
 * reading only where nlwp > 1 keeps the common single-threaded case at
 * one file per process.  A process that is gone, or whose pid now names a
 * later process, simply gets no threads.
 */
static int
read_threads(struct tri_ptable *t, struct tri_pnode *nd, size_t *cap)
{
	struct tri_pthread *th;
	struct tri_proc p;
	struct tri_stat st;
	pid_t *tids;
	size_t n, i;
	int ret = 0;

	if (tri_proc_open(&p, nd->pid) < 0)
		return 0;
	if (p.starttime != nd->start || (tids = tri_proc_tasks(&p, &n)) == NULL) {
		tri_proc_close(&p);
		return 0;
	}
	for (i = 0; i < n && ret == 0; i++) {
		if (tids[i] == nd->pid)
			continue;
		if (tri_proc_read_task_stat(&p, tids[i], &st) < 0)
			continue;	/* the thread ended meanwhile */
		if (t->nthreads == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			th = realloc(t->threads, *cap * sizeof(*th));
			if (th == NULL) {
				ret = -1;
				break;
			}
			t->threads = th;
		}
		th = &t->threads[t->nthreads];
		th->tid = tids[i];
		th->state = st.state;
		if ((th->comm = strdup(st.comm)) == NULL) {
			ret = -1;
			break;
		}
		t->nthreads++;
		nd->nthreads++;
	}
	free(tids);
	tri_proc_close(&p);
	if (ret < 0)
		errno = ENOMEM;
	return ret;
}

/* Threads of every process, laid out by pid then tid. */
static int
read_all_threads(struct tri_ptable *t)
{
	size_t i, cap = 0, off = 0;

	for (i = 0; i < t->n; i++) {
		t->nodes[i].nthreads = 0;
		if (t->nodes[i].nlwp > 1 &&
		    read_threads(t, &t->nodes[i], &cap) < 0)
			return -1;
	}
	/* Point at the slices only now: the array moved while it grew. */
	for (i = 0; i < t->n; i++) {
		t->nodes[i].threads = t->nodes[i].nthreads ? t->threads + off :
		    NULL;
		off += (size_t)t->nodes[i].nthreads;
	}
	return 0;
}

/*
 * Take every process in one procps_pids_reap.  procps_pids_get would keep
 * a single result stack (about 160 bytes less per process) but reads
 * /proc/uptime again for every process it returns: a third more time.
 */
static int
collect(struct tri_ptable *t, struct pids_info *info, const struct items *it)
{
	struct pids_fetch *f;
	struct pids_stack *st;
	int k, total;

	if ((f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY)) == NULL) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	total = f->counts->total;
	if ((t->nodes = calloc((size_t)total + 1, sizeof(*t->nodes))) == NULL)
		goto nomem;
	for (k = 0; k < total; k++) {
		st = f->stacks[k];
		if (st->head[R_PID].result.s_int != st->head[R_TGID].result.s_int)
			continue;
		if (fill_node(&t->nodes[t->n], st, it) < 0) {
			free((char *)t->nodes[t->n].comm);
			free((char *)t->nodes[t->n].cmdline);
			goto nomem;
		}
		t->n++;
	}
	if (t->n)
		qsort(t->nodes, t->n, sizeof(*t->nodes), tri_ptable_cmp_pid);
	if ((t->flags & TRI_PT_THREADS) && read_all_threads(t) < 0)
		return -1;
	return link_tree(t);
nomem:
	errno = ENOMEM;
	return -1;
}

/*
 * TRI_PT_STAT: list /proc and read each stat with one openat, read and
 * close.  libproc2 also stat()s every /proc/PID (for a uid nobody asked
 * for): with 3,300 processes that made zombies 2.5 times the floor of
 * bench/zombies-floor.c.  Only stat fields, so only without the other
 * flags but TRI_PT_THREADS.
 */
static int
stat_node(int procfd, const char *name, struct tri_pnode *nd)
{
	char path[300], buf[2048];
	struct tri_stat st;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/stat", name);
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0 || tri_proc_parse_stat(buf, (size_t)len, &st) < 0)
		return -1;
	memset(nd, 0, sizeof(*nd));
	nd->pid = st.pid;
	nd->ppid = st.ppid;
	nd->pgrp = st.pgrp;
	nd->sid = st.session;
	nd->state = st.state;
	nd->nlwp = (int)st.num_threads;
	nd->start = st.starttime;
	nd->zombie = nd->state == 'Z' && nd->nlwp <= 1;
	nd->kthread = (st.flags & PF_KTHREAD) != 0;
	nd->parent = -1;
	return (nd->comm = strdup(st.comm)) == NULL ? -2 : 0;
}

static int
collect_stat(struct tri_ptable *t)
{
	struct dirent *de;
	size_t cap = 0;
	void *nv;
	DIR *d;
	int r;

	if ((d = opendir(tri_proc_root())) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (t->n + 1 >= cap) {
			cap = cap ? cap * 2 : 1024;
			if ((nv = realloc(t->nodes, cap * sizeof(*t->nodes))) ==
			    NULL)
				goto nomem;
			t->nodes = nv;
		}
		if ((r = stat_node(dirfd(d), de->d_name, &t->nodes[t->n])) ==
		    -2)
			goto nomem;
		if (r == 0)
			t->n++;		/* else gone meanwhile */
	}
	closedir(d);
	if (t->n)
		qsort(t->nodes, t->n, sizeof(*t->nodes), tri_ptable_cmp_pid);
	if ((t->flags & TRI_PT_THREADS) && read_all_threads(t) < 0)
		return -1;
	return link_tree(t);
nomem:
	closedir(d);
	errno = ENOMEM;
	return -1;
}

int
tri_ptable_snap(struct tri_ptable *t, unsigned flags)
{
	struct pids_info *info = NULL;
	struct items it;
	int r, e;

	memset(t, 0, sizeof(*t));
	t->flags = flags;
	if (flags & TRI_PT_STAT) {
		if ((r = collect_stat(t)) < 0) {
			e = errno;
			tri_ptable_free(t);
			errno = e;
		}
		return r;
	}
	items_make(&it, flags);
	if ((r = procps_pids_new(&info, it.list, it.n)) < 0) {
		errno = -r;
		return -1;
	}
	r = collect(t, info, &it);
	e = errno;
	procps_pids_unref(&info);
	if (r < 0) {
		tri_ptable_free(t);
		errno = e;
	}
	return r;
}
