/* tests/helpers/ctxswitch-many.c - a process with many threads that switch. */
/*
 * usage: ctxswitch-many N - N threads, each sleeping 100 ms at a time.
 * Prints "ready PID" when all are running.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static atomic_int started;

static void *
sleeper(void *arg)
{
	struct timespec ts = { 0, 100000000 };

	started++;
	for (;;)
		nanosleep(&ts, NULL);
	return arg;
}

int
main(int argc, char **argv)
{
	long i, n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	struct timespec ts = { 0, 1000000 };
	pthread_attr_t a;
	pthread_t t;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	for (i = 0; i < n; i++)
		if (pthread_create(&t, &a, sleeper, NULL) != 0)
			return 1;
	while (started < n)
		nanosleep(&ts, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
