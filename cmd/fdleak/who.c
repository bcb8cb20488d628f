/* cmd/fdleak/who.c - "who" questions without a pid, as lsof answers them:
 * who has a socket (-i), holds a file (FILE), anything under a directory
 * (+D), a deleted file (+L1); every fd of some users (-u). */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/capability.h>

#include "caps.h"
#include "fdleak.h"

struct sel {
	unsigned long long	*dev, *ino;	/* FILE operands */
	char			**real;		/* their resolved paths */
	size_t			 n;
	char			*dir;		/* +D, resolved */
	size_t			 dirlen;
};

/* Whether the file of e is under dir (a resolved path, no trailing /). */
static bool
under(const struct fdent *e, const char *dir, size_t len)
{
	if (e->link[0] != '/' || e->linklen < len ||
	    memcmp(e->link, dir, len) != 0)
		return false;
	return e->linklen == len || e->link[len] == '/' || len == 1;
}

static bool
is_path(const struct fdent *e)
{
	return e->link[0] == '/' && !e->pipe && e->sock == NULL &&
	    !e->sproto[0];
}

/* A unix socket bound to a path: the path (lsof matches it by name). */
static const char *
unix_path(const struct fdent *e, size_t *len)
{
	if (e->sock == NULL || e->sock->family != AF_UNIX ||
	    e->sock->path == NULL || e->sock->path[0] != '/')
		return NULL;
	*len = e->sock->path_len;
	return e->sock->path;
}

static bool
under_path(const char *p, size_t len, const char *dir, size_t dlen)
{
	if (len < dlen || memcmp(p, dir, dlen) != 0)
		return false;
	return len == dlen || p[dlen] == '/' || dlen == 1;
}

/* Whether e answers the question: every given selector must hold. */
static bool
match(const struct ctl *c, const struct sel *s, const struct fdent *e)
{
	const char *up;
	size_t i, ul;
	bool any;

	if (c->inet.on && !inet_match(&c->inet, e))
		return false;
	if (s->n) {
		any = false;
		for (i = 0; i < s->n && !any; i++)
			any = (e->ino == s->ino[i] && e->dev == s->dev[i] &&
			    is_path(e)) || ((up = unix_path(e, &ul)) &&
			    s->real[i] && strlen(s->real[i]) == ul &&
			    memcmp(up, s->real[i], ul) == 0);
		if (!any)
			return false;
	}
	/* +D: what is under DIR now; a deleted file is +L1's question */
	if (s->dir && !((under(e, s->dir, s->dirlen) && !e->deleted) ||
	    ((up = unix_path(e, &ul)) && under_path(up, ul, s->dir,
	    s->dirlen))))
		return false;
	if (c->deleted && !(is_path(e) && e->nlink == 0 && e->deleted))
		return false;
	return true;
}

/* Keep the fds of t that match; false when none is left. */
static bool
filter(const struct ctl *c, const struct sel *s, struct fdtab *t)
{
	size_t i, k;

	for (i = k = 0; i < t->n; i++) {
		if (match(c, s, &t->v[i])) {
			t->v[k++] = t->v[i];
			continue;
		}
		free(t->v[i].link);
		free(t->v[i].peer);
	}
	t->n = k;
	for (i = k = 0; i < t->nx; i++) {
		if (!c->inet.on && match(c, s, &t->x[i])) {
			t->x[k++] = t->x[i];
			continue;
		}
		free(t->x[i].link);
	}
	t->nx = k;
	return t->n + t->nx > 0;
}

