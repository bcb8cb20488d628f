/* tests/helpers/triage-memgrow.c - RSS that grows at a known rate towards a cgroup memory limit.
 *
 * triage-memgrow PROCS START_MB RATE_MB CAP_MB
 *
 * Writes its own pid to PROCS (a cgroup.procs file the test made), so
 * every page it touches is charged there; touches START_MB, prints
 * "ready PID", then touches RATE_MB more each second until CAP_MB, and
 * sleeps.  Dies with its parent.
 */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define MB	(1024L * 1024)

static void
touch(char *p, long from, long to)
{
	long i;

	for (i = from; i < to; i += 4096)
		p[i] = 1;
}

int
main(int argc, char **argv)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	long start, rate, cap, at;
	FILE *f;
	char *p;

	if (argc != 5)
		errx(2, "usage: triage-memgrow PROCS START_MB RATE_MB CAP_MB");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	start = atol(argv[2]) * MB;
	rate = atol(argv[3]) * MB / 10;	/* per tenth of a second */
	cap = atol(argv[4]) * MB;
	if ((f = fopen(argv[1], "w")) == NULL || fprintf(f, "%d\n",
	    (int)getpid()) < 0 || fclose(f) != 0)
		err(1, "%s", argv[1]);
	p = mmap(NULL, (size_t)cap, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		err(1, "mmap");
	touch(p, 0, start);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (at = start; at < cap; at += rate) {
		nanosleep(&ts, NULL);
		touch(p, at, at + rate < cap ? at + rate : cap);
	}
	for (;;)
		pause();
}
