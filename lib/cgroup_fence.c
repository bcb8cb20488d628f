/* lib/cgroup_fence.c - a child cgroup that fences, freezes and kills a command. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

#define PASS_CAP	8192	/* pids compared per kill pass */
#define KILL_PASSES	100

/* Write s to dir/file with one write(2); open/write/close only. */
static int
put(const char *dir, const char *file, const char *s)
{
	char path[PATH_MAX + 32];
	size_t dl = strlen(dir), fl = strlen(file), sl = strlen(s);
	ssize_t w;
	int fd, e;

	if (dl + fl + 2 > sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, dl);
	path[dl] = '/';
	memcpy(path + dl + 1, file, fl + 1);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	w = write(fd, s, sl);
	e = errno;
	close(fd);
	if (w != (ssize_t)sl) {
		errno = w < 0 ? e : EIO;
		return -1;
	}
	return 0;
}

static bool
has_file(const char *dir, const char *file)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

int
tri_cgroup_pids_read(const char *dir, struct tri_cgroup_pids *p)
{
	memset(p, 0, sizeof(*p));
	if (tri_cgroup_read_u64(dir, "pids.current", &p->current) < 0)
		return -1;
	if (tri_cgroup_read_u64(dir, "pids.max", &p->max) < 0)
		p->max = TRI_CGROUP_MAX;
	p->has_peak = tri_cgroup_read_u64(dir, "pids.peak", &p->peak) == 0;
	p->has_events = tri_cgroup_read_key(dir, "pids.events", "max",
	    &p->events_max) == 0;
	return 0;
}

/* mkdir parent/name into out; 0 or -1 with errno. */
static int
make_child(pid_t self, const char *controller, const char *name, char *out,
    size_t size, int *v2)
{
	char dir[PATH_MAX];

	if (tri_cgroup_dir(self, controller, dir, sizeof(dir), v2) < 0)
		return -1;
	if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(out, 0755) < 0) {
		*out = '\0';
		return -1;
	}
	return 0;
}

/*
 * On v2 a child has pids.max only when its parent lists +pids in
 * cgroup.subtree_control.  Enabling it is refused (EBUSY) while the
 * parent holds processes of its own, as a login shell's scope does: the
 * caller must then run from a cgroup delegated for it.
 */
static int
v2_enable_pids(const char *child)
{
	char parent[PATH_MAX], *slash;

	if (has_file(child, "pids.max"))
		return 0;
	snprintf(parent, sizeof(parent), "%s", child);
	if ((slash = strrchr(parent, '/')) == NULL) {
		errno = ENOENT;
		return -1;
	}
	*slash = '\0';
	if (put(parent, "cgroup.subtree_control", "+pids") < 0)
		return -1;
	if (!has_file(child, "pids.max")) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/* A v2 child for freezing and killing; "" when v2 cannot freeze here. */
static int
make_v2(struct tri_cgroup_fence *f, pid_t self, const char *name)
{
	int v2;

	if (f->pids_v2) {
		snprintf(f->v2, sizeof(f->v2), "%s", f->pids);
	} else if (make_child(self, NULL, name, f->v2, sizeof(f->v2),
	    &v2) < 0) {
		return -1;
	}
	if (!has_file(f->v2, "cgroup.freeze")) {
		if (!f->pids_v2)
			rmdir(f->v2);
		f->v2[0] = '\0';
		errno = ENOENT;
		return -1;
	}
	f->v2_kill = has_file(f->v2, "cgroup.kill");
	return 0;
}

int
tri_cgroup_fence_create(struct tri_cgroup_fence *f, const char *name,
    enum tri_fence_mode mode)
{
	pid_t self = getpid();
	int v2 = 0, e;

	memset(f, 0, sizeof(*f));
	if (make_child(self, "pids", name, f->pids, sizeof(f->pids), &v2) < 0)
		return -1;
	f->pids_v2 = v2 == 1;
	if (f->pids_v2 && v2_enable_pids(f->pids) < 0) {
		e = errno;
		goto fail;
	}
	if (mode == TRI_FENCE_V1 && f->pids_v2) {
		e = ENOENT;
		goto fail;
	}
	if (mode != TRI_FENCE_V1 && make_v2(f, self, name) == 0)
		return 0;
	if (mode == TRI_FENCE_V2) {
		e = errno;
		goto fail;
	}
	if (make_child(self, "freezer", name, f->freezer, sizeof(f->freezer),
	    &v2) == 0 && v2 == 0)
		return 0;
	e = errno;
	if (f->freezer[0] != '\0') {
		rmdir(f->freezer);
		f->freezer[0] = '\0';
	}
	if (mode == TRI_FENCE_AUTO)
		return 0;	/* pids only: kill by signals, no freezing */
	if (e == 0)
		e = ENOENT;
fail:
	tri_cgroup_fence_remove(f);
	memset(f, 0, sizeof(*f));
	errno = e;
	return -1;
}

int
tri_cgroup_fence_set_max(const struct tri_cgroup_fence *f, uint64_t max)
{
	char buf[32];

	if (max == TRI_CGROUP_MAX)
		snprintf(buf, sizeof(buf), "max");
	else
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)max);
	return put(f->pids, "pids.max", buf);
}

/* The decimal digits of v into buf (no stdio: used between fork and exec). */
static const char *
digits(char *buf, size_t size, unsigned long v)
{
	char *p = buf + size - 1;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v && p > buf);
	return p;
}

