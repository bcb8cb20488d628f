/* cmd/proctree/view.c - the tree as shown: names, marks, namespaces, order. */
#include <err.h>
#include <fcntl.h>
#include <unistd.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cli.h"
#include "proc.h"
#include "proctree.h"

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	return p;
}

char *
xescape_str(const char *s)
{
	return xescape(s, strlen(s));
}

char *
xescape(const char *s, size_t len)
{
	char *e = tri_out_escape_dup(s, len);

	if (e == NULL)
		err(TRI_EXIT_FAIL, "escape");
	return e;
}

/* User names, looked up once per uid. */
static struct { uid_t uid; char *name; } cache[64];
static int ncache;

void
user_names_free(void)
{
	int i;

	for (i = 0; i < (int)(sizeof(cache) / sizeof(cache[0])); i++) {
		free(cache[i].name);
		cache[i].name = NULL;
	}
	ncache = 0;
}

const char *
user_name(uid_t uid)
{
	int n = ncache;
	struct passwd *pw;
	char num[32];
	int i;

	for (i = 0; i < n; i++)
		if (cache[i].uid == uid)
			return cache[i].name;
	if ((pw = getpwuid(uid)) != NULL)
		snprintf(num, sizeof(num), "%s", pw->pw_name);
	else
		snprintf(num, sizeof(num), "%u", (unsigned)uid);
	if (n == (int)(sizeof(cache) / sizeof(cache[0])))
		n = 0;		/* a rare machine with many users: recycle */
	free(cache[n].name);
	cache[n].uid = uid;
	cache[n].name = xescape(num, strlen(num));
	ncache = n + 1;
	return cache[n].name;
}

static void
set_mark(struct vnode *v, char state, bool zombie)
{
	static const struct mark defunct = { "<defunct>", "1;31" },
	    dstate = { "<D>", "1;33" }, stopped = { "<stopped>", "35" },
	    traced = { "<traced>", "35" };

	if (zombie)
		v->mark = &defunct;
	else if (state == 'D')
		v->mark = &dstate;
	else if (state == 'T')
		v->mark = &stopped;
	else if (state == 't')
		v->mark = &traced;
}

static struct vextra no_extra;

/* Shown processes whose namespaces could not be read, and the first. */
static int ns_unread;
static pid_t ns_unread_pid;

/*
 * Another user's process needs CAP_SYS_PTRACE for its ns/ links, and a
 * sandbox may refuse them even to root: say so, so that a partial view
 * is not taken for a whole one.
 */
void
ns_note(void)
{
	if (ns_unread == 1)
		warnx("pid %d: namespaces not readable (shown as unknown; "
		    "another user's process needs CAP_SYS_PTRACE)",
		    (int)ns_unread_pid);
	else if (ns_unread > 1)
		warnx("%d processes (pid %d, ...): namespaces not readable "
		    "(shown as unknown; another user's process needs "
		    "CAP_SYS_PTRACE)", ns_unread, (int)ns_unread_pid);
}

/* The node's own extra part, allocated when first written. */
static struct vextra *
extra(struct vnode *v)
{
	if (v->x == &no_extra)
		v->x = xcalloc(1, sizeof(*v->x));
	return v->x;
}

static struct vnode *
new_vnode(void)
{
	struct vnode *v = xcalloc(1, sizeof(*v));

	v->x = &no_extra;
	return v;
}

/*
 * -Z: the security context as pstree prints it when no LSM library
 * answers: /proc/PID/attr/current without its last byte (the newline).
 * "" where there is none (no LSM, or EINVAL as here without AppArmor).
 */
static char *
read_label(pid_t id)
{
	char path[64], buf[4096], *l;
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/attr/current", (int)id);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';	/* the first line; NUL-ended */
	if ((l = strdup(buf)) == NULL)
		err(TRI_EXIT_FAIL, "strdup");
	return l;
}

