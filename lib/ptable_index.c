/* lib/ptable_index.c - finding, walking and freeing a process table snapshot, without libproc2. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ptable.h"

/*
 * Apart from lib/ptable.c (which reads the table through libproc2), so a
 * command that builds its own table (proctree reads /proc itself) links
 * these without pulling libproc2 in.
 */

int
tri_ptable_cmp_pid(const void *a, const void *b)
{
	pid_t x = ((const struct tri_pnode *)a)->pid;
	pid_t y = ((const struct tri_pnode *)b)->pid;

	return (x > y) - (x < y);
}

struct tri_pnode *
tri_ptable_find(const struct tri_ptable *t, pid_t pid)
{
	struct tri_pnode key = { .pid = pid };

	if (t->n == 0)
		return NULL;
	return bsearch(&key, t->nodes, t->n, sizeof(key), tri_ptable_cmp_pid);
}

int
tri_ptable_index(const struct tri_ptable *t, const struct tri_pnode *n)
{
	return (int)(n - t->nodes);
}

/*
 * libproc2 hands back comm with control bytes replaced by '?', so a name
 * like "\033[31m" is lost.  Where a '?' shows up, read the raw name again
 * through the process's own dirfd (same start time, same process); the
 * commands escape it for display themselves.
 */
void
tri_ptable_free(struct tri_ptable *t)
{
	size_t i;

	for (i = 0; t->nodes && i < t->n; i++) {
		free((char *)t->nodes[i].comm);
		free((char *)t->nodes[i].cmdline);
	}
	for (i = 0; t->threads && i < t->nthreads; i++)
		free((char *)t->threads[i].comm);
	free(t->nodes);
	free(t->kids);
	free(t->threads);
	memset(t, 0, sizeof(*t));
}

static int
walk(const struct tri_ptable *t, const struct tri_pnode *n, int depth,
    tri_ptable_fn *fn, void *arg)
{
	int i, r;

	if ((r = fn(t, n, depth, arg)) != 0)
		return r;
	for (i = 0; i < n->nchildren; i++)
		if ((r = walk(t, &t->nodes[n->children[i]], depth + 1, fn,
		    arg)) != 0)
			return r;
	return 0;
}

int
tri_ptable_walk(const struct tri_ptable *t, const struct tri_pnode *root,
    tri_ptable_fn *fn, void *arg)
{
	return walk(t, root, 0, fn, arg);
}

bool
tri_ptable_is_ancestor(const struct tri_ptable *t, const struct tri_pnode *a,
    const struct tri_pnode *b)
{
	int i = tri_ptable_index(t, b), guard = 0;

	while (i >= 0 && guard++ < (int)t->n + 1) {
		if (&t->nodes[i] == a)
			return true;
		i = t->nodes[i].parent;
	}
	return false;
}
