/* tests/helpers/forkguard-bomb.c - a binary-tree fork bomb that runs only inside a pids fence.
 *
 * forkguard-bomb [-n NAME] [-t FILE] [-w]
 *
 * Each process forks two children and waits for them; a refused fork
 * (EAGAIN at pids.max) is retried every millisecond, so the bomb keeps
 * pressing on its fence.  It refuses to start unless its own cgroup (or
 * one above) has a pids.max of at most 20000.  Prints "ready <pid>" just
 * before the first fork; -t FILE writes the CLOCK_MONOTONIC and the
 * CLOCK_REALTIME time of that fork (ns) to FILE; -n NAME names the bomb (PR_SET_NAME) first; -w
 * waits for a line on stdin before forking.  Every process dies with its
 * parent (PR_SET_PDEATHSIG).
 */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

#define FENCE_MAX	20000

static void
fenced_or_exit(void)
{
	char dir[4096];
	uint64_t lim;

	if (tri_cgroup_dir(getpid(), "pids", dir, sizeof(dir), NULL) < 0 ||
	    tri_cgroup_limit(dir, "pids.max", &lim, NULL, 0) < 0 ||
	    lim > FENCE_MAX)
		errx(2, "not inside a cgroup with pids.max <= %d: refusing "
		    "to start", FENCE_MAX);
}

static void
nap(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

/* Fork one child that becomes a bomber too; retry while refused. */
static void
spawn_one(pid_t parent)
{
	pid_t pid;

	while ((pid = fork()) < 0)
		nap();
	if (pid > 0)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
}

static void bomb(void) __attribute__((noreturn));

static void
bomb(void)
{
	pid_t me;

	for (;;) {
		me = getpid();
		spawn_one(me);
		if (getpid() != me)
			continue;	/* the child: bomb in turn */
		spawn_one(me);
		if (getpid() != me)
			continue;
		while (wait(NULL) > 0 || errno == EINTR)
			;
		_exit(0);
	}
}

int
main(int argc, char **argv)
{
	const char *tfile = NULL, *name = NULL;
	struct timespec ts, rt;
	bool wait_line = false;
	char line[16];
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "n:t:w")) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 't':
			tfile = optarg;
			break;
		case 'w':
			wait_line = true;
			break;
		default:
			errx(2, "usage: forkguard-bomb [-n name] [-t file] [-w]");
		}
	}
	fenced_or_exit();
	if (name)
		prctl(PR_SET_NAME, name);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (wait_line && !fgets(line, sizeof(line), stdin))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_gettime(CLOCK_REALTIME, &rt);
	if (tfile && (f = fopen(tfile, "w")) != NULL) {
		fprintf(f, "%lld %lld\n", (long long)ts.tv_sec * 1000000000LL +
		    ts.tv_nsec, (long long)rt.tv_sec * 1000000000LL +
		    rt.tv_nsec);
		fclose(f);
	}
	bomb();
}
