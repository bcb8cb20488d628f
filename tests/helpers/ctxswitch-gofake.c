/* tests/helpers/ctxswitch-gofake.c - CPU-bound threads in an ELF that looks built by Go. */
/*
 * The ".go.buildinfo" section holds Go's build-info header with version
 * go1.19.8, which is all ctxswitch looks at to call a program Go.
 * usage: ctxswitch-gofake NTHREADS - that many spinning threads.
 * Prints "ready PID".
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

__attribute__((section(".go.buildinfo"), used, aligned(16)))
static const unsigned char buildinfo[48] = {
	0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':',
	8, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	8, 'g', 'o', '1', '.', '1', '9', '.', '8',
};

static void *
spin(void *arg)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
	return arg;
}

int
main(int argc, char **argv)
{
	int i, n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 4;
	pthread_t t;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < n; i++)
		pthread_create(&t, NULL, spin, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
