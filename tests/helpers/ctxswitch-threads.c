/* tests/helpers/ctxswitch-threads.c - threads whose switches are known. */
/*
 * sleeper: 1 ms nanosleeps (voluntary); spin1, spin2: spinners pinned to
 * CPU 0 (involuntary); holder keeps a mutex locked most of the time so
 * locker waits in futex (voluntary, lock contention); a thread named with
 * a terminal escape sleeps 50 ms at a time.
 *
 * usage: ctxswitch-threads [SECONDS]
 * Prints "ready PID sleeper=TID spin1=TID spin2=TID locker=TID
 * holder=TID evil=TID".  With SECONDS, it runs that long, parks every
 * thread (blocked, no more switches), waits 1.5 s, prints "rusage VOL
 * INVOL" from getrusage(RUSAGE_SELF) and exits.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_bool stop;
static atomic_int parked;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t park_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t park_cond = PTHREAD_COND_INITIALIZER;
static pid_t tids[6];
static atomic_int started;

enum { SLEEPER, SPIN1, SPIN2, LOCKER, HOLDER, EVIL };
static const char *const names[] = { "sleeper", "spin1", "spin2", "locker",
    "holder", "\033]0;pwned\a" };

static void
nap(long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	nanosleep(&ts, NULL);
}

/* Block for good: the thread stays, its counters stop moving. */
static void
park(void)
{
	pthread_mutex_lock(&park_lock);
	parked++;
	for (;;)
		pthread_cond_wait(&park_cond, &park_lock);
}

static void
pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *
run(void *arg)
{
	int role = (int)(long)arg;
	volatile unsigned long n = 0;

	prctl(PR_SET_NAME, names[role]);
	tids[role] = (pid_t)syscall(SYS_gettid);
	if (role == SPIN1 || role == SPIN2)
		pin_cpu0();
	started++;
	while (!stop) {
		switch (role) {
		case SLEEPER:
			nap(1000000);
			break;
		case SPIN1:
		case SPIN2:
			n++;
			break;
		case LOCKER:
			pthread_mutex_lock(&lock);
			pthread_mutex_unlock(&lock);
			break;
		case HOLDER:
			pthread_mutex_lock(&lock);
			nap(5000000);
			pthread_mutex_unlock(&lock);
			break;
		default:
			nap(50000000);
		}
	}
	park();
	return NULL;
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 0;
	struct rusage ru;
	pthread_t t;
	long i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < 6; i++)
		pthread_create(&t, NULL, run, (void *)i);
	while (started < 6)
		nap(1000000);
	printf("ready %d sleeper=%d spin1=%d spin2=%d locker=%d holder=%d"
	    " evil=%d\n", (int)getpid(), tids[SLEEPER], tids[SPIN1],
	    tids[SPIN2], tids[LOCKER], tids[HOLDER], tids[EVIL]);
	fflush(stdout);
	if (secs <= 0)
		for (;;)
			pause();
	nap((long)(secs * 1e9));
	stop = true;
	while (parked < 6)
		nap(1000000);
	nap(1500000000);	/* time for a last sample of the quiet state */
	getrusage(RUSAGE_SELF, &ru);
	printf("rusage %ld %ld\n", ru.ru_nvcsw, ru.ru_nivcsw);
	fflush(stdout);
	return 0;
}
