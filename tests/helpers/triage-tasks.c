/* tests/helpers/triage-tasks.c - a process with a known number of tasks, for a pids fence.
 *
 * triage-tasks N
 *
 * Starts N - 1 threads that sleep, so the process is N tasks, then
 * prints "ready PID".  Dies with its parent.
 */
#include <err.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

static void *
sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t;
	int i, n;

	if (argc != 2 || (n = atoi(argv[1])) <= 0)
		errx(2, "usage: triage-tasks N");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 1; i < n; i++)
		if (pthread_create(&t, NULL, sleeper, NULL) != 0)
			errx(1, "pthread_create");
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
