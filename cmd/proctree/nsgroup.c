/* cmd/proctree/nsgroup.c - -N TYPE: the tree cut at namespace boundaries. */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "proctree.h"

/*
 * pstree -N walks the sorted tree from its root depth first; a process
 * whose namespace of that type differs from its parent's (or that has no
 * parent) is detached and listed under its namespace, namespaces in the
 * order they are first met.  The same here, on the views.
 */
const char *const ns_names[NS_N] = {
	[NS_CGROUP] = "cgroup", [NS_IPC] = "ipc", [NS_MNT] = "mnt",
	[NS_NET] = "net", [NS_PID] = "pid", [NS_USER] = "user",
	[NS_UTS] = "uts", [NS_TIME] = "time",
};

struct grouping {
	int		 type;
	struct nsgroup	*g;
	int		 n, cap;
};

static void
add_root(struct grouping *gr, unsigned long inode, struct vnode *v)
{
	struct nsgroup *g;
	int k;

	for (k = 0; k < gr->n && gr->g[k].inode != inode; k++)
		;
	if (k == gr->n) {
		if (gr->n == gr->cap) {
			gr->cap = gr->cap ? 2 * gr->cap : 8;
			gr->g = realloc(gr->g, (size_t)gr->cap * sizeof(*gr->g));
			if (gr->g == NULL)
				err(TRI_EXIT_FAIL, "realloc");
		}
		gr->g[gr->n++] = (struct nsgroup){ .inode = inode };
	}
	g = &gr->g[k];
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 8;
		if ((g->roots = realloc(g->roots, (size_t)g->cap *
		    sizeof(*g->roots))) == NULL)
			err(TRI_EXIT_FAIL, "realloc");
	}
	g->roots[g->n++] = v;
}

/* Whether v enters a namespace; threads share their process's. */
static bool
enters(const struct grouping *gr, const struct vnode *v, bool root)
{
	if (v->thr || v->x->nsv == NULL)
		return root;
	return root || v->x->pnsv == NULL || v->x->pnsv[gr->type] != v->x->nsv[gr->type];
}

static void
walk(struct grouping *gr, struct vnode *v, bool root)
{
	int k, kept = 0;

	if (enters(gr, v, root))
		add_root(gr, v->x->nsv ? v->x->nsv[gr->type] : 0, v);
	for (k = 0; k < v->nkids; k++)
		walk(gr, v->kids[k], false);
	/* What entered a namespace of its own is shown there, not here. */
	for (k = 0; k < v->nkids; k++)
		if (!enters(gr, v->kids[k], false))
			v->kids[kept++] = v->kids[k];
	v->nkids = kept;
}

/*
 * pstree leaves out a root whose namespace it cannot read (pid 1 of this
 * machine), with all below it that shares that "0"; here they are listed
 * last, under inode 0 ("[0]"), so nothing is hidden and the rest stays
 * in pstree's order.
 */
struct nsgroup *
ns_group(const struct ctl *ctl, struct vnode **views, int nviews, int *n)
{
	struct grouping gr = { .type = ctl->ns_sort };
	struct nsgroup zero;
	int k;

	for (k = 0; k < nviews; k++)
		walk(&gr, views[k], true);
	for (k = 0; k < gr.n && gr.g[k].inode != 0; k++)
		;
	if (k < gr.n) {
		zero = gr.g[k];
		memmove(gr.g + k, gr.g + k + 1, (size_t)(gr.n - k - 1) *
		    sizeof(*gr.g));
		gr.g[gr.n - 1] = zero;
	}
	*n = gr.n;
	return gr.g;
}

void
ns_group_free(struct nsgroup *g, int n)
{
	int k;

	for (k = 0; k < n; k++)
		free(g[k].roots);
	free(g);
}
