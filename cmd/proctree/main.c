/* cmd/proctree.c - a process tree that shows what pstree hides. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <pwd.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "out.h"
#include "proc.h"
#include "ptable.h"

enum {
	OPT_NS = TRI_OPT_FIRST_FREE,
};

struct ctl {
	bool		 args;		/* -a: command line arguments */
	bool		 compact;	/* off with -c and -p */
	bool		 pgids;		/* -g */
	bool		 by_pid;	/* -n */
	bool		 pids;		/* -p */
	bool		 parents;	/* -s */
	bool		 thread_names;	/* -t */
	bool		 hide_threads;	/* -T */
	bool		 uid_changes;	/* -u */
	bool		 no_cut;	/* -l */
	bool		 json;		/* --json */
	bool		 ns;		/* --ns */
	char		 sym;		/* 'A', 'U' or 0: from the locale */
	pid_t		 highlight;	/* -H */
	const char	*match;		/* -m */
	regex_t		 re;
	enum tri_color_mode color;
	char		**operands;
	int		 noperands;
};

/* A node of the tree as shown: a process or one of its threads. */
struct vnode {
	const struct tri_pnode	 *proc;	/* the process, or the thread's */
	const struct tri_pthread *thr;	/* set for a thread */
	pid_t			  id;	/* pid or tid */
	char			 *name;	/* escaped; "{name}" for a thread */
	const char		 *key;	/* raw name, for sorting */
	const char		 *mark;	/* "<defunct>", "<D>"... or NULL */
	const char		 *mark_sgr;
	bool			  hl;	/* -H: the process or an ancestor */
	bool			  nsb;	/* --ns: enters a new PID namespace */
	pid_t			  nspid;
	char			 *cgroup; /* escaped, at a namespace boundary */
	struct vnode		**kids;
	int			  nkids;
};

struct syms {
	const char *empty_2, *branch_2, *vert_2, *last_2, *single_3, *first_3;
};

static const struct syms sym_ascii = {
	"  ", "|-", "| ", "`-", "---", "-+-"
};
static const struct syms sym_utf = {
	"  ", "\342\224\234\342\224\200", "\342\224\202 ",
	"\342\224\224\342\224\200", "\342\224\200\342\224\200\342\224\200",
	"\342\224\200\342\224\254\342\224\200"
};

/* The text renderer: one line at a time, so it can be cut to the width. */
struct render {
	const struct ctl	*ctl;
	const struct syms	*sym;
	char			*line;
	size_t			 len, cap;
	int			 cols;
	int			 width_max;	/* 0: never cut */
	int			*width, *more;
	int			 depth_cap;
};

/* What the snapshot and the selection hold. */
struct tree {
	struct tri_ptable	 t;
	signed char		*show;		/* per node: shown */
	int			*only;		/* -s: the one child to show, or -1 */
	int			*orphans;	/* parent gone: shown under pid 1 */
	int			 norphans;
};

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fputs("Usage: proctree [options] [pid|user ...]\n", f);
	if (status)
		exit(status);
	fputs("\nShow the process tree with states, threads and namespaces.\n\n"
	    "  -a, --arguments       show command line arguments\n"
	    "  -A, --ascii           use ASCII line drawing\n"
	    "  -c, --compact-not     do not compact identical subtrees\n"
	    "  -g, --show-pgids      show process group ids\n"
	    "  -H, --highlight-pid=PID  highlight PID and its ancestors\n"
	    "  -l, --long            do not cut lines at the terminal width\n"
	    "  -m, --match=PATTERN   only processes whose name or command line\n"
	    "                        matches PATTERN (extended regex), with\n"
	    "                        their ancestors and descendants\n"
	    "  -n, --numeric-sort    sort by pid (default: by name)\n"
	    "  -p, --show-pids       show pids; implies -c\n"
	    "  -s, --show-parents    show the ancestors of each root too\n"
	    "  -t, --thread-names    show each thread's own name\n"
	    "  -T, --hide-threads    hide threads\n"
	    "  -u, --uid-changes     show where the user changes\n"
	    "  -U, --unicode         use Unicode line drawing\n"
	    "      --ns              mark PID namespace boundaries: pid inside, "
	    "cgroup\n"
	    "      --json            print the tree as JSON\n"
	    "      --color=WHEN      auto, always or never\n"
	    "  -h, --help            show this help\n"
	    "  -V, --version         show the version\n"
	    "\nRoots: pids or user names; default the tree under pid 1.\n"
	    "Marks: <defunct> zombie, <D> uninterruptible, <stopped>, "
	    "<traced>.\n", f);
	exit(TRI_EXIT_OK);
}

