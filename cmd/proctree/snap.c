/* cmd/proctree/snap.c - the process table, read straight from /proc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"
#include "proctree.h"

/*
 * proctree reads /proc itself instead of through libproc2 (lib/ptable.c),
 * into the same struct tri_ptable.  Why:
 *  - libproc2's PIDS_CMDLINE_V splits a command line at '\n' as well as
 *    at NUL, so an argument holding a newline came out as two (issue 14);
 *  - procps_pids_reap keeps one result stack per process, 1.2 MB on
 *    2,000 processes, more than all of pstree (issue 15), and
 *    procps_pids_get, which would stream, reads /proc/uptime again for
 *    every process.
 * What is read is what pstree reads, or less: stat of every process (its
 * owner, by fstat of the open file, is the uid pstree shows), cmdline
 * only for -a and -m, task/ only where num_threads > 1, ns/ only for -S,
 * -N and --ns.  A process is read through its own directory fd, so a
 * reused pid never mixes two processes.
 * The four small functions over the table (find, index, ancestry, free)
 * are here too, not lib/ptable.c's: linking that file would bring all
 * of libproc2 and libseccomp into a binary that calls neither (about
 * 0.3 MB of peak RSS, which issue 15 counts).
 */

static const char *const ns_files[NS_N] = {
	[NS_CGROUP] = "ns/cgroup", [NS_IPC] = "ns/ipc", [NS_MNT] = "ns/mnt",
	[NS_NET] = "ns/net", [NS_PID] = "ns/pid", [NS_USER] = "ns/user",
	[NS_UTS] = "ns/uts", [NS_TIME] = "ns/time",
};

