/* tests/unit/test_sched.c - the sched file parser on fixture text. */
#include <errno.h>

#include "proc.h"
#include "unit.h"

static const char sched_text[] =
    "a (b) (c (7, #threads: 9) x (4242, #threads: 3)\n"
    "-------------------------------------------------------------------\n"
    "se.exec_start                                :       3147524.460009\n"
    "se.sum_exec_runtime                          :            53.289138\n"
    "se.nr_migrations                             :                   12\n"
    "nr_switches                                  :                   10\n"
    "nr_voluntary_switches                        :                    2\n"
    "nr_involuntary_switches                      :                    8\n";

static void
sched_ctxt_name_with_parens(void)
{
	unsigned long long m = 0;
	struct tri_ctxt c;

	CHECK(tri_proc_parse_sched_ctxt(sched_text, sizeof(sched_text) - 1,
	    4242, &c, &m) == 0);
	/* the last header tail wins: a comm may itself look like one */
	CHECK_STR(c.name, "a (b) (c (7, #threads: 9) x");
	CHECK(c.vol == 2 && c.invol == 8 && m == 12);
}

static void
sched_ctxt_missing(void)
{
	unsigned long long m;
	struct tri_ctxt c;
	const char *t = "x (5, #threads: 1)\nnr_voluntary_switches : 1\n";

	/* another tid's header, or missing counters: refused */
	CHECK(tri_proc_parse_sched_ctxt(sched_text, sizeof(sched_text) - 1,
	    5, &c, &m) == -1 && errno == EINVAL);
	CHECK(tri_proc_parse_sched_ctxt(t, strlen(t), 5, &c, &m) == -1);
}

static void
sched_ctxt_live_matches_status(void)
{
	unsigned long long m;
	struct tri_ctxt a, b;
	struct tri_proc p;

	CHECK(tri_proc_open(&p, 0) == 0);
	CHECK(tri_proc_read_sched_ctxt(&p, 0, &a, &m) == 0);
	CHECK(tri_proc_read_ctxt(&p, 0, &b) == 0);
	CHECK_STR(a.name, b.name);
	/* the same kernel counters; ours may have moved on by a few */
	CHECK(a.vol <= b.vol && b.vol - a.vol < 5);
	CHECK(a.invol <= b.invol && b.invol - a.invol < 5);
	tri_proc_close(&p);
}

int
main(void)
{
	RUN(sched_ctxt_name_with_parens);
	RUN(sched_ctxt_missing);
	RUN(sched_ctxt_live_matches_status);
	return UNIT_END();
}