/* getopt's own messages are off so a malformed pid is one line. */
static void
bad_option(int opt, const char *word)
{
	if (isdigit(opt))
		errx(TRI_EXIT_FAIL, "%s: not a valid pid", word);
	if (opt == 0)
		warnx("unknown option '%s'", word);
	else
		warnx("bad option '%s'", word);
	usage(TRI_EXIT_FAIL);
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "arguments",		no_argument,	   NULL, 'a' },
		{ "ascii",		no_argument,	   NULL, 'A' },
		{ "compact-not",	no_argument,	   NULL, 'c' },
		{ "show-pgids",		no_argument,	   NULL, 'g' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "highlight-pid",	required_argument, NULL, 'H' },
		{ "long",		no_argument,	   NULL, 'l' },
		{ "match",		required_argument, NULL, 'm' },
		{ "numeric-sort",	no_argument,	   NULL, 'n' },
		{ "show-pids",		no_argument,	   NULL, 'p' },
		{ "show-parents",	no_argument,	   NULL, 's' },
		{ "thread-names",	no_argument,	   NULL, 't' },
		{ "hide-threads",	no_argument,	   NULL, 'T' },
		{ "uid-changes",	no_argument,	   NULL, 'u' },
		{ "unicode",		no_argument,	   NULL, 'U' },
		{ "version",		no_argument,	   NULL, 'V' },
		{ "json",		no_argument,	   NULL, TRI_OPT_JSON },
		{ "color",		required_argument, NULL, TRI_OPT_COLOR },
		{ "ns",			no_argument,	   NULL, OPT_NS },
		{ NULL, 0, NULL, 0 }
	};
	int c, r;

	ctl->compact = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":aAcghH:lm:npstTuUV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'a': ctl->args = true; break;
		case 'A': ctl->sym = 'A'; break;
		case 'c': ctl->compact = false; break;
		case 'g': ctl->pgids = true; break;
		case 'h': usage(TRI_EXIT_OK);
		case 'H':
			if (tri_cli_parse_pid(optarg, &ctl->highlight) < 0)
				errx(TRI_EXIT_FAIL, "-H %s: %s", optarg,
				    tri_cli_target_error(errno));
			break;
		case 'l': ctl->no_cut = true; break;
		case 'm': ctl->match = optarg; break;
		case 'n': ctl->by_pid = true; break;
		case 'p': ctl->pids = true; ctl->compact = false; break;
		case 's': ctl->parents = true; break;
		case 't': ctl->thread_names = true; break;
		case 'T': ctl->hide_threads = true; break;
		case 'u': ctl->uid_changes = true; break;
		case 'U': ctl->sym = 'U'; break;
		case 'V': tri_cli_version_exit();
		case TRI_OPT_JSON: ctl->json = true; break;
		case TRI_OPT_COLOR:
			ctl->color = tri_cli_color_or_exit(optarg);
			break;
		case OPT_NS: ctl->ns = true; break;
		case ':':
			warnx("option '%s' needs an argument", argv[optind - 1]);
			usage(TRI_EXIT_FAIL);
		default:
			bad_option(optopt, argv[optind - 1]);
		}
	}
	if (ctl->match && (r = regcomp(&ctl->re, ctl->match,
	    REG_EXTENDED | REG_NOSUB)) != 0) {
		char msg[256];

		regerror(r, &ctl->re, msg, sizeof(msg));
		errx(TRI_EXIT_FAIL, "-m %s: %s", ctl->match, msg);
	}
	ctl->operands = argv + optind;
	ctl->noperands = argc - optind;
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	return p;
}

