/* demo/misbehave.c - a small service that misbehaves the way real ones do.
 *
 * It leaks a socket and a log-file fd every 200 ms (the sockets end in
 * CLOSE_WAIT), leaves a zombie every 500 ms (it never waits), keeps two
 * threads ping-ponging over a pipe (context switches), one thread
 * spinning, and three worker children sleeping.  It prints "ready <pid>"
 * when the state exists and dies with its parent.  It stops by itself
 * after 10 minutes, or when it has leaked 2,000 fds.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int ping[2], pong[2];

static void *
pinger(void *arg)
{
	char c = 0;

	prctl(PR_SET_NAME, "ping");
	for (;;) {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			return NULL;
		usleep(100);
	}
}

static void *
ponger(void *arg)
{
	char c;

	prctl(PR_SET_NAME, "pong");
	while (read(ping[0], &c, 1) == 1)
		if (write(pong[1], &c, 1) != 1)
			break;
	return NULL;
}

static void *
spinner(void *arg)
{
	volatile unsigned long n = 0;

	prctl(PR_SET_NAME, "spin");
	for (;;) {
		n++;
		if ((n & 0xfffff) == 0)
			usleep(20000);	/* mostly busy, not a full core */
	}
	return NULL;
}

/* A loopback listener and a connection its peer closes: CLOSE_WAIT. */
static int
listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)a, sizeof(*a)) < 0 ||
	    listen(s, 128) < 0 || getsockname(s, (struct sockaddr *)a, &len) < 0)
		exit(1);
	return s;
}

static void
leak_socket(int lsock, const struct sockaddr_in *a)
{
	int c = socket(AF_INET, SOCK_STREAM, 0), s;

	if (c < 0 || connect(c, (const struct sockaddr *)a, sizeof(*a)) < 0)
		return;
	if ((s = accept(lsock, NULL, NULL)) >= 0)
		close(s);	/* the peer closes; c stays in CLOSE_WAIT */
}

static void
spawn_worker(void)
{
	if (fork() == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "worker");
		for (;;)
			pause();
	}
}

int
main(void)
{
	struct sockaddr_in addr;
	pthread_t t;
	int lsock, i;
	time_t end = time(NULL) + 600;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (pipe(ping) < 0 || pipe(pong) < 0)
		return 1;
	lsock = listener(&addr);
	for (i = 0; i < 3; i++)
		spawn_worker();
	pthread_create(&t, NULL, pinger, NULL);
	pthread_create(&t, NULL, ponger, NULL);
	pthread_create(&t, NULL, spinner, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (i = 0; time(NULL) < end && i < 1000; i++) {
		leak_socket(lsock, &addr);
		open("/proc/self/status", O_RDONLY);	/* a leaked file fd */
		if (i % 3 == 0 && fork() == 0)
			_exit(i % 5);		/* a zombie: never waited */
		usleep(200000);
	}
	return 0;
}
