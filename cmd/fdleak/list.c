/* cmd/fdleak/list.c - the listing: every fd of the targets, one line each. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdleak.h"

static void
list_json_proc(struct tri_json *j, const struct fdtab *t)
{
	size_t k;

	tri_json_obj_begin(j);
	summary_json(j, t, true);
	tri_json_key(j, "fds");
	tri_json_arr_begin(j);
	for (k = 0; k < t->nx; k++)
		list_json_fd(j, &t->x[k]);
	for (k = 0; k < t->n; k++)
		list_json_fd(j, &t->v[k]);
	tri_json_arr_end(j);
	tri_json_obj_end(j);
}

static int
list_print(const struct ctl *c, FILE *f, struct fdtab *tabs, size_t n)
{
	struct tri_json j;
	struct fdrow *rows;
	size_t i, nrows;

	if (c->json) {
		tri_json_init(&j, f, false);
		tri_json_obj_begin(&j);
		tri_json_schema(&j, "fdleak");
		tri_json_key(&j, "processes");
		tri_json_arr_begin(&j);
		for (i = 0; i < n; i++)
			list_json_proc(&j, &tabs[i]);
		tri_json_arr_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return 0;
	}
	rows = rows_of(tabs, n, &nrows);
	table_print(c, f, rows, nrows);
	free(rows);
	if (c->header)
		for (i = 0; i < n; i++) {
			putc('\n', f);
			summary_text(f, &tabs[i], true);
		}
	return 0;
}

static void
json_sock(struct tri_json *j, const struct fdent *e)
{
	const struct tri_sock *s = e->sock;

	tri_json_key(j, "socket");
	tri_json_obj_begin(j);
	tri_json_kuint(j, "inode", e->ino);
	if (s) {
		tri_json_kstr(j, "protocol", s->proto);
		if (s->family == AF_UNIX) {
			tri_json_key(j, "path");
			if (s->path)
				tri_json_strn(j, s->path, s->path_len);
			else
				tri_json_null(j);
			if (s->peer)
				tri_json_kuint(j, "peer_inode", s->peer);
		} else {
			tri_json_kstr(j, "local", s->local);
			tri_json_kstr(j, "remote", s->remote);
		}
		tri_json_kstr(j, "state", tri_sock_state_text(s));
	} else if (e->sproto[0]) {
		tri_json_kstr(j, "protocol", e->sproto);
		tri_json_kbool(j, "bound", false);
	}
	tri_json_obj_end(j);
}

void
list_json_fd(struct tri_json *j, const struct fdent *e)
{
	char fl[128], target[PATH_MAX + 2048];

	tri_json_obj_begin(j);
	if (e->name) {
		tri_json_key(j, "fd");
		tri_json_null(j);
		tri_json_kstr(j, "name", e->name);
	} else
		tri_json_kint(j, "fd", e->fd);
	tri_json_kstr(j, "type", e->type);
	tri_json_kstr(j, "access", fdent_access(e));
	tri_json_kstr(j, "flags", fdent_flags(e, fl, sizeof(fl)));
	tri_json_kbool(j, "cloexec", e->info && (e->fi.flags & O_CLOEXEC));
	tri_json_kuint(j, "pos", e->fi.pos);
	tri_json_key(j, "link");
	tri_json_strn(j, e->link, e->linklen);
	fdent_target(e, target, sizeof(target));
	tri_json_kstr(j, "target", target);
	if (e->link[0] == '/') {
		tri_json_kbool(j, "deleted", e->deleted);
		tri_json_kuint(j, "size_bytes", e->size);
		tri_json_kuint(j, "nlink", e->nlink);
		tri_json_kuint(j, "inode", e->ino);
	}
	if (e->info && e->fi.mnt_id >= 0)
		tri_json_kint(j, "mnt_id", e->fi.mnt_id);
	if (strcmp(e->type, "SOCK") == 0 && strncmp(e->link, "socket:", 7) == 0)
		json_sock(j, e);
	if (e->peer)
		tri_json_kstr(j, "peer", e->peer);
	tri_json_obj_end(j);
}

/*
 * Several targets may be read in parallel (FDLEAK_THREADS), one thread
 * per target up to the CPUs we may run on: each /proc/PID/fd directory is
 * its own (splitting one process's fds between threads was slower).
 * Sockets are looked up once everything is read, in tables that hold
 * only the targets' sockets (sockcache_want).  Results and errors stay
 * in the order of the targets.
 */
struct listjob {
	pid_t			*pids;
	struct tri_proc		*procs;		/* open while errs[i] is 0 */
	struct fdtab		*tabs;
	int			*errs;
	size_t			 n, next;	/* jobs: n targets */
	pthread_mutex_t		 lock;
	bool			 extra;		/* -x */
};

