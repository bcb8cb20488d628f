/* tests/helpers/ctxswitch-idle.c - threads that never switch once ready. */
/*
 * usage: ctxswitch-idle N - N threads named "idle K" (a space in the
 * name, for --raw), each blocked in read(2) on a pipe nobody writes, and
 * the main thread blocked the same way.  Their switch counts stop moving
 * once "ready PID TID..." is printed, so a test can compare them exactly
 * with /proc/PID/task/TID/status.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int pipefd[2];
static atomic_int started;
static pid_t tids[64];

static void *
idler(void *arg)
{
	long k = (long)arg;
	char name[16], c;

	snprintf(name, sizeof(name), "idle %ld", k);
	prctl(PR_SET_NAME, name);
	tids[k] = (pid_t)syscall(SYS_gettid);
	started++;
	for (;;)
		if (read(pipefd[0], &c, 1) == 0)
			pause();
	return NULL;
}

/* Whether thread tid is blocked in read(2) now. */
static int
in_read(pid_t tid)
{
	char path[64], buf[64];
	FILE *f;
	long nr = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) == NULL || sscanf(buf, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	return nr == SYS_read;
}

int
main(int argc, char **argv)
{
	long i, n = argc > 1 ? strtol(argv[1], NULL, 10) : 3;
	struct timespec ts = { 0, 1000000 };
	pthread_t t;
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (n < 1 || n > 64 || pipe(pipefd) < 0)
		return 2;
	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, idler, (void *)i) != 0)
			return 1;
	while (started < n)
		nanosleep(&ts, NULL);
	/* ready once every thread is blocked in read(): its syscall file */
	for (i = 0; i < n; i++)
		while (!in_read(tids[i]))
			nanosleep(&ts, NULL);
	printf("ready %d", (int)getpid());
	for (i = 0; i < n; i++)
		printf(" %d", (int)tids[i]);
	printf("\n");
	fflush(stdout);
	for (;;)
		if (read(pipefd[0], &c, 1) == 0)
			pause();
}
