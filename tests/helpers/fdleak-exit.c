/* tests/helpers/fdleak-exit.c - leave fds open at exit for run mode:
 * prints "leaked FD..." and exits 3.  With "fork", a child leaks one too
 * and prints "child PID leaked FD". */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int a, b, p[2], tmp;
	pid_t pid;

	a = open("/dev/null", O_RDONLY);
	tmp = open("/dev/zero", O_RDONLY);
	if (a < 0 || tmp < 0 || pipe(p) < 0)
		return 2;
	close(tmp);		/* opened and closed: not a leak */
	close(p[1]);
	b = open("/dev/null", O_WRONLY | O_CLOEXEC);
	printf("leaked %d %d %d\n", a, p[0], b);
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "fork") == 0) {
		if ((pid = fork()) == 0) {
			int c = open("/dev/zero", O_RDONLY);

			printf("child %d leaked %d\n", (int)getpid(), c);
			fflush(stdout);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	return 3;
}
