/* cmd/proctree/select.c - what the tree shows: roots, -m, -s and orphans. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "proctree.h"

static bool
matches(const struct ctl *ctl, const struct tri_pnode *p)
{
	char *args;
	size_t i;
	bool hit;

	/* Like pgrep, never match ourselves: our own command line holds
	 * the pattern. */
	if (p->pid == getpid())
		return false;
	if (regexec(&ctl->re, p->comm, 0, NULL, 0) == 0)
		return true;
	if (p->cmdline == NULL || p->cmdline_len == 0)
		return false;
	/* Match the command line as ps shows it: arguments joined by spaces. */
	if ((args = malloc(p->cmdline_len + 1)) == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	for (i = 0; i < p->cmdline_len; i++)
		args[i] = p->cmdline[i] ? p->cmdline[i] : ' ';
	args[p->cmdline_len] = '\0';
	hit = regexec(&ctl->re, args, 0, NULL, 0) == 0;
	free(args);
	return hit;
}

static void
show_subtree(struct tree *tr, int i)
{
	const struct tri_pnode *n = &tr->t.nodes[i];
	int k;

	tr->show[i] = 1;
	for (k = 0; k < n->nchildren; k++)
		show_subtree(tr, n->children[k]);
}

/* -m: matching processes, their ancestors and their descendants. */
int
select_matches(const struct ctl *ctl, struct tree *tr)
{
	size_t i;
	int hits = 0, a;

	memset(tr->show, 0, tr->t.n);
	for (i = 0; i < tr->t.n; i++) {
		if (!matches(ctl, &tr->t.nodes[i]))
			continue;
		hits++;
		show_subtree(tr, (int)i);
		for (a = tr->t.nodes[i].parent; a >= 0 && !tr->show[a];
		    a = tr->t.nodes[a].parent)
			tr->show[a] = 1;
	}
	return hits;
}

/* --user: processes of those users (effective uid), with their ancestors
 * so that the tree still reads from the root down; the number shown. */
int
select_users(const struct ctl *ctl, struct tree *tr)
{
	signed char *keep = xcalloc(tr->t.n, 1);
	size_t i;
	int hits = 0, a;

	/* of what -m left shown, if it ran */
	for (i = 0; i < tr->t.n; i++) {
		if (!tr->show[i] ||
		    !tri_users_match(&ctl->users, tr->t.nodes[i].euid))
			continue;
		hits++;
		keep[i] = 1;
		for (a = tree_parent(tr, (int)i); a >= 0 && !keep[a];
		    a = tree_parent(tr, a))
			keep[a] = 1;
	}
	free(tr->show);
	tr->show = keep;
	return hits;
}

/* Orphans: a parent that is gone and not re-read; pstree puts them under 1. */
static void
find_orphans(struct tree *tr)
{
	size_t i;

	tr->orphans = xcalloc(tr->t.n, sizeof(int));
	if (tri_ptable_find(&tr->t, 1) == NULL)
		return;
	for (i = 0; i < tr->t.n; i++) {
		const struct tri_pnode *n = &tr->t.nodes[i];

		if (n->parent < 0 && n->ppid > 0 && n->pid != 1)
			tr->orphans[tr->norphans++] = (int)i;
	}
}

/* The parent as the tree shows it, orphans included. */
int
tree_parent(const struct tree *tr, int i)
{
	const struct tri_pnode *n = &tr->t.nodes[i];
	const struct tri_pnode *init;
	int k;

	if (n->parent >= 0)
		return n->parent;
	for (k = 0; k < tr->norphans; k++)
		if (tr->orphans[k] == i) {
			init = tri_ptable_find(&tr->t, 1);
			return tri_ptable_index(&tr->t, init);
		}
	return -1;
}

/* -s: from the top ancestor down to root, each showing only the path. */
int
climb(struct tree *tr, int root)
{
	int i = root, p;

	while ((p = tree_parent(tr, i)) >= 0) {
		tr->only[p] = i;
		tr->show[p] = 1;
		i = p;
	}
	return i;
}

