/* tests/helpers/fdleak-leak.c - open sockets at a known rate: "leak" keeps
 * each one (in CLOSE_WAIT), "churn" closes each one right away. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct timespec next;
	long rate, step;
	int lis, c, s, leak;

	if (argc < 3 || (rate = strtol(argv[1], NULL, 10)) <= 0)
		return 2;
	leak = strcmp(argv[2], "leak") == 0;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lis = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(lis, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(lis, 64) < 0 ||
	    getsockname(lis, (struct sockaddr *)&a, &len) < 0)
		return 2;
	printf("ready %d port=%d\n", (int)getpid(), ntohs(a.sin_port));
	fflush(stdout);
	step = 1000000000L / rate;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		next.tv_nsec += step;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		if ((c = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			continue;
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    (s = accept(lis, NULL, NULL)) < 0) {
			close(c);
			continue;
		}
		close(s);	/* the server side hangs up */
		if (!leak)
			close(c);	/* a correct client closes too */
	}
}
