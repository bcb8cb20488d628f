/* tests/unit/test_csverdict.c - the context-switch verdict, and status names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csverdict.h"
#include "proc.h"
#include "unit.h"

static void
judge(double vol, double invol, double wait_ms, struct tri_csverdict *v)
{
	struct tri_csverdict_in in;

	memset(&in, 0, sizeof(in));
	in.pid = getpid();
	in.elapsed = 2;
	in.vol = (unsigned long long)(vol * 2);
	in.invol = (unsigned long long)(invol * 2);
	in.wait_ns = (unsigned long long)(wait_ms * 2 * 1e6);
	tri_csverdict_judge(&in, v);
}

static void
kinds(void)
{
	struct tri_csverdict v;

	judge(10, 500, 50, &v);
	CHECK_STR(v.kind, "cpu_contention");
	CHECK(v.invol == 500 && v.vol == 10 && v.runq_ms == 50);
	judge(800, 20, 200, &v);
	CHECK_STR(v.kind, "blocking");
	CHECK(v.contention_too);
	judge(800, 2, 1, &v);
	CHECK_STR(v.kind, "blocking");
	CHECK(!v.contention_too);
	judge(0, 0, 0, &v);
	CHECK_STR(v.kind, "quiet");
	/* the caller may run on at least one CPU */
	CHECK(v.allowed >= 1);
	CHECK_STR(tri_csverdict_thread_class(0, 0), "idle");
	CHECK_STR(tri_csverdict_thread_class(3, 5), "involuntary");
	CHECK_STR(tri_csverdict_thread_class(5, 5), "voluntary");
}

static void
measure_self(void)
{
	struct tri_csverdict v;

	CHECK(tri_csverdict_measure(getpid(), 0.05, &v) == 0);
	CHECK(v.kind != NULL);
	CHECK(v.elapsed >= 0.05 && v.elapsed < 5);
	CHECK(tri_csverdict_measure(getpid(), 0, &v) == -1 && errno == EINVAL);
	CHECK(tri_csverdict_measure(999999999, 0.01, &v) == -1);
}

/* status writes "\n" and "\\" in a name as escapes: parsed back raw */
static void
status_name_unescaped(void)
{
	static const char text[] = "Name:\ta\\nb\\\\c\nState:\tS\n"
	    "voluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t8\n";
	struct tri_ctxt c;

	CHECK(tri_proc_parse_ctxt(text, sizeof(text) - 1, &c) == 0);
	CHECK_STR(c.name, "a\nb\\c");
	CHECK(c.vol == 7 && c.invol == 8);
}

int
main(void)
{
	RUN(kinds);
	RUN(measure_self);
	RUN(status_name_unescaped);
	return UNIT_END();
}
