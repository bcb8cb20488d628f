/* tests/helpers/churn.c - processes and threads that come and go, about 1,000 a second.
 *
 * churn [-r RATE] [-t] [-d SECONDS]
 *
 * Forks RATE short-lived children a second (default 1000), each of which
 * names itself "c" and its own pid, maybe starts a thread (-t: every other child does), and
 * exits at once; the parent reaps them as they go, so the process table
 * keeps changing under whatever reads it.  A few children live 1-20 ms,
 * so a reader also meets processes that exit while it reads them, and
 * threads that exit while their siblings run.  Prints "ready PID" once
 * the churn runs; stops after SECONDS (default: never) and dies with its
 * parent.  It never has more than 64 children at once.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXKIDS	64

static void *
briefly(void *arg)
{
	struct timespec ts = { 0, 200 * 1000 };

	prctl(PR_SET_NAME, "churn-thread");
	nanosleep(&ts, NULL);
	return arg;
}

/* One child: a name, maybe a thread, maybe a few ms of life, then exit. */
static void
child(unsigned long n, int threads)
{
	struct timespec ts = { 0, (long)(n % 20 + 1) * 1000 * 1000 };
	char name[16];
	pthread_t t;

	/* named by its own pid, so a reader that mixes two processes that
	 * shared a pid shows a name that does not match */
	snprintf(name, sizeof(name), "c%d", (int)getpid());
	prctl(PR_SET_NAME, name);
	if (threads && n % 2 == 0 && pthread_create(&t, NULL, briefly, NULL) == 0)
		pthread_join(t, NULL);
	if (n % 16 == 0)
		nanosleep(&ts, NULL);
	_exit(0);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	double rate = 1000, secs = 0, start, next;
	int threads = 0, kids = 0, opt;
	unsigned long n = 0;
	pid_t c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while ((opt = getopt(argc, argv, "d:r:t")) != -1) {
		switch (opt) {
		case 'd': secs = atof(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 't': threads = 1; break;
		default:
			fprintf(stderr, "usage: churn [-r RATE] [-t] [-d SECONDS]\n");
			return 2;
		}
	}
	if (rate <= 0)
		return 2;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	start = next = now();
	while (secs <= 0 || now() - start < secs) {
		while (kids > 0 && waitpid(-1, NULL, WNOHANG) > 0)
			kids--;
		if (kids >= MAXKIDS) {
			if (waitpid(-1, NULL, 0) > 0)
				kids--;
			continue;
		}
		if ((c = fork()) == 0)
			child(n, threads);
		if (c > 0)
			kids++;
		n++;
		next += 1.0 / rate;
		if (next > now()) {
			double d = next - now();
			struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };

			nanosleep(&ts, NULL);
		}
	}
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return 0;
}
