/* cmd/proctree/text.c - the tree drawn as pstree draws it, cut to the width. */
#include <err.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "proc.h"
#include "proctree.h"

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
	bool			 lines;		/* -a, -Z: a line per node */
};

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
 * End the line.  On a terminal a line as wide as it or wider keeps one
 * column less and then "+", as pstree's out_char does: one "+" for each
 * byte of the character at the cut (pstree's, on a UTF-8 line-drawing
 * character: "+++").  Only our own colour sequences hold an ESC (process
 * text is escaped); they take no column, and those past the cut are still
 * written, as pstree writes its own, so every colour opened is closed
 * and a line with nothing coloured gets no escape at all.
 */
static void
newline(struct render *r)
{
	size_t i = 0, k;
	int cols = 0, nb;

	if (r->width_max <= 0 || r->cols < r->width_max) {
		fwrite(r->line, 1, r->len, stdout);
		goto end;
	}
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
	for (nb = 1; i + (size_t)nb < r->len &&
	    ((unsigned char)r->line[i + (size_t)nb] & 0xc0) == 0x80; nb++)
		;
	while (nb-- > 0)
		putchar('+');
	for (; i < r->len; i++)
		if (r->line[i] == '\033') {
			for (k = i; k < r->len && r->line[k] != 'm'; k++)
				;
			fwrite(r->line + i, 1, k - i + 1, stdout);
			i = k;
		}
end:
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

/* -S: the namespaces v does not share with its parent, as pstree names
 * them; a namespace that cannot be read on either side is left out. */
static void
put_ns(struct render *r, const struct vnode *v, int *info)
{
	int k;

	if (v->x->nsv == NULL || v->x->pnsv == NULL)
		return;
	for (k = 0; k < NS_N; k++)
		if (v->x->nsv[k] && v->x->pnsv[k] && v->x->nsv[k] != v->x->pnsv[k]) {
			put(r, (*info)++ ? "," : "(");
			put(r, ns_names[k]);
		}
}

/* -C age: green under a minute, yellow under an hour, red older. */
static const char *
age_sgr(double age)
{
	return age < 60 ? "32" : age < 3600 ? "33" : "31";
}

/* The "(pid,pgid,user)" part, or ",pid,..." after a name with -a. */
static void
put_info(struct render *r, const struct vnode *v, uid_t prev_uid, int *info)
{
	const struct ctl *ctl = r->ctl;
	char num[64];

	if (ctl->pids || v->x->nsb) {
		put(r, (*info)++ ? "," : "(");
		if (v->x->nsb && v->x->nspid > 0)
			snprintf(num, sizeof(num), "%d[%d]", (int)v->id,
			    (int)v->x->nspid);
		else
			snprintf(num, sizeof(num), "%d", (int)v->id);
		put(r, num);
	}
	if (ctl->pgids) {
		put(r, (*info)++ ? "," : "(");
		/* pstree's out_int prints nothing for 0 (pid 1's pgid here) */
		if (v->proc->pgrp != 0) {
			snprintf(num, sizeof(num), "%d", (int)v->proc->pgrp);
			put(r, num);
		}
	}
	if (ctl->uid_changes && v->proc->euid != prev_uid) {
		put(r, (*info)++ ? "," : "(");
		put(r, user_name(v->proc->euid));
	}
	if (ctl->ns_changes)
		put_ns(r, v, info);
	if (ctl->scontext) {
		char *e = xescape_str(v->x->label ? v->x->label : "");

		put(r, (*info)++ ? "," : "(");
		put(r, "`");
		put(r, e);
		put(r, "'");
		free(e);
	}
}

/* Name, ids, mark: the label of one node.  Returns its width. */
static int
put_label(struct render *r, const struct vnode *v, uid_t prev_uid)
{
	const struct ctl *ctl = r->ctl;
	bool bare = ctl->args && !v->thr && v->proc->cmdline_len == 0;
	int start = r->cols, info = ctl->args ? 1 : 0;

	if (ctl->color_age)
		put_sgr(r, age_sgr(tri_proc_age(v->proc->start)));
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
		put_sgr(r, v->mark->sgr);
		put(r, v->mark->text);
		put_reset(r);
	}
	if (v->x->cgroup) {
		put(r, " cgroup=");
		put(r, v->x->cgroup);
	}
	return r->cols - start;
}

static void
put_arg(struct render *r, const char *s)
{
	char *e = xescape_str(s);

	put(r, e);
	free(e);
}

