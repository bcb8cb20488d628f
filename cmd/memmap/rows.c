/* cmd/memmap/rows.c - which mappings a table or JSON shows, in what order. */
#include <stdlib.h>

#include "memmap.h"

static const unsigned long long *sort_keys;

static int
cmp_idx(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	unsigned long long x = sort_keys[i], y = sort_keys[j];

	if (x != y)
		return x < y ? 1 : -1;
	return i < j ? -1 : i > j;
}

/*
 * The rows to show, in order: sorted by --sort, cut at --top, into *idx
 * (malloc'd), or *idx NULL for the records' own order, without an index
 * of every mapping (peak RSS).  The keys are decoded once, in order, not
 * at each comparison.  0, or -1 ENOMEM.
 */
int
view_rows(const struct ctl *ctl, const struct snap *s, size_t **idx,
    size_t *n)
{
	unsigned long long *keys;
	size_t i;

	*idx = NULL;
	*n = s->maps.n;
	if (ctl->sort != SORT_NONE) {
		*idx = malloc((*n ? *n : 1) * sizeof(**idx));
		keys = malloc((*n ? *n : 1) * sizeof(*keys));
		if (*idx == NULL || keys == NULL) {
			free(*idx);
			free(keys);
			return -1;
		}
		for (i = 0; i < *n; i++) {
			(*idx)[i] = i;
			keys[i] = vma_key(tri_maps_at(&s->maps, i), ctl->sort);
		}
		sort_keys = keys;
		qsort(*idx, *n, sizeof(**idx), cmp_idx);
		free(keys);
	}
	if (ctl->top && ctl->top < *n)
		*n = ctl->top;
	return 0;
}
