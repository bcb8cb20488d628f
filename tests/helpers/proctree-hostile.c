/* tests/helpers/proctree-hostile.c - processes with names and arguments
 * that try to reach the terminal raw. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/*
 * Under this process ("pt-hostile"), each reporting on a pipe when named:
 *   "\033]52;c;aGk=\a" (OSC 52, a clipboard write), "nl\nname",
 *   "\377\376bad" (not UTF-8), "rtl\342\200\256evil" (U+202E), ") (";
 *   "pt-args", re-executed with the arguments "a\nb", a 128 KiB one
 *   ("x" repeated) and "\033[2J".
 */

#define BIG	(128 * 1024 - 1)	/* with its NUL, MAX_ARG_STRLEN */

static int report_fd;

static void
named(const char *name)
{
	pid_t parent = getpid();

	if (fork() != 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	prctl(PR_SET_NAME, name);
	if (write(report_fd, "x", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static void
args_child(const char *self)
{
	pid_t parent = getpid();
	char *big, fd[16];

	if (fork() != 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	if ((big = malloc(BIG + 1)) == NULL)
		_exit(1);
	memset(big, 'x', BIG);
	big[BIG] = '\0';
	snprintf(fd, sizeof(fd), "%d", report_fd);
	execl(self, "pt-args", fd, "a\nb", big, "\033[2J", (char *)NULL);
	_exit(1);
}

int
main(int argc, char **argv)
{
	static const char *names[] = {
		"\033]52;c;aGk=\a", "nl\nname", "\377\376bad",
		"rtl\342\200\256evil", ") (",
	};
	int fds[2];
	size_t i;
	char c;

	if (argc > 1) {		/* pt-args: say so, then wait */
		prctl(PR_SET_NAME, "pt-args");
		if (write(atoi(argv[1]), "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	prctl(PR_SET_NAME, "pt-hostile");
	if (pipe(fds) < 0)
		err(1, "pipe");
	report_fd = fds[1];
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		named(names[i]);
	args_child("/proc/self/exe");
	for (i = 0; i < sizeof(names) / sizeof(names[0]) + 1; i++)
		if (read(fds[0], &c, 1) != 1)
			errx(1, "a child failed");
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
