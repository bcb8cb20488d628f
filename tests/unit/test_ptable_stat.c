/* tests/unit/test_ptable_stat.c - TRI_PT_STAT against libproc2, and -o/--raw tables. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "ptable.h"
#include "unit.h"

/* The direct reader and libproc2 agree on the caller and its parent. */
static void
stat_snapshot_agrees(void)
{
	struct tri_ptable a, b;
	struct tri_pnode *x, *y;

	CHECK(tri_ptable_snap(&a, TRI_PT_STAT) == 0);
	CHECK(tri_ptable_snap(&b, 0) == 0);
	x = tri_ptable_find(&a, getpid());
	y = tri_ptable_find(&b, getpid());
	CHECK(x != NULL && y != NULL);
	if (x != NULL && y != NULL) {
		CHECK(x->ppid == getppid() && x->ppid == y->ppid);
		CHECK(x->start == y->start && x->state == y->state);
		CHECK_STR(x->comm, y->comm);
		CHECK(x->parent >= 0 && a.nodes[x->parent].pid == getppid());
	}
	CHECK(tri_ptable_find(&a, 1) != NULL);
	/* a few processes may come or go between the two snapshots */
	CHECK(a.n + 50 > b.n && b.n + 50 > a.n);
	tri_ptable_free(&a);
	tri_ptable_free(&b);
}

static char *
print_sel(struct tri_table *t, const char *cols, bool raw)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	tri_table_print_sel(t, f, true, cols, raw);
	fclose(f);
	return buf;
}

static void
table_columns_and_raw(void)
{
	struct tri_table t;
	char *bad = NULL, *s;

	tri_table_init(&t);
	tri_table_col(&t, "PID", TRI_RIGHT);
	tri_table_col(&t, "STATUS", TRI_LEFT);
	tri_table_col(&t, "NAME", TRI_LEFT);
	tri_table_cell_raw(&t, "7");
	tri_table_cell_raw(&t, "exited 3");
	tri_table_cell(&t, "a\033b", 3);
	s = print_sel(&t, "name,pid", false);
	CHECK_STR(s, "NAME PID\na\\eb   7\n");
	free(s);
	s = print_sel(&t, NULL, true);
	CHECK_STR(s, "PID STATUS NAME\n7 exited\\x203 a\\eb\n");
	free(s);
	CHECK(tri_table_check_cols(&t, "pid,nope", &bad) == -1);
	CHECK_STR(bad, "nope");
	free(bad);
	CHECK(tri_table_check_cols(&t, "pid,", &bad) == -1);
	free(bad);
	tri_table_free(&t);
}

int
main(void)
{
	RUN(stat_snapshot_agrees);
	RUN(table_columns_and_raw);
	return UNIT_END();
}
