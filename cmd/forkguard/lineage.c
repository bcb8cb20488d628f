/* cmd/forkguard/lineage.c - which lineage of processes forked most, and our descendants. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkguard.h"

struct node {
	pid_t	 pid, ppid;
	char	 comm[TRI_COMM_MAX];
	char	 exe[512];
	int	 parent;	/* index in the set, -1 */
	int	 root;		/* index of the lineage's root, -1 not yet */
	size_t	 count;		/* as a root: members */
};

static int
cmp_node(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static void
read_node(struct node *nd, pid_t pid)
{
	struct tri_stat st;
	struct tri_proc p;
	ssize_t n;

	memset(nd, 0, sizeof(*nd));
	nd->pid = pid;
	nd->parent = nd->root = -1;
	if (tri_proc_open(&p, pid) < 0)
		return;
	if (tri_proc_read_stat(&p, &st) == 0) {
		nd->ppid = st.ppid;
		memcpy(nd->comm, st.comm, sizeof(nd->comm));
	}
	n = readlinkat(p.dirfd, "exe", nd->exe, sizeof(nd->exe) - 1);
	nd->exe[n > 0 ? n : 0] = '\0';
	tri_proc_close(&p);
}

/* The root of i: its topmost ancestor in the set with the same exe. */
static int
root_of(struct node *v, size_t n, int i)
{
	int j = i, steps = 0;

	while (v[j].root < 0 && v[j].parent >= 0 &&
	    strcmp(v[v[j].parent].exe, v[j].exe) == 0 && (size_t)steps++ < n)
		j = v[j].parent;
	return v[j].root >= 0 ? v[j].root : j;
}

/*
 * Roots with the same executable and the same parent outside the set are
 * one lineage: a shell bomb's processes are orphans, each reparented to
 * forkguard (the subreaper), so their common ancestor is that parent.
 */
static void
merge_orphans(struct node *v, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (v[i].root != (int)i)
			continue;
		for (k = 0; k < i; k++)
			if (v[k].root == (int)k && v[k].ppid == v[i].ppid &&
			    strcmp(v[k].exe, v[i].exe) == 0) {
				v[i].root = (int)k;
				break;
			}
	}
	for (i = 0; i < n; i++)
		v[i].root = v[v[i].root].root;
}

static void
fill(const struct node *v, size_t n, int r, struct lineage *top)
{
	size_t i;

	top->count = v[r].count;
	top->root = v[r].pid;
	memcpy(top->comm, v[r].comm, sizeof(top->comm));
	memcpy(top->exe, v[r].exe, sizeof(top->exe));
	top->pids[0] = v[r].pid;
	top->npids = 1;
	for (i = 0; i < n && top->npids < LINEAGE_PIDS; i++)
		if (v[i].root == r && (int)i != r)
			top->pids[top->npids++] = v[i].pid;
}

int
lineage_of(const pid_t *pids, size_t n, double budget, struct lineage *top)
{
	double end = tri_cli_now() + budget;
	struct node *v, key, *hit;
	size_t i;
	int best = -1;

	memset(top, 0, sizeof(*top));
	top->present = n;
	if (n == 0)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return -1;
	/*
	 * A few hundred /proc reads a second on a loaded machine: stop at
	 * the budget.  cgroup.procs lists by pid on v1, so the first ones
	 * read are the oldest, the root among them.
	 */
	for (i = 0; i < n; i++) {
		if ((i & 15) == 15 && tri_cli_now() > end)
			break;
		read_node(&v[i], pids[i]);
	}
	n = i;
	top->total = n;
	qsort(v, n, sizeof(*v), cmp_node);
	for (i = 0; i < n; i++) {
		key.pid = v[i].ppid;
		hit = bsearch(&key, v, n, sizeof(*v), cmp_node);
		v[i].parent = hit ? (int)(hit - v) : -1;
	}
	for (i = 0; i < n; i++)
		v[i].root = root_of(v, n, (int)i);
	merge_orphans(v, n);
	for (i = 0; i < n; i++)
		v[v[i].root].count++;
	for (i = 0; i < n; i++)
		if (v[i].root == (int)i && (best < 0 || v[i].count >
		    v[best].count))
			best = (int)i;
	fill(v, n, best, top);
	free(v);
	return 0;
}

size_t
descendants(pid_t self, pid_t *out, size_t cap)
{
	pid_t *pids, *ppid, *hit;
	bool *mine, grew = true;
	size_t n, i, k = 0;
	struct tri_stat st;
	struct tri_proc p;

	if ((pids = tri_proc_pids(&n)) == NULL)
		return 0;
	ppid = calloc(n + 1, sizeof(*ppid));
	mine = calloc(n + 1, sizeof(*mine));
	for (i = 0; ppid && mine && i < n; i++)
		if (tri_proc_open(&p, pids[i]) == 0) {
			if (tri_proc_read_stat(&p, &st) == 0)
				ppid[i] = st.ppid;
			tri_proc_close(&p);
		}
	/* Mark children of marked processes until nothing changes. */
	while (ppid && mine && grew) {
		grew = false;
		for (i = 0; i < n; i++) {
			if (mine[i] || pids[i] == self || ppid[i] <= 0)
				continue;
			if (ppid[i] == self || ((hit = bsearch(&ppid[i], pids,
			    n, sizeof(*pids), cmp_pid)) && mine[hit - pids]))
				mine[i] = grew = true;
		}
	}
	for (i = 0; ppid && mine && i < n; i++)
		if (mine[i]) {
			if (k < cap)
				out[k] = pids[i];
			k++;
		}
	free(pids);
	free(ppid);
	free(mine);
	return k;
}
