/* cmd/triage/machtop.c - one scan of every process, and the top lists of the machine view. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdverdict.h"
#include "triage.h"
#include "zparent.h"

/* One process as the scan saw it: one stat read, one fstatat of fd/ and
 * the schedstat of each thread. */
struct srow {
	pid_t			 pid, ppid;
	char			 state;
	bool			 kthread, has_slices;
	long			 nthreads;
	unsigned long long	 start, ticks;
	unsigned long long	 slices;	/* times its threads got a CPU */
	unsigned long long	 rss_kb;
	long			 fds;		/* -1: not readable */
	char			 comm[TRI_COMM_MAX];
};

struct scan {
	struct srow		*r;
	size_t			 n;
};

/*
 * How many times the threads of process dir name were given a CPU:
 * schedstat's third field, summed over task/ (the process's own
 * schedstat, like its status, is the main thread's alone, and a pool of
 * workers switches where the main thread waits).  One read for a single
 * thread.  false when no thread's could be read (no CONFIG_SCHED_INFO).
 */
static bool
read_slices(int procfd, const char *name, long nthreads,
    unsigned long long *sum)
{
	struct tri_schedstat ss;
	struct dirent *de;
	char path[sizeof(de->d_name) + 16], buf[128];
	bool any = false;
	DIR *d;
	int fd;

	*sum = 0;
	if (nthreads <= 1) {
		snprintf(path, sizeof(path), "%s/schedstat", name);
		if (tri_read_small(procfd, path, buf, sizeof(buf)) <= 0 ||
		    tri_proc_parse_schedstat(buf, &ss) < 0)
			return false;
		*sum = ss.slices;
		return true;
	}
	snprintf(path, sizeof(path), "%s/task", name);
	if ((fd = openat(procfd, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return false;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return false;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/schedstat", de->d_name);
		if (tri_read_small(dirfd(d), path, buf, sizeof(buf)) > 0 &&
		    tri_proc_parse_schedstat(buf, &ss) == 0) {
			*sum += ss.slices;
			any = true;
		}
	}
	closedir(d);
	return any;
}

static bool
read_row(int procfd, const char *name, struct srow *row, long pagekb)
{
	char path[64], buf[1024];
	struct tri_stat st;
	struct stat sb;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/stat", name);
	n = tri_read_small(procfd, path, buf, sizeof(buf));
	if (n <= 0 || tri_proc_parse_stat(buf, (size_t)n, &st) < 0)
		return false;
	row->pid = st.pid;
	row->ppid = st.ppid;
	row->state = st.state;
	row->kthread = tri_proc_is_kthread(&st);
	row->nthreads = st.num_threads;
	row->start = st.starttime;
	row->ticks = st.utime + st.stime;
	row->rss_kb = st.rss > 0 ? (unsigned long long)st.rss * pagekb : 0;
	snprintf(row->comm, sizeof(row->comm), "%s", st.comm);
	row->fds = -1;
	snprintf(path, sizeof(path), "%s/fd", name);
	/* the kernel gives the number of open fds as fd/'s size */
	if (!row->kthread && fstatat(procfd, path, &sb, 0) == 0)
		row->fds = (long)sb.st_size;
	row->has_slices = !row->kthread && row->state != 'Z' &&
	    read_slices(procfd, name, row->nthreads, &row->slices);
	return true;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct srow *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

struct scan *
scan_take(void)
{
	struct scan *s;
	struct dirent *de;
	size_t cap = 512;
	long pagekb = sysconf(_SC_PAGESIZE) / 1024;
	DIR *d;

	if ((d = opendir(tri_proc_root())) == NULL)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->r = malloc(cap * sizeof(*s->r))) == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (s->n == cap && (s->r = realloc(s->r,
		    (cap *= 2) * sizeof(*s->r))) == NULL)
			err(TRI_EXIT_FAIL, "realloc");
		if (read_row(dirfd(d), de->d_name, &s->r[s->n], pagekb))
			s->n++;
	}
	closedir(d);
	qsort(s->r, s->n, sizeof(*s->r), cmp_row);
	return s;
}

void
scan_free(struct scan *s)
{
	if (s) {
		free(s->r);
		free(s);
	}
}

static const struct srow *
scan_find(const struct scan *s, const struct srow *like)
{
	const struct srow *r = bsearch(like, s->r, s->n, sizeof(*s->r),
	    cmp_row);

	return r && r->start == like->start ? r : NULL;
}

/* The N largest values: an insertion into a short sorted list. */
static void
top_put(struct top_list *t, size_t max, const struct srow *row, double v,
    const char *text)
{
	size_t i;

	if (t->n == max && !(v > t->rows[max - 1].value))
		return;
	i = t->n < max ? t->n++ : max - 1;
	for (; i > 0 && t->rows[i - 1].value < v; i--)
		t->rows[i] = t->rows[i - 1];
	t->rows[i].pid = row->pid;
	t->rows[i].value = v;
	snprintf(t->rows[i].comm, sizeof(t->rows[i].comm), "%s", row->comm);
	snprintf(t->rows[i].text, sizeof(t->rows[i].text), "%s", text);
}

static struct top_list *
top_new(struct report *r, size_t max, const char *name, const char *key,
    const char *next)
{
	struct top_list *t = &r->top[r->ntop++];

	t->name = name;
	t->key = key;
	t->next = next;
	if ((t->rows = calloc(max, sizeof(*t->rows))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	return t;
}

/* The top fd holders: their limits read now (lib/fdverdict), near is WARN. */
static void
fd_findings(struct report *r, const struct top_list *t)
{
	struct tri_fdverdict v;
	struct tri_proc p;
	struct finding *f;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (tri_proc_open(&p, t->rows[i].pid) < 0)
			continue;
		if (tri_fdverdict_read(&v, &p) == 0 && v.near_limit) {
			f = finding_add(r, v.used_percent >= 95 ? SEV_CRIT :
			    SEV_WARN, "fds", p.pid, t->rows[i].comm);
			finding_line(f, "%s", v.verdict);
			ev_uint(f, "fds", v.count);
			ev_uint(f, "soft_limit", v.soft);
			ev_double(f, "used_percent", v.used_percent);
			finding_next(f, "fdleak --watch -p %d", (int)p.pid);
		}
		tri_proc_close(&p);
	}
}

/* Parents of zombies: each listed one diagnosed by lib/zparent. */
static void
zombie_findings(struct report *r, const struct top_list *t,
    const struct scan *s)
{
	struct tri_zparent par;
	struct srow key;
	const struct srow *row;
	struct finding *f;
	size_t i;

	for (i = 0; i < t->n; i++) {
		key.pid = t->rows[i].pid;
		row = bsearch(&key, s->r, s->n, sizeof(*s->r), cmp_row);
		if (row == NULL)
			continue;
		memset(&par, 0, sizeof(par));
		par.pid = row->pid;
		par.start = row->start;
		par.state = row->state;
		par.nzomb = (int)t->rows[i].value;
		snprintf(par.comm, sizeof(par.comm), "%s", row->comm);
		tri_zparent_diagnose(&par);
		if (!par.gone) {
			f = finding_add(r, SEV_WARN, "zombies", row->pid,
			    row->comm);
			finding_line(f, "%s", par.verdict);
			ev_int(f, "zombies", par.nzomb);
			ev_str(f, "fix", par.fix);
			finding_next(f, "zombies -p %d", (int)row->pid);
		}
		tri_zparent_free(&par);
	}
}

static void
zombie_top(struct report *r, size_t max, const struct scan *b)
{
	struct top_list *t = top_new(r, max, "zombies", "zombies",
	    "zombies -p");
	struct srow key;
	const struct srow *par;
	unsigned *count;
	size_t i;
	char text[96];

	/* b is sorted by pid: count per parent index in one pass */
	if ((count = calloc(b->n ? b->n : 1, sizeof(*count))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < b->n; i++) {
		if (b->r[i].state != 'Z' || b->r[i].nthreads > 1)
			continue;
		key.pid = b->r[i].ppid;
		if ((par = bsearch(&key, b->r, b->n, sizeof(*b->r),
		    cmp_row)) != NULL)
			count[par - b->r]++;
	}
	for (i = 0; i < b->n; i++) {
		if (count[i] == 0)
			continue;
		snprintf(text, sizeof(text), "%u zombie child%s", count[i],
		    count[i] == 1 ? "" : "ren");
		top_put(t, max, &b->r[i], count[i], text);
	}
	free(count);
	zombie_findings(r, t, b);
}

void
machine_top(const struct ctl *ctl, struct report *r, const struct scan *a,
    const struct scan *b, double window)
{
	struct top_list *cpu, *sw, *rss, *fds, *stuck;
	const struct srow *old;
	char text[96];
	double hz = (double)tri_proc_hz(), pct;
	size_t i, max = ctl->top;
	int nd = 0;
	pid_t first_d = 0;
	struct finding *f;

	cpu = top_new(r, max, "cpu", "cpu_percent", "ctxswitch -t -p");
	sw = top_new(r, max, "switches", "switches_per_second",
	    "ctxswitch -t -p");
	rss = top_new(r, max, "memory", "rss_kb", "memmap -s -p");
	fds = top_new(r, max, "fds", "fds", "fdleak -s -p");
	stuck = top_new(r, max, "threads", "at_least_seconds",
	    "proctree -p -s");
	for (i = 0; i < b->n; i++) {
		const struct srow *row = &b->r[i];

		if (row->kthread)
			continue;
		old = scan_find(a, row);
		if (old && row->ticks >= old->ticks && window > 0) {
			pct = 100.0 * (double)(row->ticks - old->ticks) / hz /
			    window;
			snprintf(text, sizeof(text), "%.1f%% of a CPU, %ld "
			    "thread%s", pct, row->nthreads,
			    row->nthreads == 1 ? "" : "s");
			if (pct > 0)
				top_put(cpu, max, row, pct, text);
		}
		/* a thread gone in the window takes its count with it */
		if (old && old->has_slices && row->has_slices &&
		    row->slices > old->slices && window > 0) {
			pct = (double)(row->slices - old->slices) / window;
			snprintf(text, sizeof(text), "%.0f switches/s, %ld "
			    "thread%s", pct, row->nthreads,
			    row->nthreads == 1 ? "" : "s");
			top_put(sw, max, row, pct, text);
		}
		snprintf(text, sizeof(text), "%llu kB RSS", row->rss_kb);
		if (row->rss_kb)
			top_put(rss, max, row, (double)row->rss_kb, text);
		snprintf(text, sizeof(text), "%ld fds open", row->fds);
		if (row->fds > 0)
			top_put(fds, max, row, (double)row->fds, text);
		if (old && (row->state == 'D' || row->state == 'T' ||
		    row->state == 't') && old->state == row->state) {
			if (row->state == 'D' && nd++ == 0)
				first_d = row->pid;
			snprintf(text, sizeof(text), "in %c for at least %.1f s",
			    row->state, window);
			top_put(stuck, max, row, window, text);
		}
	}
	zombie_top(r, max, b);
	fd_findings(r, fds);
	if (nd > 0) {
		f = finding_add(r, SEV_WARN, "threads", 0, NULL);
		finding_line(f, "%d process%s in D (uninterruptible) for at "
		    "least %.1f s", nd, nd == 1 ? "" : "es", window);
		ev_int(f, "d_processes", nd);
		ev_double(f, "at_least_seconds", window);
		finding_next(f, "proctree -p -s %d", (int)first_d);
	}
}
