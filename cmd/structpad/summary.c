/* cmd/structpad/summary.c - one line per type, by bytes wasted. */
#include <stdlib.h>
#include <string.h>

#include "structpad.h"

static int
by_waste(const void *a, const void *b)
{
	const struct layout *x = *(const struct layout *const *)a;
	const struct layout *y = *(const struct layout *const *)b;
	int c;

	if (x->waste != y->waste)
		return x->waste > y->waste ? -1 : 1;
	if ((c = strcmp(x->t->name, y->t->name)) != 0)
		return c;
	return x->t->size < y->t->size ? -1 : x->t->size > y->t->size;
}

void
view_summary(const struct ctl *ctl, struct layout *l, size_t n)
{
	struct layout **v = malloc((n ? n : 1) * sizeof(*v));
	char title[600];
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		v[i] = &l[i];
	qsort(v, n, sizeof(*v), by_waste);
	if (ctl->header)
		printf("%8s %7s %6s %8s %6s  %s\n", "SIZE", "WASTE", "WASTE%",
		    "BEST", "SAVES", "TYPE");
	for (i = 0; i < n; i++) {
		const struct layout *x = v[i];

		type_title(x->t, title, sizeof(title));
		printf("%8llu %7llu %5.1f%% %8llu %6llu  ",
		    (unsigned long long)x->t->size,
		    (unsigned long long)x->waste,
		    x->t->size ? 100.0 * (double)x->waste /
		    (double)x->t->size : 0.0,
		    (unsigned long long)x->best,
		    (unsigned long long)(x->t->size - x->best));
		tri_out_fescape(stdout, title, strlen(title));
		putchar('\n');
	}
	free(v);
}