/*
 * On a terminal, the arguments as pstree shows them there: it reads only
 * width + 1 bytes of the command line (the last one turned into a NUL),
 * splits that at NULs into the arguments after argv[0] plus the text
 * after the last NUL, puts a space before each but that last piece, and
 * stops with "..." at an argument that would pass four columns short of
 * the width.  The command line is the kernel's, with its final NUL.
 */
static void
put_args_cut(struct render *r, const char *cmd, size_t len)
{
	size_t size = len + 1, i, nargs = 0;
	char *buf, *s;
	int w;

	if (size > (size_t)r->width_max)
		size = (size_t)r->width_max;	/* pstree's buffer, less one */
	if ((buf = malloc(size + 1)) == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	memcpy(buf, cmd, size);
	buf[size++] = '\0';
	for (i = 0; i + 1 < size; i++)
		if (buf[i] == '\0') {
			nargs++;
			while (i + 1 < size && buf[i] == '\0')
				i++;
		}
	s = buf + strlen(buf) + 1;
	for (i = 0; i < nargs && s < buf + size; i++, s += strlen(s) + 1) {
		if (i + 1 < nargs)
			put(r, " ");
		w = (int)tri_out_width(s);
		if (r->cols + 1 + w > r->width_max - (i + 1 == nargs ? 0 : 4)) {
			put(r, "...");
			break;
		}
		put_arg(r, s);
	}
	free(buf);
}

/* The arguments after argv[0] (which the name shows already), as pstree
 * prints them: each after a space, whole, when lines are not cut. */
static void
put_args(struct render *r, const struct vnode *v)
{
	const char *s = v->proc->cmdline, *end;

	if (v->thr || s == NULL || v->proc->cmdline_len == 0)
		return;
	if (r->width_max > 0) {
		put_args_cut(r, s, v->proc->cmdline_len);
		return;
	}
	end = s + v->proc->cmdline_len;
	for (s += strlen(s) + 1; s < end; s += strlen(s) + 1) {
		put(r, " ");
		put_arg(r, s);
	}
}

/* Whether two subtrees print the same, so they can be shown once as N*[..]. */
static bool
same_tree(const struct ctl *ctl, const struct vnode *a, const struct vnode *b)
{
	int k;

	if (strcmp(a->name, b->name) || a->mark != b->mark ||
	    a->nkids != b->nkids || a->hl != b->hl || a->x->nsb || b->x->nsb)
		return false;
	if (ctl->uid_changes && a->proc->euid != b->proc->euid)
		return false;
	if (ctl->ns_changes && a->x->nsv && b->x->nsv &&
	    memcmp(a->x->nsv, b->x->nsv, NS_N * sizeof(*a->x->nsv)) != 0)
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

	if (!r->ctl->compact || (r->lines && !v->kids[i]->thr))
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
	if (r->ctl->color_age)
		put_reset(r);
	if (r->lines || v->nkids == 0) {
		while (closing-- > 0)
			put(r, "]");
		newline(r);
	}
	grow_levels(r, level);
	r->more[level] = !last;
	/* pstree's width in that layout: 1 with -a, 0 without, one less
	 * for a one-column name */
	r->width[level] = r->lines ? (r->ctl->args ? 1 : 0) +
	    ((int)tri_out_width(v->name) > 1 ? 0 : -1) : w + add;
	if (v->nkids == 0)
		return;
	if (!r->lines && r->width_max > 0 && r->cols + 1 >= r->width_max) {
		put(r, r->sym->first_3);
		put(r, "+");
		newline(r);
		return;
	}
	used = xcalloc((size_t)v->nkids, sizeof(bool));
	for (i = 0; i < v->nkids; i = next) {
		count = group(r, v, i, used);
		next = next_unused(v, i, used);
		if (r->lines) {
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

/* The trees, or with -N each namespace as "[inode]" and its trees. */
void
print_text(const struct ctl *ctl, struct vnode **views, int n,
    const struct nsgroup *g, int ng)
{
	struct render r = { .ctl = ctl };
	int k, i;

	r.sym = pick_syms(ctl);
	r.lines = ctl->args || ctl->scontext;
	r.width_max = pick_width(ctl);
	for (k = 0; g == NULL && k < n; k++)
		dump(&r, views[k], 0, 1, true, true, 0, 0);
	for (k = 0; g && k < ng; k++) {
		printf("[%lu]\n", g[k].inode);
		for (i = 0; i < g[k].n; i++)
			dump(&r, g[k].roots[i], 0, 1, true, true, 0, 0);
	}
	free(r.line);
	free(r.width);
	free(r.more);
}