static void
add_root(struct roots *rs, int i)
{
	int k;

	for (k = 0; k < rs->n; k++)
		if (rs->idx[k] == i)
			return;
	rs->idx[rs->n++] = i;
}

/* The topmost processes of uid under i, as pstree USER. */
static void
user_roots(const struct tree *tr, int i, uid_t uid, struct roots *rs)
{
	const struct tri_pnode *n = &tr->t.nodes[i];
	int k;

	if (n->euid == uid) {
		add_root(rs, i);
		return;
	}
	for (k = 0; k < n->nchildren; k++)
		user_roots(tr, n->children[k], uid, rs);
	if (n->pid == 1)
		for (k = 0; k < tr->norphans; k++)
			user_roots(tr, tr->orphans[k], uid, rs);
}

void
default_roots(const struct tree *tr, struct roots *rs)
{
	const struct tri_pnode *init = tri_ptable_find(&tr->t, 1);
	size_t i;

	if (init) {
		add_root(rs, tri_ptable_index(&tr->t, init));
		return;
	}
	/* No pid 1 visible (hidepid): every parentless user process. */
	for (i = 0; i < tr->t.n; i++)
		if (tr->t.nodes[i].parent < 0 && !tr->t.nodes[i].kthread)
			add_root(rs, (int)i);
}

/* Resolve one operand: a pid (digits or a leading '-') or a user name. */
void
operand_roots(const struct tree *tr, const char *op, struct roots *rs)
{
	const struct tri_pnode *n;
	struct passwd *pw;
	pid_t pid;
	size_t i;

	if (isdigit((unsigned char)op[0]) || op[0] == '-' || op[0] == '+') {
		int big;

		/* A number too big for any pid, but still a number, simply
		 * names no process. */
		if (tri_cli_parse_pid(op, &pid) < 0) {
			if (errno == ERANGE &&
			    tri_cli_parse_int(op, 1, INT_MAX, &big) == 0)
				errx(TRI_EXIT_FAIL, "pid %s: no such process",
				    op);
			errx(TRI_EXIT_FAIL, "%s: %s", xescape_str(op),
			    errno == ERANGE ? "pid out of range" :
			    "not a valid pid");
		}
		if ((n = tri_ptable_find(&tr->t, pid)) == NULL)
			errx(TRI_EXIT_FAIL, "pid %d: no such process", (int)pid);
		add_root(rs, tri_ptable_index(&tr->t, n));
		return;
	}
	errno = 0;
	if ((pw = getpwnam(op)) == NULL) {
		if (errno && errno != ENOENT && errno != ESRCH)
			err(TRI_EXIT_FAIL, "user %s", xescape_str(op));
		errx(TRI_EXIT_FAIL, "%s: no such user", xescape_str(op));
	}
	if ((n = tri_ptable_find(&tr->t, 1)) != NULL) {
		user_roots(tr, tri_ptable_index(&tr->t, n), pw->pw_uid, rs);
		return;
	}
	for (i = 0; i < tr->t.n; i++)
		if (tr->t.nodes[i].parent < 0)
			user_roots(tr, (int)i, pw->pw_uid, rs);
}

/* The snapshot with everything shown, or one line and exit 2. */
void
tree_snap(struct tree *tr, unsigned flags)
{
	int k;

	if (snap_read(tr, flags) < 0)				/* snap.c */
		err(TRI_EXIT_FAIL, "reading the process table");
	tr->show = xcalloc(tr->t.n, 1);
	memset(tr->show, 1, tr->t.n);
	tr->only = xcalloc(tr->t.n, sizeof(int));
	for (k = 0; k < (int)tr->t.n; k++)
		tr->only[k] = -1;
	tr->norphans = 0;
	find_orphans(tr);
}

void
tree_free(struct tree *tr)
{
	free(tr->show);
	free(tr->only);
	free(tr->orphans);
	free(tr->ns);
	tri_ptable_free(&tr->t);
}
