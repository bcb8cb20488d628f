/* tests/helpers/zombies-leader.c - a main thread that called pthread_exit.
 *
 * The leader exits while a second thread keeps running, so /proc shows
 * the process in state Z (ps: "Zl") although it is alive.  Prints
 * "ready PID" once the leader is in Z, then the thread blocks.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static char
leader_state(void)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
	if ((f = fopen(path, "re")) == NULL)
		return '?';
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL)
		return '?';
	return p[2];
}

static void *
worker(void *arg)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	prctl(PR_SET_PDEATHSIG, SIGKILL);

	while (leader_state() != 'Z')
		nanosleep(&ts, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
	return NULL;
}

int
main(void)
{
	pthread_t t;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "zleader");
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 2;
	pthread_exit(NULL);
}