static char *
xescape(const char *s, size_t len)
{
	char *e = tri_out_escape_dup(s, len);

	if (e == NULL)
		err(TRI_EXIT_FAIL, "escape");
	return e;
}

/* User names, looked up once per uid. */
static const char *
user_name(uid_t uid)
{
	static struct { uid_t uid; char *name; } cache[64];
	static int n;
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
	return cache[n++].name;
}

/* --- selection ----------------------------------------------------- */

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
static int
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
static int
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
static int
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

/* --- the view tree ------------------------------------------------- */

static void
set_mark(struct vnode *v, char state, bool zombie)
{
	if (zombie) {
		v->mark = "<defunct>";
		v->mark_sgr = "1;31";
	} else if (state == 'D') {
		v->mark = "<D>";
		v->mark_sgr = "1;33";
	} else if (state == 'T') {
		v->mark = "<stopped>";
		v->mark_sgr = "35";
	} else if (state == 't') {
		v->mark = "<traced>";
		v->mark_sgr = "35";
	}
}

static struct vnode *
new_thread(const struct ctl *ctl, const struct tri_pnode *p,
    const struct tri_pthread *th, bool hl)
{
	struct vnode *v = xcalloc(1, sizeof(*v));
	const char *raw = ctl->thread_names ? th->comm : p->comm;
	size_t n = strlen(raw);
	char *e = xescape(raw, n), *name;

	if ((name = malloc(strlen(e) + 3)) == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	sprintf(name, "{%s}", e);
	free(e);
	v->proc = p;
	v->thr = th;
	v->id = th->tid;
	v->name = name;
	v->key = raw;
	v->hl = hl;
	set_mark(v, th->state, false);
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
	v->nsb = true;
	if (tri_proc_open(&p, n->pid) == 0) {
		if (p.starttime == n->start &&
		    tri_proc_read_status(&p, &st) == 0 && st.nspid_n > 0)
			v->nspid = st.nspid[st.nspid_n - 1];
		tri_proc_close(&p);
	}
	if (tri_cgroup_path(n->pid, NULL, path, sizeof(path)) == 0)
		v->cgroup = xescape(path, strlen(path));
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
	int k, cap = 0;

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
	struct vnode *v = xcalloc(1, sizeof(*v));

	v->proc = n;
	v->id = n->pid;
	v->key = n->comm;
	v->name = xescape(n->comm, strlen(n->comm));
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
	build_kids(ctl, tr, i, v);
	return v;
}

static void
free_view(struct vnode *v)
{
	int k;

	for (k = 0; k < v->nkids; k++)
		free_view(v->kids[k]);
	free(v->kids);
	free(v->name);
	free(v->cgroup);
	free(v);
}

/* --- text output --------------------------------------------------- */

static void
put_raw(struct render *r, const char *s, size_t n, bool visible)
{
	size_t i;

	if (r->len + n + 1 > r->cap) {
		while (r->len + n + 1 > r->cap)
			r->cap = r->cap ? 2 * r->cap : 256;
		if ((r->line = realloc(r->line, r->cap)) == NULL)
			err(TRI_EXIT_FAIL, "realloc");
	}
	memcpy(r->line + r->len, s, n);
	r->len += n;
	if (visible)
		for (i = 0; i < n; i++)
			if (((unsigned char)s[i] & 0xc0) != 0x80)
				r->cols++;
}

static void
put(struct render *r, const char *s)
{
	put_raw(r, s, strlen(s), true);
}

static void
put_sgr(struct render *r, const char *code)
{
	const char *s = tri_out_sgr(code);

	put_raw(r, s, strlen(s), false);
}

static void
put_reset(struct render *r)
{
	const char *s = tri_out_reset();

	put_raw(r, s, strlen(s), false);
}

static void
put_spaces(struct render *r, int n)
{
	while (n-- > 0)
		put_raw(r, " ", 1, true);
}

/*
 * End the line.  On a terminal a line wider than it is cut to one column
 * less and ends in "+", as pstree does.  Only our own colour sequences
 * hold an ESC (process text is escaped), so they are skipped when counting.
 */
static void
newline(struct render *r)
{
	size_t i = 0;
	int cols = 0;

	if (r->width_max <= 0 || r->cols <= r->width_max) {
		fwrite(r->line, 1, r->len, stdout);
	} else {
		while (i < r->len) {
			if (r->line[i] == '\033') {
				while (i < r->len && r->line[i] != 'm')
					i++;
				i++;
				continue;
			}
			if (((unsigned char)r->line[i] & 0xc0) != 0x80 &&
			    ++cols >= r->width_max)
				break;
			i++;
		}
		fwrite(r->line, 1, i, stdout);
		fputs(tri_out_reset(), stdout);
		putchar('+');
	}
	putchar('\n');
	r->len = 0;
	r->cols = 0;
}

static void
grow_levels(struct render *r, int level)
{
	if (level < r->depth_cap)
		return;
	r->depth_cap = 2 * (level + 16);
	r->width = realloc(r->width, (size_t)r->depth_cap * sizeof(int));
	r->more = realloc(r->more, (size_t)r->depth_cap * sizeof(int));
	if (r->width == NULL || r->more == NULL)
		err(TRI_EXIT_FAIL, "realloc");
}

/* The "(pid,pgid,user)" part, or ",pid,..." after a name with -a. */
static void
put_info(struct render *r, const struct vnode *v, uid_t prev_uid, int *info)
{
	const struct ctl *ctl = r->ctl;
	char num[64];

	if (ctl->pids || v->nsb) {
		put(r, (*info)++ ? "," : "(");
		if (v->nsb && v->nspid > 0)
			snprintf(num, sizeof(num), "%d[%d]", (int)v->id,
			    (int)v->nspid);
		else
			snprintf(num, sizeof(num), "%d", (int)v->id);
		put(r, num);
	}
	if (ctl->pgids) {
		put(r, (*info)++ ? "," : "(");
		snprintf(num, sizeof(num), "%d", (int)v->proc->pgrp);
		put(r, num);
	}
	if (ctl->uid_changes && !v->thr && v->proc->euid != prev_uid) {
		put(r, (*info)++ ? "," : "(");
		put(r, user_name(v->proc->euid));
	}
}

/* Name, ids, mark: the label of one node.  Returns its width. */
static int
put_label(struct render *r, const struct vnode *v, uid_t prev_uid)
{
	const struct ctl *ctl = r->ctl;
	bool bare = ctl->args && !v->thr && v->proc->cmdline_len == 0;
	int start = r->cols, info = ctl->args ? 1 : 0;

	if (v->hl)
		put_sgr(r, "1");
	if (bare)
		put(r, "(");
	put(r, v->name);
	put_info(r, v, prev_uid, &info);
	if (bare || (!ctl->args && info))
		put(r, ")");
	if (v->hl)
		put_reset(r);
	if (v->mark) {
		put(r, " ");
		put_sgr(r, v->mark_sgr);
		put(r, v->mark);
		put_reset(r);
	}
	if (v->cgroup) {
		put(r, " cgroup=");
		put(r, v->cgroup);
	}
	return r->cols - start;
}

static void
put_args(struct render *r, const struct vnode *v)
{
	const char *s = v->proc->cmdline, *end;
	char *e;

	if (v->thr || s == NULL || v->proc->cmdline_len == 0)
		return;
	end = s + v->proc->cmdline_len;
	/* argv[0] is shown by the name already, as pstree does. */
	for (s += strlen(s) + 1; s < end; s += strlen(s) + 1) {
		put(r, " ");
		e = xescape(s, strlen(s));
		put(r, e);
		free(e);
	}
}

/* Whether two subtrees print the same, so they can be shown once as N*[..]. */
static bool
same_tree(const struct ctl *ctl, const struct vnode *a, const struct vnode *b)
{
	int k;

	if (strcmp(a->name, b->name) || a->mark != b->mark ||
	    a->nkids != b->nkids || a->hl != b->hl || a->nsb || b->nsb)
		return false;
	if (ctl->uid_changes && a->proc->euid != b->proc->euid)
		return false;
	if (ctl->pgids && a->proc->pgrp != b->proc->pgrp)
		return false;
	for (k = 0; k < a->nkids; k++)
		if (!same_tree(ctl, a->kids[k], b->kids[k]))
			return false;
	return true;
}

/* Count later siblings equal to kids[i], flagging them as used. */
static int
group(const struct render *r, const struct vnode *v, int i, bool *used)
{
	int j, count = 0;

	if (!r->ctl->compact || (r->ctl->args && !v->kids[i]->thr))
		return 0;
	for (j = i + 1; j < v->nkids; j++)
		if (!used[j] && same_tree(r->ctl, v->kids[i], v->kids[j])) {
			used[j] = true;
			count++;
		}
	return count;
}

static int
next_unused(const struct vnode *v, int i, const bool *used)
{
	for (i++; i < v->nkids && used[i]; i++)
		;
	return i;
}

static void
indent(struct render *r, int level, bool last)
{
	const struct syms *sym = r->sym;
	int lvl;

	for (lvl = 0; lvl < level; lvl++) {
		put_spaces(r, r->width[lvl] + 1);
		if (lvl == level - 1)
			put(r, last ? sym->last_2 : sym->branch_2);
		else
			put(r, r->more[lvl + 1] ? sym->vert_2 : sym->empty_2);
	}
}

/*
 * Print a node and its subtree the way pstree lays it out: the first
 * child on the parent's line, the others below, aligned by the widths of
 * the labels on the way down.  rep > 1 prints "rep*[" and closing counts
 * the "]" still owed at the end of the last leaf.
 */
static void
dump(struct render *r, const struct vnode *v, int level, int rep, bool leaf,
    bool last, uid_t prev_uid, int closing)
{
	bool *used;
	int add = 0, w, i, next, count;
	bool first = true;
	char num[32];

	if (!leaf)
		indent(r, level, last);
	if (rep > 1) {
		add = snprintf(num, sizeof(num), "%d*[", rep);
		put(r, num);
	}
	w = put_label(r, v, prev_uid);
	if (r->ctl->args)
		put_args(r, v);
	if (r->ctl->args || v->nkids == 0) {
		while (closing-- > 0)
			put(r, "]");
		newline(r);
	}
	grow_levels(r, level);
	r->more[level] = !last;
	r->width[level] = r->ctl->args ? 1 : w + add;
	if (v->nkids == 0)
		return;
	if (!r->ctl->args && r->width_max > 0 && r->cols >= r->width_max) {
		put(r, r->sym->first_3);
		put(r, "+");
		newline(r);
		return;
	}
	used = xcalloc((size_t)v->nkids, sizeof(bool));
	for (i = 0; i < v->nkids; i = next) {
		count = group(r, v, i, used);
		next = next_unused(v, i, used);
		if (r->ctl->args) {
			dump(r, v->kids[i], level + 1, count + 1, false,
			    next >= v->nkids, v->proc->euid, count ? 1 : 0);
			continue;
		}
		if (first)
			put(r, next < v->nkids ? r->sym->first_3 :
			    r->sym->single_3);
		dump(r, v->kids[i], level + 1, count + 1, first,
		    next >= v->nkids, v->proc->euid, closing + (count ? 1 : 0));
		first = false;
	}
	free(used);
}

/* --- JSON ---------------------------------------------------------- */

static void
json_threads(struct tri_json *j, const struct vnode *v)
{
	char st[2] = { 0, 0 };
	int k;

	tri_json_key(j, "threads");
	tri_json_arr_begin(j);
	for (k = 0; k < v->nkids; k++) {
		const struct tri_pthread *th = v->kids[k]->thr;

		if (th == NULL)
			continue;
		tri_json_obj_begin(j);
		tri_json_kint(j, "tid", th->tid);
		tri_json_kstr(j, "comm", th->comm);
		st[0] = th->state;
		tri_json_kstr(j, "state", st);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

static void
json_node(const struct ctl *ctl, struct tri_json *j, const struct vnode *v)
{
	const struct tri_pnode *p = v->proc;
	char st[2] = { p->state, 0 };
	int k;

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", p->pid);
	tri_json_kint(j, "ppid", p->ppid);
	tri_json_kint(j, "pgid", p->pgrp);
	tri_json_kstr(j, "comm", p->comm);
	if (ctl->args)
		tri_json_kargv(j, "cmdline", p->cmdline, p->cmdline_len);
	tri_json_kuint(j, "uid", p->euid);
	tri_json_kstr(j, "user", user_name(p->euid));
	tri_json_kstr(j, "state", st);
	tri_json_kbool(j, "zombie", p->zombie);
	tri_json_kint(j, "nlwp", p->nlwp);
	tri_json_kdouble(j, "start", (double)p->start /
	    (double)tri_proc_hz());
	if (ctl->highlight)
		tri_json_kbool(j, "highlight", v->hl);
	if (ctl->ns) {
		tri_json_kuint(j, "pidns", p->pidns);
		if (v->nsb) {
			tri_json_kint(j, "nspid", v->nspid);
			tri_json_kstr(j, "cgroup", v->cgroup ? v->cgroup : "");
		}
	}
	if (!ctl->hide_threads)
		json_threads(j, v);
	tri_json_key(j, "children");
	tri_json_arr_begin(j);
	for (k = 0; k < v->nkids; k++)
		if (v->kids[k]->thr == NULL)
			json_node(ctl, j, v->kids[k]);
	tri_json_arr_end(j);
	tri_json_obj_end(j);
}

/* --- roots and main ------------------------------------------------ */

static const struct syms *
pick_syms(const struct ctl *ctl)
{
	if (ctl->sym == 'U')
		return &sym_utf;
	if (ctl->sym == 'A')
		return &sym_ascii;
	if (isatty(STDOUT_FILENO) && strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return &sym_utf;
	return &sym_ascii;
}

/* Cut only on a terminal, at COLUMNS or the window width, as pstree. */
static int
pick_width(const struct ctl *ctl)
{
	struct winsize ws;
	const char *env;
	int w;

	if (ctl->no_cut || ctl->json || !isatty(STDOUT_FILENO))
		return 0;
	env = getenv("COLUMNS");
	if (env && tri_cli_parse_int(env, 1, 1 << 20, &w) == 0)
		return w;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 132;
}

static unsigned
snap_flags(const struct ctl *ctl)
{
	unsigned f = TRI_PT_UID;	/* libproc2 gets it from one fstat */

	if (ctl->args || ctl->match)
		f |= TRI_PT_CMDLINE;
	if (!ctl->hide_threads)
		f |= TRI_PT_THREADS;
	if (ctl->ns)
		f |= TRI_PT_NS;
	return f;
}

struct roots {
	int	*idx;
	int	 n;
};

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

static void
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
static void
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
			errx(TRI_EXIT_FAIL, "%s: %s", op, errno == ERANGE ?
			    "pid out of range" : "not a valid pid");
		}
		if ((n = tri_ptable_find(&tr->t, pid)) == NULL)
			errx(TRI_EXIT_FAIL, "pid %d: no such process", (int)pid);
		add_root(rs, tri_ptable_index(&tr->t, n));
		return;
	}
	errno = 0;
	if ((pw = getpwnam(op)) == NULL) {
		if (errno && errno != ENOENT && errno != ESRCH)
			err(TRI_EXIT_FAIL, "user %s", op);
		errx(TRI_EXIT_FAIL, "%s: no such user", op);
	}
	if ((n = tri_ptable_find(&tr->t, 1)) != NULL) {
		user_roots(tr, tri_ptable_index(&tr->t, n), pw->pw_uid, rs);
		return;
	}
	for (i = 0; i < tr->t.n; i++)
		if (tr->t.nodes[i].parent < 0)
			user_roots(tr, (int)i, pw->pw_uid, rs);
}

static void
print_text(const struct ctl *ctl, struct vnode **views, int n)
{
	struct render r = { .ctl = ctl };
	int k;

	r.sym = pick_syms(ctl);
	r.width_max = pick_width(ctl);
	for (k = 0; k < n; k++)
		dump(&r, views[k], 0, 1, true, true, 0, 0);
	free(r.line);
	free(r.width);
	free(r.more);
}

static void
print_json(const struct ctl *ctl, struct vnode **views, int n)
{
	struct tri_json j;
	int k;

	tri_json_init(&j, stdout, false);
	tri_json_arr_begin(&j);
	for (k = 0; k < n; k++)
		json_node(ctl, &j, views[k]);
	tri_json_arr_end(&j);
	tri_json_end(&j);
}

/* Build the view of each root, skipping roots the selection left out. */
static int
make_views(const struct ctl *ctl, struct tree *tr, const struct roots *rs,
    struct vnode **views)
{
	int k, n = 0, top;

	for (k = 0; k < rs->n; k++) {
		if (!tr->show[rs->idx[k]])
			continue;
		top = ctl->parents ? climb(tr, rs->idx[k]) : rs->idx[k];
		views[n++] = build(ctl, tr, top, false);
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct ctl ctl = { .color = TRI_COLOR_AUTO };
	struct roots rs = { 0 };
	struct vnode **views;
	struct tree tr;
	int k, n, status = TRI_EXIT_OK;

	tri_cli_init();
	setlocale(LC_CTYPE, "");
	parse_options(&ctl, argc, argv);
	sort_by_pid = ctl.by_pid;
	tri_out_color_init(ctl.color);
	if (tri_ptable_snap(&tr.t, snap_flags(&ctl)) < 0)
		err(TRI_EXIT_FAIL, "reading the process table");
	tr.show = xcalloc(tr.t.n, 1);
	memset(tr.show, 1, tr.t.n);
	tr.only = xcalloc(tr.t.n, sizeof(int));
	for (k = 0; k < (int)tr.t.n; k++)
		tr.only[k] = -1;
	tr.norphans = 0;
	find_orphans(&tr);
	rs.idx = xcalloc(tr.t.n, sizeof(int));
	for (k = 0; k < ctl.noperands; k++)
		operand_roots(&tr, ctl.operands[k], &rs);
	if (ctl.noperands == 0)
		default_roots(&tr, &rs);
	if (ctl.highlight && tri_ptable_find(&tr.t, ctl.highlight) == NULL)
		errx(TRI_EXIT_FAIL, "-H %d: no such process", (int)ctl.highlight);
	if (ctl.match && select_matches(&ctl, &tr) == 0)
		status = TRI_EXIT_FOUND;
	views = xcalloc((size_t)rs.n, sizeof(*views));
	n = make_views(&ctl, &tr, &rs, views);
	if (n == 0)
		status = TRI_EXIT_FOUND;
	if (ctl.json)
		print_json(&ctl, views, n);
	else
		print_text(&ctl, views, n);
	for (k = 0; k < n; k++)
		free_view(views[k]);
	free(views);
	free(rs.idx);
	free(tr.show);
	free(tr.only);
	free(tr.orphans);
	tri_ptable_free(&tr.t);
	if (ctl.match)
		regfree(&ctl.re);
	return status;
}
