/* tests/helpers/triage-threads.c - a process with a known number of threads.
 *
 * triage-threads spin N    N threads that never block: more busy threads
 *                          than a CPU quota
 * triage-threads sleep N   N - 1 threads that sleep, so the process is N
 *                          tasks, for a pids fence
 *
 * Prints "ready PID" once the threads run.  Dies with its parent.
 */
#include <err.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static atomic_ulong spins;

static void *
spin(void *arg)
{
	(void)arg;
	for (;;)
		atomic_fetch_add_explicit(&spins, 1, memory_order_relaxed);
	return NULL;
}

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
	void *(*fn)(void *);
	pthread_t t;
	int i, n;

	if (argc != 3 || (n = atoi(argv[2])) <= 0 ||
	    (strcmp(argv[1], "spin") != 0 && strcmp(argv[1], "sleep") != 0))
		errx(2, "usage: triage-threads spin|sleep N");
	fn = strcmp(argv[1], "spin") == 0 ? spin : sleeper;
	if (fn == sleeper)
		n--;		/* the main thread is the Nth task */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, fn, NULL) != 0)
			errx(1, "pthread_create");
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