static void
sel_init(const struct ctl *c, struct sel *s)
{
	struct stat st;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (c->nfiles) {
		s->dev = calloc(c->nfiles, sizeof(*s->dev));
		s->ino = calloc(c->nfiles, sizeof(*s->ino));
		s->real = calloc(c->nfiles, sizeof(*s->real));
		if (s->dev == NULL || s->ino == NULL || s->real == NULL)
			err(TRI_EXIT_FAIL, "memory");
	}
	for (i = 0; i < c->nfiles; i++) {
		if (stat(c->files[i], &st) < 0) {
			char *esc = tri_out_escape_dup(c->files[i],
			    strlen(c->files[i]));

			errx(TRI_EXIT_FAIL, "%s: %s", esc ? esc : "?",
			    strerror(errno));
		}
		s->dev[i] = st.st_dev;
		s->ino[i] = st.st_ino;
		s->real[i] = realpath(c->files[i], NULL);
	}
	s->n = c->nfiles;
	if (c->dir) {
		if ((s->dir = realpath(c->dir, NULL)) == NULL ||
		    stat(s->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			char *esc = tri_out_escape_dup(c->dir, strlen(c->dir));

			errx(TRI_EXIT_FAIL, "+D %s: %s", esc ? esc : "?",
			    s->dir ? "not a directory" : strerror(errno));
		}
		s->dirlen = strlen(s->dir);
	}
}

/* One process: read, select, and keep it in tabs when something matched. */
static int
one(const struct ctl *c, const struct sel *s, struct sockcache *sc,
    pid_t pid, struct fdtab *t)
{
	struct tri_status st;
	struct tri_proc p;
	int r = -1;

	if (tri_proc_open(&p, pid) < 0)
		return -1;
	if (tri_proc_read_status(&p, &st) < 0)
		goto out;
	if (c->users.n && !tri_users_match(&c->users, st.uid[1])) {
		errno = 0;
		goto out;
	}
	if (fdtab_read(t, &p, c->inet.on || s->n || s->dir ? sc : NULL) < 0)
		goto out;
	t->uid = st.uid[1];
	if ((c->extra || s->n || s->dir || c->deleted) && !c->inet.on &&
	    extra_read(t, &p) < 0) {
		fdtab_free(t);
		goto out;
	}
	r = 0;
out:
	tri_proc_close(&p);
	return r;
}

/* +L1's footer: the bytes deleted files pin, per filesystem. */
struct pinned {
	unsigned long long	 dev, bytes;
	unsigned long		 files;
	char			 mnt[256], fstype[32];
};

/* The mount point and type of dev, from our own mountinfo. */
static void
mount_of(struct pinned *pn)
{
	char line[4096], mnt[256], fs[32];
	unsigned int maj, min;
	FILE *f;

	/* memfds and the like live on internal mounts mountinfo lacks */
	snprintf(pn->mnt, sizeof(pn->mnt), "(an internal mount)");
	snprintf(pn->fstype, sizeof(pn->fstype), "?");
	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d %*d %u:%u %*s %255s %*[^-]- %31s", &maj,
		    &min, mnt, fs) == 4 && makedev(maj, min) == pn->dev) {
			snprintf(pn->mnt, sizeof(pn->mnt), "%s", mnt);
			snprintf(pn->fstype, sizeof(pn->fstype), "%s", fs);
			break;
		}
	fclose(f);
}

static struct pinned *
pinned_sum(struct fdtab *tabs, size_t n, size_t *np)
{
	struct pinned *v = NULL, *nv;
	size_t i, k, m;

	*np = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < tabs[i].n; k++) {
			const struct fdent *e = &tabs[i].v[k];

			for (m = 0; m < *np && v[m].dev != e->dev; m++)
				;
			if (m == *np) {
				if ((nv = realloc(v, (m + 1) * sizeof(*v))) ==
				    NULL)
					err(TRI_EXIT_FAIL, "memory");
				v = nv;
				memset(&v[m], 0, sizeof(v[m]));
				v[m].dev = e->dev;
				mount_of(&v[m]);
				(*np)++;
			}
			v[m].bytes += e->size;
			v[m].files++;
		}
	return v;
}

static void
pinned_text(const struct pinned *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		printf("pinned: %llu bytes in %lu deleted file%s on ",
		    v[i].bytes, v[i].files, v[i].files == 1 ? "" : "s");
		tri_out_fescape(stdout, v[i].mnt, strlen(v[i].mnt));
		printf(" (%s, %u:%u)\n", v[i].fstype, major(v[i].dev),
		    minor(v[i].dev));
	}
}

