/* tests/unit/test_proc.c - the /proc parsers on fixture text. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "unit.h"

#define FIXROOT	"tests/unit/fixtures/proc"

static int
parse(const char *text, struct tri_stat *st)
{
	return tri_proc_parse_stat(text, strlen(text), st);
}

static void
stat_paren_comm(void)
{
	struct tri_stat st;

	CHECK(parse("4242 (a) (b) S 1 4242 4242 0 -1 4194560 120 0 0 0 5 3 0"
	    " 0 20 0 2 0 12345 10000000 200 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0"
	    " 0 0 0 0 0 0 0 0 0 0 0 0\n", &st) == 0);
	CHECK_STR(st.comm, "a) (b");
	CHECK(st.state == 'S');
	CHECK(st.ppid == 1);
	CHECK(st.num_threads == 2);
	CHECK(st.starttime == 12345);
	CHECK(st.nfields == 52);
}

static void
stat_newline_comm(void)
{
	struct tri_stat st;

	CHECK(parse("7 (x\ny) Z 3 7 7 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 1 0 99"
	    " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17"
	    " 0 0 0 0 0 0 0 0 0 0 0 0 0 139\n", &st) == 0);
	CHECK_STR(st.comm, "x\ny");
	CHECK(st.state == 'Z');
	CHECK(st.exit_code == 139);
	CHECK(WIFSIGNALED(st.exit_code) && WTERMSIG(st.exit_code) == SIGSEGV);
}

static void
stat_comm_with_close_paren_space(void)
{
	struct tri_stat st;

	/* a comm that itself looks like the end of the comm field */
	CHECK(parse("9 () R 8 9 ) S 2 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55\n",
	    &st) == 0);
	CHECK_STR(st.comm, ") R 8 9 ");
	CHECK(st.state == 'S');
	CHECK(st.ppid == 2);
	CHECK(st.starttime == 55);
	CHECK(st.nfields == 22);
}

static void
stat_truncated(void)
{
	struct tri_stat st;

	CHECK(parse("", &st) == -1 && errno == EINVAL);
	CHECK(parse("12 (abc", &st) == -1);
	CHECK(parse("12 (abc) S 1 2 3", &st) == -1);	/* no start time */
	CHECK(parse("12 (abc)", &st) == -1);
	/* old kernels end before exit_code: fine, fields stay 0 */
	CHECK(parse("12 (abc) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0\n",
	    &st) == 0);
	CHECK(st.nfields == 23 && st.exit_code == 0 && st.starttime == 77);
	/* garbage inside a field stops the parse there */
	CHECK(parse("12 (abc) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 x7 0\n",
	    &st) == -1);
}

static void
status_fields(void)
{
	const char *t = "Name:\ta\\nb\nState:\tZ (zombie)\nTgid:\t10\n"
	    "Pid:\t10\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t1\t2\t3\n"
	    "NSpid:\t10\t4\t1\nThreads:\t1\nSigBlk:\t0000000000010000\n"
	    "SigIgn:\t0000000000000000\nSigCgt:\t0000000000010002\n"
	    "voluntary_ctxt_switches:\t5\nnonvoluntary_ctxt_switches:\t6\n";
	struct tri_status st;

	CHECK(tri_proc_parse_status(t, strlen(t), &st) == 0);
	CHECK_STR(st.name, "a\nb");
	CHECK(st.state == 'Z');
	CHECK(st.nspid_n == 3 && st.nspid[2] == 1);
	CHECK(st.uid[1] == 1 && st.uid[3] == 3);
	CHECK(st.sigblk == 0x10000 && st.sigcgt == 0x10002);
	CHECK(st.vctx == 5 && st.nvctx == 6);
	CHECK(st.vmrss_kb == -1);		/* absent in a zombie */
	CHECK(tri_proc_parse_status("Name:\tx\n", 8, &st) == -1);
	CHECK(tri_proc_parse_status("Pid:\t1", 6, &st) == 0);	/* no newline */
}

static void
limits_parse(void)
{
	const char *t = "Limit  Soft Limit  Hard Limit  Units\n"
	    "Max open files            1024                 20000      files\n"
	    "Max locked memory         unlimited            unlimited  bytes\n";
	unsigned long long s, h;

	CHECK(tri_proc_parse_limit(t, "Max open files", &s, &h) == 0);
	CHECK(s == 1024 && h == 20000);
	CHECK(tri_proc_parse_limit(t, "Max locked memory", &s, &h) == 0);
	CHECK(s == RLIM_INFINITY && h == RLIM_INFINITY);
	CHECK(tri_proc_parse_limit(t, "Max processes", &s, &h) == -1 &&
	    errno == ENOENT);
	CHECK(tri_proc_parse_limit(t, "Max open", &s, &h) == -1);
}

