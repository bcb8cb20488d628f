/* cmd/structpad/summary.c - one line per type, by bytes wasted (-s),
 * with -o COLUMNS and --raw as the other tables of the house. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "structpad.h"

static const struct {
	const char	*name, *help;
	enum tri_align	 align;
} cols[] = {
	{ "SIZE",	"bytes of the type",			TRI_RIGHT },
	{ "WASTE",	"bytes of holes and tail padding",	TRI_RIGHT },
	{ "WASTE%",	"WASTE as a share of SIZE",		TRI_RIGHT },
	{ "HOLES",	"holes between members",		TRI_RIGHT },
	{ "BITHOLES",	"holes between bit-fields",		TRI_RIGHT },
	{ "PADDING",	"bytes at the end",			TRI_RIGHT },
	{ "MEMBERS",	"members",				TRI_RIGHT },
	{ "CACHELINES",	"cache lines the type spans",		TRI_RIGHT },
	{ "BEST",	"bytes after the best reordering (-R)",	TRI_RIGHT },
	{ "SAVES",	"SIZE - BEST",				TRI_RIGHT },
	{ "TYPE",	"kind and name",			TRI_LEFT },
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))
#define DEFAULT_COLS	"SIZE,WASTE,WASTE%,BEST,SAVES,TYPE"

static void
add_cols(struct tri_table *t)
{
	size_t i;

	tri_table_init(t);
	for (i = 0; i < NCOLS; i++)
		tri_table_col(t, cols[i].name, cols[i].align);
}

/* The list -o names: the default with "+COL,...", as fdleak's -o. */
static char *
wanted(const struct ctl *ctl)
{
	const char *o = ctl->columns;
	char *s;

	if (o == NULL)
		return strdup(DEFAULT_COLS);
	if (*o != '+')
		return strdup(o);
	if ((s = malloc(sizeof(DEFAULT_COLS) + strlen(o))) != NULL)
		sprintf(s, "%s,%s", DEFAULT_COLS, o + 1);
	return s;
}

void
summary_check_columns(const struct ctl *ctl)
{
	struct tri_table t;
	char *want, *bad = NULL, *esc;
	size_t i;

	if (ctl->columns == NULL)
		return;
	if (strcmp(ctl->columns, "help") == 0) {
		for (i = 0; i < NCOLS; i++)
			printf("%-10s %s\n", cols[i].name, cols[i].help);
		exit(TRI_EXIT_OK);
	}
	if ((want = wanted(ctl)) == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	add_cols(&t);
	if (tri_table_check_cols(&t, want, &bad) < 0) {
		esc = bad ? tri_out_escape_dup(bad, strlen(bad)) : NULL;
		errx(TRI_EXIT_FAIL, "-o %s: not a column (-o help lists them)",
		    esc ? esc : "?");
	}
	tri_table_free(&t);
	free(want);
}

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

static void
row(struct tri_table *t, const struct ctl *ctl, const struct layout *x)
{
	char title[600];
	uint64_t size = x->t->size, line = ctl->cacheline;

	tri_table_cellf(t, "%llu", (unsigned long long)size);
	tri_table_cellf(t, "%llu", (unsigned long long)x->waste);
	tri_table_cellf(t, "%.1f%%", size ? 100.0 * (double)x->waste /
	    (double)size : 0.0);
	tri_table_cellf(t, "%u", x->nr_holes);
	tri_table_cellf(t, "%u", x->nr_bit_holes);
	tri_table_cellf(t, "%lld", (long long)x->padding);
	tri_table_cellf(t, "%zu", x->t->nmembers);
	tri_table_cellf(t, "%llu", line ? (unsigned long long)((size +
	    line - 1) / line) : 0ULL);
	tri_table_cellf(t, "%llu", (unsigned long long)x->best);
	tri_table_cellf(t, "%llu", (unsigned long long)(size - x->best));
	type_title(x->t, title, sizeof(title));
	tri_table_cell(t, title, strlen(title));
}

void
view_summary(const struct ctl *ctl, struct layout *l, size_t n)
{
	struct layout **v = malloc((n ? n : 1) * sizeof(*v));
	struct tri_table t;
	char *want = wanted(ctl);
	size_t i;

	if (v == NULL || want == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	for (i = 0; i < n; i++)
		v[i] = &l[i];
	qsort(v, n, sizeof(*v), by_waste);
	add_cols(&t);
	for (i = 0; i < n; i++)
		row(&t, ctl, v[i]);
	tri_table_print_sel(&t, stdout, ctl->header, want, ctl->raw);
	tri_table_free(&t);
	free(want);
	free(v);
}
