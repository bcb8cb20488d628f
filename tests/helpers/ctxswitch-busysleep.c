/* tests/helpers/ctxswitch-busysleep.c - a thread mostly on a CPU that
 * still switches only voluntarily.
 *
 * usage: ctxswitch-busysleep
 * Works 0.7 ms, then sleeps 0.3 ms, over and over: a sample finds it
 * running about two times in three, yet each of its switches is a sleep.
 * It runs SCHED_FIFO where it may (root), so that a loaded machine does
 * not preempt it: its switches stay voluntary whatever else runs.
 * Prints "ready PID".
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct timespec nap = { 0, 300000 };
	struct sched_param sp = { .sched_priority = 1 };
	double until;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)sched_setscheduler(0, SCHED_FIFO, &sp);	/* best effort */
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;) {
		for (until = now() + 0.0007; now() < until;)
			;
		nanosleep(&nap, NULL);
	}
}