int
tri_cgroup_fence_enter(const struct tri_cgroup_fence *f, pid_t pid)
{
	char buf[24];
	const char *s = pid == 0 ? "0" : digits(buf, sizeof(buf),
	    (unsigned long)pid);

	if (put(f->pids, "cgroup.procs", s) < 0)
		return -1;
	if (f->freezer[0] && put(f->freezer, "cgroup.procs", s) < 0)
		return -1;
	if (f->v2[0] && !f->pids_v2 && put(f->v2, "cgroup.procs", s) < 0)
		return -1;
	return 0;
}

int
tri_cgroup_fence_read(const struct tri_cgroup_fence *f,
    struct tri_cgroup_pids *p)
{
	return tri_cgroup_pids_read(f->pids, p);
}

int
tri_cgroup_fence_procs(const struct tri_cgroup_fence *f, pid_t *pids,
    size_t cap, size_t *n)
{
	char path[PATH_MAX + 32], buf[4096];
	unsigned long v = 0;
	bool in = false;
	ssize_t r, i;
	int fd;

	*n = 0;
	snprintf(path, sizeof(path), "%s/cgroup.procs", f->pids);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	/* Parsed as it streams: a number may span two reads. */
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < r; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				v = v * 10 + (unsigned long)(buf[i] - '0');
				in = true;
				continue;
			}
			if (in && *n < cap)
				pids[*n] = (pid_t)v;
			if (in)
				(*n)++;
			v = 0;
			in = false;
		}
	}
	if (in && *n < cap)
		pids[*n] = (pid_t)v;
	if (in)
		(*n)++;
	close(fd);
	return r < 0 ? -1 : 0;
}

static void
nap(long ns)
{
	struct timespec ts = { 0, ns };

	nanosleep(&ts, NULL);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the fence reads as frozen: cgroup.events or freezer.state. */
static bool
is_frozen(const struct tri_cgroup_fence *f)
{
	char buf[256];
	uint64_t v;

	if (f->v2[0])
		return tri_cgroup_read_key(f->v2, "cgroup.events", "frozen",
		    &v) == 0 && v == 1;
	return tri_cgroup_read(f->freezer, "freezer.state", buf,
	    sizeof(buf)) >= 0 && strcmp(buf, "FROZEN") == 0;
}

int
tri_cgroup_fence_freeze(const struct tri_cgroup_fence *f, bool frozen,
    double timeout)
{
	double end;
	int r;

	if (f->v2[0])
		r = put(f->v2, "cgroup.freeze", frozen ? "1" : "0");
	else if (f->freezer[0])
		r = put(f->freezer, "freezer.state", frozen ? "FROZEN" :
		    "THAWED");
	else {
		errno = ENOTSUP;
		return -1;
	}
	if (r < 0 || !frozen)
		return r;
	end = mono() + timeout;
	while (!is_frozen(f)) {
		if (mono() > end) {
			errno = ETIMEDOUT;
			return -1;
		}
		nap(100000);
	}
	return 0;
}

static int
cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Whether every one of b[0..nb) is in the sorted a[0..na). */
static bool
subset(const pid_t *b, size_t nb, const pid_t *a, size_t na)
{
	size_t i;

	for (i = 0; i < nb; i++)
		if (!bsearch(&b[i], a, na, sizeof(*a), cmp_pid))
			return false;
	return true;
}

int
tri_cgroup_fence_kill(const struct tri_cgroup_fence *f, size_t *signalled)
{
	static pid_t a[PASS_CAP], b[PASS_CAP];
	size_t na = 0, nb, i, sent = 0;
	int pass;

	if (signalled)
		*signalled = 0;
	if (f->v2_kill)
		return put(f->v2, "cgroup.kill", "1");
	for (pass = 0; pass < KILL_PASSES; pass++) {
		if (tri_cgroup_fence_procs(f, b, PASS_CAP, &nb) < 0)
			return -1;
		if (nb == 0 || (nb <= PASS_CAP && pass > 0 &&
		    subset(b, nb, a, na)))
			break;
		if (nb > PASS_CAP)
			nb = PASS_CAP;
		for (i = 0; i < nb; i++)
			if (kill(b[i], SIGKILL) == 0 && !(pass > 0 &&
			    bsearch(&b[i], a, na, sizeof(*a), cmp_pid)))
				sent++;
		memcpy(a, b, nb * sizeof(*a));
		na = nb;
		qsort(a, na, sizeof(*a), cmp_pid);
	}
	if (signalled)
		*signalled = sent;
	return 0;
}

int
tri_cgroup_fence_remove(const struct tri_cgroup_fence *f)
{
	int e = 0;

	if (f->freezer[0] && rmdir(f->freezer) < 0 && errno != ENOENT)
		e = errno;
	if (f->v2[0] && !f->pids_v2 && rmdir(f->v2) < 0 && errno != ENOENT
	    && e == 0)
		e = errno;
	if (f->pids[0] && rmdir(f->pids) < 0 && errno != ENOENT && e == 0)
		e = errno;
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

const char *
tri_cgroup_fence_kind(const struct tri_cgroup_fence *f)
{
	if (f->pids_v2)
		return f->v2_kill ? "v2 pids, freeze and kill" :
		    "v2 pids and freeze";
	if (f->v2[0])
		return f->v2_kill ? "v1 pids, v2 freeze and kill" :
		    "v1 pids, v2 freeze";
	if (f->freezer[0])
		return "v1 pids and freezer";
	return "v1 pids (no freezer)";
}
