/* tests/unit/test_cli.c - strict numbers and target lists. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "unit.h"

static void
pids(void)
{
	pid_t p;

	CHECK(tri_cli_parse_pid("1", &p) == 0 && p == 1);
	CHECK(tri_cli_parse_pid("4194304", &p) == 0);
	CHECK(tri_cli_parse_pid("abc", &p) == -1 && errno == EINVAL);
	CHECK(tri_cli_parse_pid("-1", &p) == -1 && errno == EINVAL);
	CHECK(tri_cli_parse_pid("0", &p) == -1 && errno == ERANGE);
	CHECK(tri_cli_parse_pid("99999999999", &p) == -1 && errno == ERANGE);
	CHECK(tri_cli_parse_pid("99999999999999999999999", &p) == -1 &&
	    errno == ERANGE);
	CHECK(tri_cli_parse_pid("12x", &p) == -1 && errno == EINVAL);
	CHECK(tri_cli_parse_pid("", &p) == -1);
	CHECK(tri_cli_parse_pid(" 12", &p) == -1);
}

static void
numbers(void)
{
	double d;
	int i;

	CHECK(tri_cli_parse_int("-5", -10, 10, &i) == 0 && i == -5);
	CHECK(tri_cli_parse_int("11", -10, 10, &i) == -1 && errno == ERANGE);
	CHECK(tri_cli_parse_int("-1", 0, 10, &i) == -1);
	CHECK(tri_cli_parse_int("0", 1, 10, &i) == -1 && errno == ERANGE);
	CHECK(tri_cli_parse_int("1", 1, 10, &i) == 0 && i == 1);
	CHECK(tri_cli_parse_int("-11", -10, 10, &i) == -1 && errno == ERANGE);
	CHECK(tri_cli_parse_int("-2147483648", INT_MIN, 0, &i) == 0 && i == INT_MIN);
	CHECK(tri_cli_parse_seconds("0.5", &d) == 0 && d == 0.5);
	CHECK(tri_cli_parse_seconds("2", &d) == 0 && d == 2);
	CHECK(tri_cli_parse_seconds("0", &d) == -1 && errno == ERANGE);
	CHECK(tri_cli_parse_seconds("-1", &d) == -1);
	CHECK(tri_cli_parse_seconds("1s", &d) == -1 && errno == EINVAL);
	CHECK(tri_cli_parse_seconds("nan", &d) == -1);
	CHECK(tri_cli_parse_seconds("inf", &d) == -1);
}

static void
targets(void)
{
	struct tri_targets t = { 0 };
	char *bad, arg[64];

	snprintf(arg, sizeof(arg), "self,%d,self", (int)getpid());
	CHECK(tri_targets_add(&t, arg, &bad) == 0);
	CHECK(t.n == 1 && t.pids[0] == getpid());	/* deduplicated */
	CHECK(tri_targets_add(&t, "1,abc-no-such-process-name", &bad) == -1);
	CHECK(errno == ENOENT);
	CHECK_STR(bad, "abc-no-such-process-name");
	free(bad);
	CHECK(tri_targets_add(&t, "-1", &bad) == -1 && errno == EINVAL);
	free(bad);
	CHECK(tri_targets_add(&t, "4194304", &bad) == -1 && errno == ESRCH);
	free(bad);
	CHECK(tri_targets_add(&t, "", &bad) == -1);
	free(bad);
	/* an empty item is an error, not skipped */
	CHECK(tri_targets_add(&t, "1,,1", &bad) == -1 && errno == EINVAL);
	CHECK_STR(bad, "1,,1");
	free(bad);
	CHECK(tri_targets_add(&t, "1,", &bad) == -1 && errno == EINVAL);
	free(bad);
	CHECK(tri_targets_add(&t, ",1", &bad) == -1 && errno == EINVAL);
	free(bad);
	tri_targets_free(&t);
}

static void
users(void)
{
	struct tri_users u = { 0 };
	char *bad;

	CHECK(tri_users_match(&u, 1234));	/* no -u: everyone */
	CHECK(tri_users_add(&u, "root,65534", &bad) == 0);
	CHECK(u.n == 2 && u.uids[0] == 0 && u.uids[1] == 65534);
	CHECK(tri_users_match(&u, 0) && tri_users_match(&u, 65534));
	CHECK(!tri_users_match(&u, 1234));
	CHECK(tri_users_add(&u, "no-such-user-here", &bad) == -1 &&
	    errno == ENOENT);
	CHECK_STR(bad, "no-such-user-here");
	free(bad);
	CHECK(tri_users_add(&u, "root,", &bad) == -1 && errno == ENOENT);
	free(bad);
	CHECK(tri_users_add(&u, "-1", &bad) == -1);
	free(bad);
	tri_users_free(&u);
}

static void
sort_keys(void)
{
	static const char *const keys[] = { "rss", "pss", "size", NULL };

	CHECK(tri_cli_sort_or_exit("rss", keys) == 0);
	CHECK(tri_cli_sort_or_exit("size", keys) == 2);
}

static void
pidof_self_excluded(void)
{
	size_t n;
	pid_t *p = tri_cli_pidof("test_cli", &n);

	/* pidof never names the caller itself */
	CHECK(p != NULL && n == 0);
	free(p);
}

/* Named outputs: the streams we have, or a file made afresh. */
static void
outputs(void)
{
	char path[] = "/tmp/test_cli.XXXXXX";
	int fd = mkstemp(path), g;

	CHECK(tri_cli_open_out("-") == 1);
	CHECK(tri_cli_open_out("/dev/stdout") == 1);
	CHECK(tri_cli_open_out("/dev/stderr") == 2);
	CHECK(tri_cli_fopen_out("/dev/stdout") == stdout);
	CHECK(tri_cli_fopen_out("/dev/stderr") == stderr);
	CHECK(fd >= 0 && write(fd, "old", 3) == 3);
	{
		char name[32];

		snprintf(name, sizeof(name), "/dev/fd/%d", fd);
		CHECK(tri_cli_open_out(name) == fd);
	}
	g = tri_cli_open_out(path);
	CHECK(g > 2 && lseek(g, 0, SEEK_END) == 0);	/* truncated */
	CHECK((fcntl(g, F_GETFD) & FD_CLOEXEC) != 0);
	close(g);
	close(fd);
	unlink(path);
	CHECK(tri_cli_open_out("/no/such/dir/x") == -1 && errno == ENOENT);
}

int
main(void)
{
	RUN(pids);
	RUN(outputs);
	RUN(numbers);
	RUN(targets);
	RUN(users);
	RUN(sort_keys);
	RUN(pidof_self_excluded);
	return UNIT_END();
}