static void
fixture_tree(void)
{
	unsigned long long s, h;
	struct tri_status sts;
	struct tri_proc p;
	struct tri_stat st;
	size_t n, len;
	pid_t *tids;
	char *cmd;

	tri_proc_set_root(FIXROOT);
	CHECK(tri_proc_open(&p, 4242) == 0);
	CHECK(p.starttime == 12345);
	CHECK(tri_proc_read_stat(&p, &st) == 0 && st.num_threads == 2);
	CHECK(tri_proc_read_status(&p, &sts) == 0);
	CHECK_STR(sts.name, "a) (b");
	CHECK(sts.nspid_n == 2 && sts.nspid[1] == 1);
	cmd = tri_proc_read_cmdline(&p, &len);
	CHECK(cmd && len == 18 && strcmp(cmd + 7, "--port") == 0);
	free(cmd);
	tids = tri_proc_tasks(&p, &n);
	CHECK(tids && n == 2 && tids[0] == 4242 && tids[1] == 4250);
	free(tids);
	CHECK(tri_proc_read_limit(&p, "Max open files", &s, &h) == 0);
	CHECK(s == 1024 && h == 20000);
	CHECK(tri_proc_check(&p) == 0);
	tri_proc_close(&p);
	CHECK(tri_proc_open(&p, 999999) == -1 && errno == ESRCH);
	tri_proc_set_root(NULL);
}

static int
count_pid(pid_t pid, void *arg)
{
	int *seen = arg;

	(*seen)++;
	return pid == 4242 ? 7 : 0;	/* stop with a value at 4242 */
}

static void
pids_and_walk(void)
{
	pid_t *pids;
	size_t n, i;
	int seen = 0;

	tri_proc_set_root(FIXROOT);
	pids = tri_proc_pids(&n);
	CHECK(pids && n == 1 && pids[0] == 4242);
	free(pids);
	CHECK(tri_proc_walk(count_pid, &seen) == 7 && seen == 1);
	tri_proc_set_root(NULL);
	pids = tri_proc_pids(&n);
	CHECK(pids && n > 1);
	for (i = 1; pids && i < n; i++)
		CHECK(pids[i - 1] < pids[i]);
	free(pids);
	tri_proc_set_root("/nonexistent");
	CHECK(tri_proc_walk(count_pid, &seen) == -1);
	tri_proc_set_root(NULL);
}

static void
sysctl_numbers(void)
{
	unsigned long long v[3] = { 0, 0, 0 };

	CHECK(tri_proc_sysctl("sys/kernel/pid_max", v, 1) == 1 && v[0] >= 301);
	CHECK(tri_proc_sysctl("sys/fs/file-nr", v, 3) == 3 && v[2] > 0);
	CHECK(tri_proc_sysctl("sys/kernel/ostype", v, 1) == 0);	/* "Linux" */
	CHECK(tri_proc_sysctl("sys/no/such", v, 1) == -1);
}

static void
live_self(void)
{
	struct tri_proc p;
	struct tri_stat st;

	CHECK(tri_proc_open(&p, 0) == 0);
	CHECK(p.pid == getpid());
	CHECK(tri_proc_read_stat(&p, &st) == 0);
	CHECK(st.nfields >= 52);
	CHECK(st.state == 'R');
	CHECK(tri_proc_check(&p) == 0);
	tri_proc_close(&p);
}

static void
reused_pid_is_detected(void)
{
	struct tri_proc p;
	pid_t child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	CHECK(tri_proc_open(&p, child) == 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* The dirfd now names a dead process: reads fail with ESRCH. */
	CHECK(tri_proc_check(&p) == -1 && errno == ESRCH);
	tri_proc_close(&p);
}

static void
describe(void)
{
	char b[64];

	CHECK_STR(tri_proc_describe_status(3 << 8, b, sizeof(b)), "exited 3");
	CHECK_STR(tri_proc_describe_status(SIGSEGV | 0x80, b, sizeof(b)),
	    "killed by SIGSEGV (core dumped)");
	CHECK_STR(tri_proc_describe_status(SIGKILL, b, sizeof(b)),
	    "killed by SIGKILL");
}

int
main(void)
{
	RUN(stat_paren_comm);
	RUN(stat_newline_comm);
	RUN(stat_comm_with_close_paren_space);
	RUN(stat_truncated);
	RUN(status_fields);
	RUN(limits_parse);
	RUN(fixture_tree);
	RUN(pids_and_walk);
	RUN(sysctl_numbers);
	RUN(live_self);
	RUN(reused_pid_is_detected);
	RUN(describe);
	return UNIT_END();
}