static void
list_job(struct listjob *j, size_t i)
{
	if (tri_proc_open(&j->procs[i], j->pids[i]) < 0) {
		j->errs[i] = errno;
		return;
	}
	if (fdtab_read(&j->tabs[i], &j->procs[i], NULL) < 0 ||
	    (j->extra && extra_read(&j->tabs[i], &j->procs[i]) < 0)) {
		j->errs[i] = errno ? errno : ESRCH;
		fdtab_free(&j->tabs[i]);
		tri_proc_close(&j->procs[i]);
	}
}

static void *
list_worker(void *arg)
{
	struct listjob *j = arg;
	size_t k;

	for (;;) {
		pthread_mutex_lock(&j->lock);
		k = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (k >= j->n)
			return NULL;
		list_job(j, k);
	}
}

/* Point the sockets of t at their entries in its namespace's table. */
static void
fdtab_resolve(struct fdtab *t, struct tri_socktab *st,
    const struct tri_proc *p)
{
	size_t i;

	t->socks = st;
	for (i = 0; st && i < t->n; i++)
		if (strcmp(t->v[i].type, "SOCK") == 0)
			t->v[i].sock = tri_sock_find(st, t->v[i].ino);
	fdtab_sockproto(t, p);
}

static size_t
cpus_usable(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	return (size_t)CPU_COUNT(&set);
}

static void
list_read(struct listjob *j)
{
	pthread_t th[8];
	const char *env = getenv("FDLEAK_THREADS");
	size_t i, nth = cpus_usable();
	int v;

	/*
	 * One thread by default: bench/fdleak.sh measured two threads on 5
	 * x 19,000 fds a little faster in wall time but dearer in CPU time
	 * (the readers contend in the kernel), and on a busy incident
	 * machine CPU is what counts.  FDLEAK_THREADS=N reads N targets at
	 * once, up to the CPUs we may run on.
	 */
	nth = 1;
	if (env && tri_cli_parse_int(env, 1, 8, &v) == 0)
		nth = (size_t)v < cpus_usable() ? (size_t)v : cpus_usable();

	if (nth > j->n)
		nth = j->n;
	if (nth > sizeof(th) / sizeof(th[0]))
		nth = sizeof(th) / sizeof(th[0]);
	for (i = 1; i < nth; i++)
		if (pthread_create(&th[i], NULL, list_worker, j) != 0)
			break;
	nth = i;
	list_worker(j);
	for (i = 1; i < nth; i++)
		pthread_join(th[i], NULL);
}

static char obuf[1 << 16];

int
list_run(const struct ctl *c)
{
	struct sockcache sc = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct listjob j = { .lock = PTHREAD_MUTEX_INITIALIZER };
	size_t i, n = 0;
	int failed = 0, rc = TRI_EXIT_OK;

	j.n = c->targets.n;
	j.extra = c->extra;
	fdtab_need_info = cols_need_info(c);
	j.pids = c->targets.pids;
	j.tabs = calloc(j.n, sizeof(*j.tabs));
	j.procs = calloc(j.n, sizeof(*j.procs));
	j.errs = calloc(j.n, sizeof(*j.errs));
	if (j.tabs == NULL || j.procs == NULL || j.errs == NULL)
		err(TRI_EXIT_FAIL, "memory");
	list_read(&j);
	/* a target that failed has an empty table */
	if (sockcache_want(&sc, j.tabs, j.n) < 0)
		err(TRI_EXIT_FAIL, "memory");
	for (i = 0; i < j.n; i++) {
		if (j.errs[i] != 0) {
			warn_target(j.pids[i], j.errs[i]);
			failed = 1;
			continue;
		}
		fdtab_resolve(&j.tabs[i], sockcache_get(&sc, &j.procs[i]),
		    &j.procs[i]);
		tri_proc_close(&j.procs[i]);
		if (c->check && pct_of(j.tabs[i].count, j.tabs[i].soft) >
		    c->max_pct)
			rc = TRI_EXIT_FOUND;
		if (n != i)
			j.tabs[n] = j.tabs[i];
		n++;
	}
	/* one write per 64 KiB, not per 4 (a table of 19,000 fds is 1 MB) */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (n > 0) {
		peers_resolve(j.tabs, n, c->peers);
		list_print(c, stdout, j.tabs, n);
	}
	for (i = 0; i < n; i++)
		fdtab_free(&j.tabs[i]);
	free(j.tabs);
	free(j.procs);
	free(j.errs);
	sockcache_free(&sc);
	return failed ? TRI_EXIT_FAIL : rc;
}