/* Read a whole small file at dirfd/name into buf; its length or -1. */
static ssize_t
read_small(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/*
 * The whole command line, however long (a 128 KiB one too), as the
 * kernel gives it: NUL-separated, newlines kept.  It is read into one
 * scratch buffer that grows as needed and copied out at its size, so
 * 2,000 processes do not each hold a buffer of the largest size.
 * malloc'd; NULL on error.
 */
static char *scratch;		/* read_cmdline's buffer, and its size */
static size_t scratch_cap;

static char *
read_cmdline(int dirfd, size_t *len)
{
	char *buf = scratch;
	size_t cap = scratch_cap, n = 0;
	ssize_t r;
	char *p;
	int fd;

	if (cap == 0) {
		if ((scratch = buf = malloc(4096)) == NULL)
			return NULL;
		scratch_cap = cap = 4096;
	}
	if ((fd = openat(dirfd, "cmdline", O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	/* The kernel fills a cmdline read as far as the arguments go: a
	 * short read is the end, which saves the read that returns 0. */
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (n < cap - 1)
			break;
		if ((p = realloc(buf, cap * 2)) == NULL) {
			r = -1;
			break;
		}
		scratch = buf = p;
		scratch_cap = cap *= 2;
	}
	close(fd);
	if (r < 0)
		return NULL;
	/* argv as tri_json_kargv and the text take it: no final NUL */
	if (n > 0 && buf[n - 1] == '\0')
		n--;
	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, buf, n);
	p[n] = '\0';
	*len = n;
	return p;
}

/* A decimal field and the blank after it; *ok turns false on garbage. */
static long long
field(const char **pp, const char *end, bool *ok)
{
	const char *p = *pp;
	long long v = 0;
	bool neg = false;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		*ok = false;
	while (p < end && *p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	if (p < end && *p == ' ')
		p++;
	*pp = p;
	return neg ? -v : v;
}

static const char *
skip_fields(const char *p, const char *end, int n)
{
	while (n-- > 0 && p < end) {
		while (p < end && *p != ' ')
			p++;
		if (p < end)
			p++;
	}
	return p;
}

/*
 * The nine stat fields a tree needs (pid, comm, state, ppid, pgrp,
 * session, flags, num_threads, starttime), split at the last ')' as
 * lib/proc.c does.  tri_proc_parse_stat reads all 52 fields, which was
 * half of proctree's instructions on 2,000 processes (callgrind): the
 * floor of issue 15 leaves no room for the 30 fields not shown.
 * 0, or -1 on a malformed line.
 */
static int
parse_stat(const char *buf, size_t len, struct tri_stat *st)
{
	const char *end = buf + len, *open, *close, *p;
	bool ok = true;
	size_t n;

	if ((open = memchr(buf, '(', len)) == NULL)
		return -1;
	close = memrchr(open, ')', (size_t)(end - open));
	if (close == NULL || close == open || close + 4 > end)
		return -1;
	p = buf;
	st->pid = (pid_t)field(&p, open, &ok);
	n = (size_t)(close - open - 1);
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, n);
	st->comm[n] = '\0';
	st->state = close[2];
	p = close + 4;
	st->ppid = (pid_t)field(&p, end, &ok);
	st->pgrp = (pid_t)field(&p, end, &ok);
	st->session = (pid_t)field(&p, end, &ok);
	p = skip_fields(p, end, 2);			/* tty_nr, tpgid */
	st->flags = (unsigned int)field(&p, end, &ok);
	p = skip_fields(p, end, 10);			/* minflt .. nice */
	st->num_threads = (long)field(&p, end, &ok);
	p = skip_fields(p, end, 1);			/* itrealvalue */
	st->starttime = (unsigned long long)field(&p, end, &ok);
	return ok ? 0 : -1;
}

static void
fill(struct tri_pnode *nd, const struct tri_stat *st, uid_t uid)
{
	memset(nd, 0, sizeof(*nd));
	nd->pid = st->pid;
	nd->ppid = st->ppid;
	nd->pgrp = st->pgrp;
	nd->sid = st->session;
	nd->euid = uid;
	nd->state = st->state;
	nd->nlwp = (int)st->num_threads;
	nd->start = st->starttime;
	nd->zombie = st->state == 'Z' && st->num_threads <= 1;
	nd->kthread = tri_proc_is_kthread(st);
	nd->parent = -1;
}

/*
 * Read one process into nd through its own directory fd: the owner, stat
 * and cmdline then all come from one process even if its pid is reused
 * meanwhile (openat through the fd of a process that is gone fails).
 * 0, or -1 when it is gone (or ENOMEM).
 */
static int
read_one(int procfd, const char *name, struct tri_pnode *nd, bool cmdline)
{
	char buf[1024];
	struct tri_stat st;
	struct stat sb;
	int dfd, r = -1;
	ssize_t n;

	if ((dfd = openat(procfd, name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return -1;
	/* The owner of /proc/PID, as pstree shows it: the files in it turn
	 * root's when the process is not dumpable, the directory does not. */
	if (fstat(dfd, &sb) < 0)
		goto out;
	n = read_small(dfd, "stat", buf, sizeof(buf));
	if (n <= 0 || parse_stat(buf, (size_t)n, &st) < 0)
		goto out;
	fill(nd, &st, sb.st_uid);
	if ((nd->comm = strdup(st.comm)) == NULL)
		goto out;
	if (cmdline) {
		nd->cmdline = read_cmdline(dfd, &nd->cmdline_len);
		if (nd->cmdline == NULL) {
			free((char *)nd->comm);
			goto out;
		}
	}
	r = 0;
out:
	close(dfd);
	return r;
}

/* Every process in /proc, sorted by pid. */
static int
read_all(struct tri_ptable *t, int procfd, bool cmdline)
{
	struct tri_pnode *nd;
	struct dirent *de;
	struct stat sb;
	size_t cap = 0;
	DIR *d;
	int fd;

	/* /proc's link count is its fixed entries plus one per process: size
	 * the table once (it still grows if more appear meanwhile). */
	if (fstat(procfd, &sb) == 0 && sb.st_nlink > 0) {
		cap = (size_t)sb.st_nlink + 64;
		if ((t->nodes = malloc(cap * sizeof(*t->nodes))) == NULL)
			return -1;
	}
	if ((fd = dup(procfd)) < 0 || (d = fdopendir(fd)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (t->n == cap) {
			cap = cap ? 2 * cap : 1024;
			if ((nd = realloc(t->nodes, cap * sizeof(*nd))) == NULL)
				break;
			t->nodes = nd;
		}
		if (read_one(procfd, de->d_name, &t->nodes[t->n], cmdline) == 0)
			t->n++;
		else if (errno == ENOMEM)
			break;
	}
	closedir(d);
	free(scratch);
	scratch = NULL;
	scratch_cap = 0;
	if (de != NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (t->n > 1)
		qsort(t->nodes, t->n, sizeof(*t->nodes), tri_ptable_cmp_pid);
	return 0;
}

/* The process's directory, if pid still names the process of start. */
static int
open_same(int procfd, const struct tri_pnode *nd)
{
	char name[24], buf[1024];
	struct tri_stat st;
	ssize_t n;
	int dfd;

	snprintf(name, sizeof(name), "%d", (int)nd->pid);
	if ((dfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	n = read_small(dfd, "stat", buf, sizeof(buf));
	if (n <= 0 || parse_stat(buf, (size_t)n, &st) < 0 ||
	    st.starttime != nd->start) {
		close(dfd);
		return -1;
	}
	return dfd;
}

static int
add_thread(struct tri_ptable *t, size_t *cap, pid_t tid,
    const struct tri_stat *st)
{
	struct tri_pthread *th;

	if (t->nthreads == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		if ((th = realloc(t->threads, *cap * sizeof(*th))) == NULL)
			return -1;
		t->threads = th;
	}
	th = &t->threads[t->nthreads];
	th->tid = tid;
	th->state = st->state;
	if ((th->comm = strdup(st->comm)) == NULL)
		return -1;
	t->nthreads++;
	return 0;
}

static int
cmp_tid(const void *a, const void *b)
{
	pid_t x = ((const struct tri_pthread *)a)->tid;
	pid_t y = ((const struct tri_pthread *)b)->tid;

	return (x > y) - (x < y);
}

/* The non-leader threads of one process, by tid. */
static int
read_threads(struct tri_ptable *t, int dfd, struct tri_pnode *nd, size_t *cap)
{
	struct dirent *de;
	char path[sizeof(de->d_name) + 8], buf[1024];
	struct tri_stat st;
	size_t first = t->nthreads;
	ssize_t n;
	DIR *d;
	int fd, r = 0;

	if ((fd = openat(dfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    atoi(de->d_name) == nd->pid)
			continue;
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		n = read_small(fd, path, buf, sizeof(buf));
		if (n <= 0 || parse_stat(buf, (size_t)n, &st) < 0)
			continue;	/* the thread ended meanwhile */
		r = add_thread(t, cap, st.pid, &st);
	}
	closedir(d);
	nd->nthreads = (int)(t->nthreads - first);
	if (nd->nthreads > 1)
		qsort(t->threads + first, (size_t)nd->nthreads,
		    sizeof(*t->threads), cmp_tid);
	return r;
}

static void
read_ns(int dfd, unsigned long *ns)
{
	struct stat st;
	int k;

	for (k = 0; k < NS_N; k++)
		ns[k] = fstatat(dfd, ns_files[k], &st, 0) == 0 ? st.st_ino : 0;
}

/* Threads and namespaces, for the processes that need them. */
static int
read_more(struct tree *tr, int procfd, unsigned flags)
{
	struct tri_ptable *t = &tr->t;
	size_t i, cap = 0, off = 0;
	int dfd;

	for (i = 0; i < t->n; i++) {
		struct tri_pnode *nd = &t->nodes[i];

		nd->nthreads = 0;
		if (!((flags & SNAP_THREADS) && nd->nlwp > 1) &&
		    !(flags & SNAP_NS))
			continue;
		if ((dfd = open_same(procfd, nd)) < 0)
			continue;
		if (flags & SNAP_NS) {
			read_ns(dfd, tr->ns[i]);
			nd->pidns = tr->ns[i][NS_PID];
		}
		if ((flags & SNAP_THREADS) && nd->nlwp > 1 &&
		    read_threads(t, dfd, nd, &cap) < 0) {
			close(dfd);
			errno = ENOMEM;
			return -1;
		}
		close(dfd);
	}
	/* Point at the slices only now: the array moved while it grew. */
	for (i = 0; i < t->n; i++) {
		t->nodes[i].threads = t->nodes[i].nthreads ? t->threads + off :
		    NULL;
		off += (size_t)t->nodes[i].nthreads;
	}
	return 0;
}

/* A parent that started after its child is a later process on that pid. */
static struct tri_pnode *
real_parent(struct tri_ptable *t, struct tri_pnode *nd)
{
	struct tri_pnode *par;

	if (nd->ppid <= 0)
		return NULL;
	par = tri_ptable_find(t, nd->ppid);
	return par && par != nd && par->start <= nd->start ? par : NULL;
}

/* Parent indexes and children lists, as slices of one array. */
static int
link_tree(struct tri_ptable *t)
{
	struct tri_pnode *par;
	size_t i, off = 0;
	int *fill_at;

	for (i = 0; i < t->n; i++)
		if ((par = real_parent(t, &t->nodes[i])) != NULL) {
			t->nodes[i].parent = (int)(par - t->nodes);
			par->nchildren++;
		}
	t->kids = malloc((t->n + 1) * sizeof(int));
	fill_at = calloc(t->n + 1, sizeof(int));
	if (t->kids == NULL || fill_at == NULL) {
		free(fill_at);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		t->nodes[i].children = t->kids + off;
		off += (size_t)t->nodes[i].nchildren;
	}
	for (i = 0; i < t->n; i++) {
		int pi = t->nodes[i].parent;

		if (pi >= 0)
			t->nodes[pi].children[fill_at[pi]++] = (int)i;
	}
	free(fill_at);
	return 0;
}

int
snap_read(struct tree *tr, unsigned flags)
{
	struct tri_ptable *t = &tr->t;
	int procfd, r = -1, e;

	memset(t, 0, sizeof(*t));
	tr->ns = NULL;
	if ((procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (read_all(t, procfd, (flags & SNAP_CMDLINE) != 0) < 0)
		goto out;
	if ((flags & SNAP_NS) &&
	    (tr->ns = calloc(t->n + 1, sizeof(*tr->ns))) == NULL)
		goto out;
	if (read_more(tr, procfd, flags) < 0 || link_tree(t) < 0)
		goto out;
	r = 0;
out:
	e = errno;
	close(procfd);
	if (r < 0) {
		tri_ptable_free(t);
		free(tr->ns);
		tr->ns = NULL;
		errno = e;
	}
	return r;
}
