/* tests/helpers/proctree-many.c - N sleeping processes, flat or as a tree. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define FANOUT	4

static int report_fd;

/* Start a process that spawns a subtree of n processes in all (itself too). */
static void
subtree(long n, int tree)
{
	pid_t parent = getpid(), pid;
	long rest, share, i;

	if ((pid = fork()) < 0)
		err(1, "fork");
	if (pid > 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	rest = n - 1;
	for (i = 0; tree && rest > 0 && i < FANOUT; i++) {
		share = (rest + FANOUT - 1 - i) / (FANOUT - i);
		subtree(share, tree);
		rest -= share;
	}
	if (write(report_fd, "x", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	long n, i, got = 0;
	int fds[2], tree;
	char buf[512];
	ssize_t r;

	if (argc != 3 || (n = strtol(argv[1], NULL, 10)) <= 0)
		errx(2, "usage: proctree-many N flat|tree");
	tree = strcmp(argv[2], "tree") == 0;
	if (pipe(fds) < 0)
		err(1, "pipe");
	report_fd = fds[1];
	if (tree)
		subtree(n, 1);
	else
		for (i = 0; i < n; i++)
			subtree(1, 0);
	while (got < n && (r = read(fds[0], buf, sizeof(buf))) > 0)
		got += r;
	printf("ready %d %ld\n", (int)getpid(), got);
	fflush(stdout);
	for (;;)
		pause();
}
