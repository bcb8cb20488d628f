/* tests/helpers/proctree-ns.c - a process that is pid 1 of a new PID namespace. */
#include <err.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int
main(void)
{
	int fds[2];
	pid_t pid;
	char c;

	prctl(PR_SET_NAME, "pt-nshost");
	if (pipe(fds) < 0)
		err(1, "pipe");
	if (unshare(CLONE_NEWPID) < 0)
		err(1, "unshare");
	if ((pid = fork()) < 0)
		err(1, "fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "pt-nsinit");
		/* getpid() is 1 here: the first process of the namespace. */
		c = getpid() == 1 ? '1' : 'x';
		if (write(fds[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(fds[0], &c, 1) != 1 || c != '1')
		errx(1, "the child is not pid 1 of its namespace");
	printf("ready %d child=%d\n", (int)getpid(), (int)pid);
	fflush(stdout);
	for (;;)
		pause();
}
