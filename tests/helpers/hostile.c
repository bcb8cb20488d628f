/* tests/helpers/hostile.c - a process tree whose every name is an attack on the terminal.
 *
 * hostile DIR
 *
 * Re-executes itself with a 128 KiB command line full of escapes, names
 * itself with an OSC 52 clipboard write, and starts children named with
 * a colour escape, ") (", bytes that are not UTF-8, a right-to-left
 * override and a newline; one child is left a zombie.  A thread is named
 * with the clear-screen escape.  In DIR it opens, maps and keeps a file
 * whose name holds ESC, BEL, a newline and 0xff, and binds a unix socket
 * with such a name.  Prints "ready PID" when all of it exists; dies with
 * its parent, and its children with it.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const child_names[] = {
	"\033[31mred", ") (", "\xff\xfe" "bad", "\xe2\x80\xae" "rtl", "a\nb",
};

static pthread_barrier_t named;

static void *
thread(void *arg)
{
	prctl(PR_SET_NAME, "\033[2Jclear");
	pthread_barrier_wait(&named);
	pause();
	return arg;
}

/* A child with a hostile name that waits to be killed. */
static pid_t
child(const char *name, int zombie)
{
	pid_t c = fork();

	if (c == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, name);
		if (zombie)
			_exit(3);
		pause();
		_exit(0);
	}
	return c;
}

static void
files(const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[512];
	void *m;
	int fd, s;

	snprintf(path, sizeof(path), "%s/f\033]0;t\a\n\xff", dir);
	if ((fd = open(path, O_RDWR | O_CREAT, 0600)) < 0 ||
	    ftruncate(fd, 4096) < 0)
		exit(2);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		exit(2);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s\033[5m", dir);
	unlink(sa.sun_path);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
		exit(2);
}

int
main(int argc, char **argv)
{
	static char big[128 * 1024];
	pthread_t t;
	siginfo_t si;
	size_t i;
	pid_t c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (argc == 2) {
		/* the 128 KiB argument: escapes and text, over and over */
		for (i = 0; i + 16 < sizeof(big); i += 16)
			memcpy(big + i, "\033]0;x\a\n\xff\xe2\x80\xae" "abcd", 16);
		execl("/proc/self/exe", argv[0], argv[1], big, (char *)NULL);
		return 2;
	}
	if (argc != 3)
		return 2;
	prctl(PR_SET_NAME, "\033]52;c;aGk=\a");
	files(argv[1]);
	for (i = 0; i < sizeof(child_names) / sizeof(child_names[0]); i++)
		if ((c = child(child_names[i], i == 1)) > 0 && i == 1)
			/* until it is a zombie: WNOWAIT leaves it unreaped */
			waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT);
	pthread_barrier_init(&named, NULL, 2);
	if (pthread_create(&t, NULL, thread, NULL) != 0)
		return 2;
	pthread_barrier_wait(&named);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
