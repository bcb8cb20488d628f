/* cmd/fdleak/fdtab.c - read a process's fd table and classify each fd. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "fdkind.h"
#include "fdleak.h"

void
warn_target(pid_t pid, int e)
{
	if (e == ESRCH || e == ENOENT)
		warnx("pid %d: no such process", (int)pid);
	else if (e == E_KTHREAD)
		warnx("pid %d: kernel thread, no fds of its own", (int)pid);
	else if (e == EACCES || e == EPERM)
		warnx("pid %d: fd: %s (%s)", (int)pid, strerror(e),
		    tri_caps_hint(CAP_SYS_PTRACE));
	else
		warnx("pid %d: %s", (int)pid, strerror(e));
}

double
now_unix(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
pct_of(unsigned long count, unsigned long long soft)
{
	if (soft == 0 || soft == RLIM_INFINITY)
		return 0;
	return 100.0 * (double)count / (double)soft;
}

int
limits_read(const struct tri_proc *p, unsigned long long *soft,
    unsigned long long *hard)
{
	return tri_proc_read_limit(p, "Max open files", soft, hard);
}

/* The socket table of p's network namespace, loaded on first use. */
struct tri_socktab *
sockcache_get(struct sockcache *sc, const struct tri_proc *p)
{
	unsigned long long ns = tri_sock_netns(p);
	struct tri_socktab **nv, *t = NULL;
	size_t i;

	/* gone (or ns/ refused): no table, rather than a new load per
	 * process, which under churn made a who question take seconds */
	if (ns == 0)
		return NULL;
	pthread_mutex_lock(&sc->lock);
	for (i = 0; i < sc->n; i++)
		if (ns != 0 && sc->v[i]->netns == ns) {
			t = sc->v[i];
			goto out;
		}
	if ((nv = realloc(sc->v, (sc->n + 1) * sizeof(*nv))) == NULL)
		goto out;
	sc->v = nv;
	if ((t = malloc(sizeof(*t))) == NULL)
		goto out;
	if ((sc->wanted ? tri_sock_load_want(t, p, sc->want, sc->nwant) :
	    tri_sock_load(t, p)) < 0) {
		free(t);
		t = NULL;
		goto out;
	}
	sc->v[sc->n++] = t;
out:
	pthread_mutex_unlock(&sc->lock);
	return t;
}

void
sockcache_free(struct sockcache *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++) {
		tri_sock_free(sc->v[i]);
		free(sc->v[i]);
	}
	free(sc->v);
	sc->v = NULL;
	sc->n = 0;
	free(sc->want);
	sc->want = NULL;
	sc->nwant = 0;
	sc->wanted = false;
}

static int
cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return (x > y) - (x < y);
}

/*
 * A listing looks up only its targets' sockets: with one process of a
 * namespace holding a fifth of its sockets (bench/fdleak.sh), loading
 * them all was a third of fdleak -p's time.  The set is sorted, without
 * repeats; a table that holds no socket loads nothing.
 */
