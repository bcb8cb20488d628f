/* tests/unit/test_sched.c - sched and task files: fixtures and live reads. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

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

static void *
named_thread(void *arg)
{
	prctl(PR_SET_NAME, "ut-task-stat");
	pthread_barrier_wait(arg);	/* named */
	pthread_barrier_wait(arg);	/* read */
	return NULL;
}

/* Another thread's stat through task/TID: its own name and the leader's pid. */
static void
task_stat_of_a_thread(void)
{
	pthread_barrier_t b;
	struct tri_stat st;
	struct tri_proc p;
	pthread_t th;
	pid_t tid;
	size_t n;
	pid_t *tids;

	pthread_barrier_init(&b, NULL, 2);
	pthread_create(&th, NULL, named_thread, &b);
	pthread_barrier_wait(&b);
	CHECK(tri_proc_open(&p, 0) == 0);
	tids = tri_proc_tasks(&p, &n);
	CHECK(tids != NULL && n == 2);
	tid = tids && n == 2 ? tids[1] : 0;
	CHECK(tri_proc_read_task_stat(&p, tid, &st) == 0);
	CHECK_STR(st.comm, "ut-task-stat");
	CHECK(st.pid == tid && st.state != 'Z');
	CHECK(tri_proc_read_task_stat(&p, 999999999, &st) == -1 &&
	    (errno == ESRCH || errno == ENOENT));
	free(tids);
	tri_proc_close(&p);
	pthread_barrier_wait(&b);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&b);
}

int
main(void)
{
	RUN(sched_ctxt_name_with_parens);
	RUN(sched_ctxt_missing);
	RUN(sched_ctxt_live_matches_status);
	RUN(task_stat_of_a_thread);
	return UNIT_END();
}
