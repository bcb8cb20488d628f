/* tests/helpers/systrace-spin.c - a multi-threaded process to attach to:
 * N threads (argv[1], default 3) each make a getppid() and a 1 ms sleep
 * in a loop and count.  Every 10 ms the main thread writes the total to
 * the file argv[2] (if given).  Prints "ready PID TID,TID,..." once every
 * thread runs.  Dies with its parent; SPIN_SIGINT in the environment
 * undoes the SIGINT a shell's background job ignores. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_long	 total;
static atomic_int	 started;
static pid_t		 tids[64];

static void *
worker(void *arg)
{
	struct timespec ms = { 0, 1000000 };
	long i = (long)arg;

	tids[i] = (pid_t)syscall(SYS_gettid);
	atomic_fetch_add(&started, 1);
	for (;;) {
		syscall(SYS_getppid);
		nanosleep(&ms, NULL);
		atomic_fetch_add(&total, 1);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct timespec tick = { 0, 10000000 };
	long n = argc > 1 ? atol(argv[1]) : 3, i;
	pthread_t t;
	char buf[32];
	FILE *f;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* a shell's background job ignores SIGINT; a terminal's does not */
	if (getenv("SPIN_SIGINT"))
		signal(SIGINT, SIG_DFL);
	if (n < 1 || n > 64)
		return 2;
	for (i = 0; i < n; i++)
		pthread_create(&t, NULL, worker, (void *)i);
	while (atomic_load(&started) < n)
		nanosleep(&tick, NULL);
	printf("ready %d %d", (int)getpid(), (int)getpid());
	for (i = 0; i < n; i++)
		printf(",%d", (int)tids[i]);
	printf("\n");
	fflush(stdout);
	for (;;) {
		nanosleep(&tick, NULL);
		if (argc > 2 && (f = fopen(argv[2], "w")) != NULL) {
			snprintf(buf, sizeof(buf), "%ld\n", atomic_load(&total));
			fputs(buf, f);
			fclose(f);
		}
	}
}