int
sockcache_want(struct sockcache *sc, const struct fdtab *tabs, size_t n)
{
	size_t i, k, m = 0, w = 0;

	for (i = 0; i < n; i++)
		m += tabs[i].n;
	if ((sc->want = malloc((m ? m : 1) * sizeof(*sc->want))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		for (k = 0; k < tabs[i].n; k++)
			if (strcmp(tabs[i].v[k].type, "SOCK") == 0 &&
			    strncmp(tabs[i].v[k].link, "socket:", 7) == 0)
				sc->want[w++] = tabs[i].v[k].ino;
	qsort(sc->want, w, sizeof(*sc->want), cmp_ull);
	for (i = 0, m = 0; i < w; i++)
		if (m == 0 || sc->want[i] != sc->want[m - 1])
			sc->want[m++] = sc->want[i];
	sc->nwant = m;
	sc->wanted = true;
	return 0;
}

/* What the fd is (lib/fdkind.c); the link loses a " (deleted)" suffix. */
static void
classify(struct fdent *e, int fddir, struct tri_socktab *st)
{
	struct tri_fdkind k;

	tri_fdkind_classify(&k, e->link, e->linklen, fddir, e->fd);
	e->type = k.type;
	e->ino = k.ino;
	e->size = k.size;
	e->dev = k.dev;
	e->nlink = k.nlink;
	e->pipe = k.pipe;
	e->deleted = k.deleted;
	if (k.deleted) {
		e->linklen = k.pathlen;
		e->link[e->linklen] = '\0';
	}
	if (k.sock)
		e->sock = st ? tri_sock_find(st, e->ino) : NULL;
}

/*
 * The mounts of sockfs and pipefs, learnt from the first socket and pipe
 * of a table.  Every file there has the link "socket:[INO]" or
 * "pipe:[INO]", with the inode fdinfo already gives (Linux 5.14 and
 * later): on those mounts the readlink, a fifth of the cost of an fd, is
 * skipped.
 */
struct pseudo {
	int	sock_mnt, pipe_mnt;
};

static ssize_t
pseudo_link(const struct pseudo *ps, const struct fdent *e, char *buf,
    size_t size)
{
	if (!e->info || e->fi.ino == 0 || e->fi.mnt_id < 0)
		return -1;
	if (e->fi.mnt_id == ps->sock_mnt)
		return snprintf(buf, size, "socket:[%llu]", e->fi.ino);
	if (e->fi.mnt_id == ps->pipe_mnt)
		return snprintf(buf, size, "pipe:[%llu]", e->fi.ino);
	return -1;
}

static void
pseudo_learn(struct pseudo *ps, const struct fdent *e, const char *link)
{
	unsigned long long ino;
	char *end;

	if (!e->info || e->fi.ino == 0 || e->fi.mnt_id < 0)
		return;
	if (strncmp(link, "socket:[", 8) == 0) {
		ino = strtoull(link + 8, &end, 10);
		if (ino == e->fi.ino && strcmp(end, "]") == 0)
			ps->sock_mnt = e->fi.mnt_id;
	} else if (strncmp(link, "pipe:[", 6) == 0) {
		ino = strtoull(link + 6, &end, 10);
		if (ino == e->fi.ino && strcmp(end, "]") == 0)
			ps->pipe_mnt = e->fi.mnt_id;
	}
}

/*
 * Whether fdinfo is read for every fd.  It gives the MODE, FLAGS and POS
 * columns and the inode that saves a socket's or pipe's readlink, but it
 * costs twice a readlink (bench/fdleak.sh: 6 against 3 us an fd): a
 * table that shows none of those columns reads it only for the anon
 * inodes whose TARGET it names (eventfd count=3, ...).
 */
bool fdtab_need_info = true;

static bool
anon_link(const char *link)
{
	return strncmp(link, "anon_inode:", 11) == 0 ||
	    strncmp(link, "pidfd:", 6) == 0;
}

static int
read_one(struct fdent *e, int fddir, int infodir, struct tri_socktab *st,
    struct pseudo *ps)
{
	char buf[PATH_MAX + 16];
	ssize_t n;

	if (!fdtab_need_info) {
		if ((n = tri_proc_fd_link(fddir, e->fd, buf, sizeof(buf))) < 0)
			return -1;
		if (anon_link(buf))
			e->info = tri_proc_read_fdinfo(infodir, e->fd,
			    &e->fi) == 0;
		goto have_link;
	}
	e->info = tri_proc_read_fdinfo(infodir, e->fd, &e->fi) == 0;
	if ((n = pseudo_link(ps, e, buf, sizeof(buf))) < 0) {
		if ((n = tri_proc_fd_link(fddir, e->fd, buf, sizeof(buf))) < 0)
			return -1;	/* closed since the readdir: skip it */
		pseudo_learn(ps, e, buf);
	}
have_link:
	e->linklen = (size_t)n;
	if ((e->link = malloc((size_t)n + 1)) == NULL)
		return -1;
	memcpy(e->link, buf, (size_t)n + 1);
	classify(e, fddir, st);
	return 0;
}

static int
read_fds(struct fdtab *t, const struct tri_proc *p, int fddir, int infodir)
{
	struct pseudo ps = { -1, -1 };
	size_t n, i;
	int *fds;

	if ((fds = tri_proc_fd_list(fddir, &n)) == NULL)
		return -1;
	if ((t->v = calloc(n ? n : 1, sizeof(*t->v))) == NULL) {
		free(fds);
		return -1;
	}
	for (i = 0; i < n; i++) {
		t->v[t->n].fd = fds[i];
		if (read_one(&t->v[t->n], fddir, infodir, t->socks, &ps) == 0)
			t->n++;
		else {
			free(t->v[t->n].link);
			memset(&t->v[t->n], 0, sizeof(t->v[0]));
		}
	}
	t->maxfd = n ? fds[n - 1] : -1;
	free(fds);
	return 0;
}

int
fdtab_read(struct fdtab *t, const struct tri_proc *p, struct sockcache *sc)
{
	struct tri_stat st;
	int fddir, infodir = -1, r = -1, e;

	memset(t, 0, sizeof(*t));
	t->pid = p->pid;
	if (tri_proc_read_stat(p, &st) < 0)
		return -1;
	if (tri_proc_is_kthread(&st)) {
		errno = E_KTHREAD;
		return -1;
	}
	memcpy(t->comm, st.comm, sizeof(t->comm));
	if ((fddir = tri_proc_fd_opendir(p, false)) < 0)
		return -1;
	if ((infodir = tri_proc_fd_opendir(p, true)) < 0)
		goto out;
	t->soft = t->hard = RLIM_INFINITY;
	limits_read(p, &t->soft, &t->hard);
	t->socks = sc ? sockcache_get(sc, p) : NULL;
	if (read_fds(t, p, fddir, infodir) < 0)
		goto out;
	if (t->socks)
		fdtab_sockproto(t, p);
	tri_proc_fd_count(p, &t->count);
	/* A pid reused while we read would mix two processes: check. */
	r = tri_proc_check(p);
out:
	e = errno;
	close(fddir);
	if (infodir >= 0)
		close(infodir);
	if (r < 0)
		fdtab_free(t);
	errno = e;
	return r;
}

void
fdtab_sockproto(struct fdtab *t, const struct tri_proc *p)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].sock == NULL && strcmp(t->v[i].type, "SOCK") == 0 &&
		    strncmp(t->v[i].link, "socket:", 7) == 0 &&
		    tri_sock_protoname(p, t->v[i].fd, t->v[i].sproto,
		    sizeof(t->v[i].sproto)) < 0)
			t->v[i].sproto[0] = '\0';
}

void
fdtab_free(struct fdtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].link);
		free(t->v[i].peer);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
	for (i = 0; i < t->nx; i++)
		free(t->x[i].link);
	free(t->x);
	t->x = NULL;
	t->nx = 0;
}
