/* tests/helpers/fdleak-hold.c - hold about N fds for bench/fdleak.sh:
 * a quarter each of files, pipes, unix socketpairs and loopback TCP. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void
tcp_pair(int lis, const struct sockaddr_in *a)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);

	if (c < 0 || connect(c, (const struct sockaddr *)a, sizeof(*a)) < 0 ||
	    accept(lis, NULL, NULL) < 0)
		exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct rlimit rl;
	long n, i;
	int p[2], lis;

	if (argc < 2 || (n = strtol(argv[1], NULL, 10)) <= 0)
		return 2;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the soft limit may go up to the hard one without privilege */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lis = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(lis, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(lis, 4096) < 0 ||
	    getsockname(lis, (struct sockaddr *)&a, &len) < 0)
		return 2;
	for (i = 0; i < n / 4; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			return 2;
	for (i = 0; i < n / 8; i++) {
		if (pipe(p) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, p) < 0)
			return 2;
		tcp_pair(lis, &a);
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