static void
pinned_json(struct tri_json *j, const struct pinned *v, size_t n)
{
	char dev[32];
	size_t i;

	tri_json_key(j, "pinned");
	tri_json_arr_begin(j);
	for (i = 0; i < n; i++) {
		snprintf(dev, sizeof(dev), "%u:%u", major(v[i].dev),
		    minor(v[i].dev));
		tri_json_obj_begin(j);
		tri_json_kstr(j, "device", dev);
		tri_json_kstr(j, "mount_point", v[i].mnt);
		tri_json_kstr(j, "fstype", v[i].fstype);
		tri_json_kuint(j, "files", v[i].files);
		tri_json_kuint(j, "size_bytes", v[i].bytes);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

static void
who_json(const struct ctl *c, struct fdtab *tabs, size_t n,
    const struct pinned *pv, size_t np)
{
	struct tri_json j;
	size_t i, k;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "fdleak");
	tri_json_key(&j, "processes");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", tabs[i].pid);
		tri_json_kstr(&j, "comm", tabs[i].comm);
		tri_json_kuint(&j, "uid", tabs[i].uid);
		tri_json_key(&j, "fds");
		tri_json_arr_begin(&j);
		for (k = 0; k < tabs[i].nx; k++)
			list_json_fd(&j, &tabs[i].x[k]);
		for (k = 0; k < tabs[i].n; k++)
			list_json_fd(&j, &tabs[i].v[k]);
		tri_json_arr_end(&j);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	if (c->deleted)
		pinned_json(&j, pv, np);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

int
who_run(const struct ctl *c)
{
	struct sockcache sc = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct fdtab *tabs;
	struct fdrow *rows;
	struct pinned *pv = NULL;
	struct sel s;
	size_t np, i, n = 0, nrows, npin = 0;
	unsigned long refused = 0, readable = 0;
	pid_t first_refused = 0;
	pid_t *pids, self = getpid();

	sel_init(c, &s);
	fdtab_need_info = cols_need_info(c);
	if (c->targets.n) {
		np = c->targets.n;
		pids = c->targets.pids;
	} else if ((pids = tri_proc_pids(&np)) == NULL)
		err(TRI_EXIT_FAIL, "%s", tri_proc_root());
	if ((tabs = calloc(np + 1, sizeof(*tabs))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	for (i = 0; i < np; i++) {
		if (pids[i] == self && !c->targets.n)
			continue;	/* our own reads are not the answer */
		if (one(c, &s, &sc, pids[i], &tabs[n]) < 0) {
			if (errno == EACCES || errno == EPERM) {
				if (refused++ == 0)
					first_refused = pids[i];
			}
			else if (c->targets.n && errno != 0)
				warn_target(pids[i], errno);
			continue;
		}
		readable++;
		if (filter(c, &s, &tabs[n]))
			n++;
		else
			fdtab_free(&tabs[n]);
	}
	if (c->deleted)
		pv = pinned_sum(tabs, n, &npin);
	if (c->json)
		who_json(c, tabs, n, pv, npin);
	else {
		rows = rows_of(tabs, n, &nrows);
		table_print(c, stdout, rows, nrows);
		free(rows);
		if (c->deleted && c->header)
			pinned_text(pv, npin);
	}
	/* a partial view says what it misses */
	if (refused)
		warnx("%lu process%s not read (pid %d first): fd: %s (%s)",
		    refused, refused == 1 ? "" : "es", (int)first_refused,
		    strerror(EACCES), tri_caps_hint(CAP_SYS_PTRACE));
	for (i = 0; i < n; i++)
		fdtab_free(&tabs[i]);
	free(tabs);
	free(pv);
	if (!c->targets.n)
		free(pids);
	for (i = 0; i < s.n; i++)
		free(s.real[i]);
	free(s.real);
	free(s.dev);
	free(s.ino);
	free(s.dir);
	sockcache_free(&sc);
	return refused && readable == 0 ? TRI_EXIT_FAIL : TRI_EXIT_OK;
}
