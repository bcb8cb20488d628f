/* tests/helpers/ctxswitch-sleeps.c - a program with a known switch count. */
/*
 * usage: ctxswitch-sleeps N
 * Two threads and one child process each do N sleeps of 200 us, so the
 * program makes about 3 * N voluntary switches, children included.
 * Prints "ready PID" first, like every helper, and exits 0 when done.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long n;

static void *
sleeps(void *arg)
{
	struct timespec ts = { 0, 200000 };
	long i;

	for (i = 0; i < n; i++)
		nanosleep(&ts, NULL);
	return arg;
}

int
main(int argc, char **argv)
{
	pthread_t t;
	pid_t child;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if ((child = fork()) == 0) {
		sleeps(NULL);
		_exit(0);
	}
	pthread_create(&t, NULL, sleeps, NULL);
	sleeps(NULL);
	pthread_join(t, NULL);
	waitpid(child, NULL, 0);
	return 3;
}
