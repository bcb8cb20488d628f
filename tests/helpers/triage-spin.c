/* tests/helpers/triage-spin.c - N threads that spin: more busy threads than a CPU quota.
 *
 * triage-spin N
 *
 * Starts N threads that never block, then prints "ready PID".  Dies
 * with its parent.
 */
#include <err.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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

int
main(int argc, char **argv)
{
	pthread_t t;
	int i, n;

	if (argc != 2 || (n = atoi(argv[1])) <= 0)
		errx(2, "usage: triage-spin N");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, spin, NULL) != 0)
			errx(1, "pthread_create");
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