static struct vnode *
new_thread(const struct ctl *ctl, const struct tri_pnode *p,
    const struct tri_pthread *th, bool hl)
{
	struct vnode *v = new_vnode();
	const char *raw = ctl->thread_names ? th->comm : p->comm;
	size_t n = strlen(raw);

	/* pstree names a thread "{name}" and sorts it by that text, so
	 * '{' puts threads after most process names (issue 16). */
	if ((v->key = malloc(n + 3)) == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	snprintf(v->key, n + 3, "{%s}", raw);
	v->name = xescape(v->key, n + 2);
	v->proc = p;
	v->thr = th;
	v->id = th->tid;
	v->hl = hl;
	set_mark(v, th->state, false);
	if (ctl->scontext)
		extra(v)->label = read_label(th->tid);
	return v;
}

/* The pid inside the namespace and the cgroup, where a process enters one. */
static void
ns_boundary(struct vnode *v, const struct tree *tr, int i)
{
	const struct tri_pnode *n = &tr->t.nodes[i];
	const struct tri_pnode *par;
	struct tri_status st;
	struct tri_proc p;
	char path[4096];

	if (n->parent < 0 || n->pidns == 0)
		return;
	par = &tr->t.nodes[n->parent];
	if (par->pidns == 0 || par->pidns == n->pidns)
		return;
	extra(v)->nsb = true;
	if (tri_proc_open(&p, n->pid) == 0) {
		if (p.starttime == n->start &&
		    tri_proc_read_status(&p, &st) == 0 && st.nspid_n > 0)
			v->x->nspid = st.nspid[st.nspid_n - 1];
		tri_proc_close(&p);
	}
	if (tri_cgroup_path(n->pid, NULL, path, sizeof(path)) == 0 &&
	    (v->x->cgroup = strdup(path)) == NULL)
		err(TRI_EXIT_FAIL, "strdup");
}

static int
cmp_vnode_name(const struct vnode *a, const struct vnode *b)
{
	int c = strcmp(a->key, b->key);

	if (c == 0 && a->proc->euid != b->proc->euid)
		c = a->proc->euid < b->proc->euid ? -1 : 1;
	if (c == 0)
		c = (a->id > b->id) - (a->id < b->id);
	return c;
}

/* -n, for qsort's comparison, which takes no context. */
static bool sort_by_pid;

static int
cmp_vnode(const void *x, const void *y)
{
	const struct vnode *a = *(struct vnode *const *)x;
	const struct vnode *b = *(struct vnode *const *)y;

	if (sort_by_pid)
		return (a->id > b->id) - (a->id < b->id);
	return cmp_vnode_name(a, b);
}

static struct vnode *build(const struct ctl *ctl, const struct tree *tr,
    int i, bool hl);

static void
add_kid(struct vnode *v, struct vnode *k, int *cap)
{
	if (v->nkids == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		v->kids = realloc(v->kids, (size_t)*cap * sizeof(*v->kids));
		if (v->kids == NULL)
			err(TRI_EXIT_FAIL, "realloc");
	}
	v->kids[v->nkids++] = k;
}

static void
build_kids(const struct ctl *ctl, const struct tree *tr, int i,
    struct vnode *v)
{
	const struct tri_pnode *n = &tr->t.nodes[i];
	int k, cap;

	/* sized once: every thread and child, orphans under pid 1 */
	cap = tr->only[i] >= 0 ? 1 : (ctl->hide_threads ? 0 : n->nthreads) +
	    n->nchildren + (n->pid == 1 ? tr->norphans : 0);
	if (cap > 0)
		v->kids = xcalloc((size_t)cap, sizeof(*v->kids));
	/* -s: an ancestor shows only the child on the way down, as pstree. */
	if (!ctl->hide_threads && tr->only[i] < 0)
		for (k = 0; k < n->nthreads; k++)
			add_kid(v, new_thread(ctl, n, &n->threads[k], false), &cap);
	if (tr->only[i] >= 0) {
		add_kid(v, build(ctl, tr, tr->only[i], false), &cap);
		return;
	}
	for (k = 0; k < n->nchildren; k++)
		if (tr->show[n->children[k]])
			add_kid(v, build(ctl, tr, n->children[k], false), &cap);
	if (n->pid == 1)
		for (k = 0; k < tr->norphans; k++)
			if (tr->show[tr->orphans[k]])
				add_kid(v, build(ctl, tr, tr->orphans[k], false),
				    &cap);
	if (v->nkids > 1)
		qsort(v->kids, (size_t)v->nkids, sizeof(*v->kids), cmp_vnode);
}

static struct vnode *
build(const struct ctl *ctl, const struct tree *tr, int i, bool hl)
{
	const struct tri_pnode *n = &tr->t.nodes[i];
	struct vnode *v = new_vnode();

	v->proc = n;
	v->id = n->pid;
	v->key = (char *)n->comm;
	/* most names need no escape: share the table's copy (memory, 15) */
	if (tri_out_needs_escape(n->comm, strlen(n->comm)))
		v->name = xescape(n->comm, strlen(n->comm));
	else
		v->name = (char *)n->comm;
	v->hl = hl || (ctl->highlight && n->pid == ctl->highlight);
	/* A highlighted pid lights up its ancestors: ask the table. */
	if (!v->hl && ctl->highlight) {
		const struct tri_pnode *h = tri_ptable_find(&tr->t,
		    ctl->highlight);

		v->hl = h && tri_ptable_is_ancestor(&tr->t, n, h);
	}
	set_mark(v, n->state, n->zombie);
	if (ctl->ns)
		ns_boundary(v, tr, i);
	if (tr->ns) {
		int p = tree_parent(tr, i);

		if (tr->ns[i][NS_PID] == 0 && tr->ns[i][NS_MNT] == 0 &&
		    n->state != 'Z' && ns_unread++ == 0)	/* a zombie has none */
			ns_unread_pid = n->pid;
		extra(v)->nsv = tr->ns[i];
		v->x->pnsv = p >= 0 ? tr->ns[p] : NULL;
	}
	if (ctl->scontext)
		extra(v)->label = read_label(n->pid);
	build_kids(ctl, tr, i, v);
	return v;
}

void
free_view(struct vnode *v)
{
	int k;

	for (k = 0; k < v->nkids; k++)
		free_view(v->kids[k]);
	free(v->kids);
	if (v->name != v->proc->comm)
		free(v->name);
	if (v->x != &no_extra) {
		free(v->x->cgroup);
		free(v->x->label);
		free(v->x);
	}
	if (v->thr)
		free(v->key);
	free(v);
}

/* Build the view of each root, skipping roots the selection left out. */
int
make_views(const struct ctl *ctl, struct tree *tr, const struct roots *rs,
    struct vnode **views)
{
	int k, n = 0, top;

	sort_by_pid = ctl->by_pid;
	for (k = 0; k < rs->n; k++) {
		if (!tr->show[rs->idx[k]])
			continue;
		top = ctl->parents ? climb(tr, rs->idx[k]) : rs->idx[k];
		views[n++] = build(ctl, tr, top, false);
	}
	return n;
}
