/* tests/helpers/proctree-tree.c - a known process tree for proctree's tests. */
#include <err.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The tree, under this process ("pt-root"):
 *   a chain of 6 "pt-chain" processes, each the parent of the next;
 *   40 identical "pt-fan" children;
 *   "pt a b", "pt(x) (y)" and "\033[31mpt-red": names that need care;
 *   "pt-threads" with two threads "pt-tw-a" and two "pt-tw-b";
 *   "pt-zombie", exited with status 7 and never reaped;
 *   "pt-stopped", stopped by SIGSTOP;
 *   "pt-vfork", in state D while its vfork child "pt-vchild" waits;
 *   "pt-nobody", running as uid 65534;
 *   "pt-mixed", with two threads and the children "zz-kid" and "~kid":
 *   pstree sorts its threads as "{pt-mixed}", between the two.
 * Every child reports on a pipe when its state is in place, so the ready
 * line is printed only when the whole tree exists.
 */

#define NFAN	40
#define NCHAIN	6

struct msg {
	char	 tag;
	pid_t	 pid;
};

static int report_fd;

static void
report(char tag)
{
	struct msg m = { .tag = tag, .pid = getpid() };

	if (write(report_fd, &m, sizeof(m)) != sizeof(m))
		_exit(1);
}

/* Fork a child that dies with its parent and carries name. */
static pid_t
spawn(const char *name)
{
	pid_t parent = getpid(), pid;

	if ((pid = fork()) < 0)
		err(1, "fork");
	if (pid > 0)
		return pid;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	prctl(PR_SET_NAME, name);
	return 0;
}

static void __attribute__((noreturn))
block(void)
{
	for (;;)
		pause();
}

static void
chain(int depth)
{
	if (spawn("pt-chain") > 0)
		return;
	if (depth + 1 < NCHAIN)
		chain(depth + 1);
	else
		report('c');
	block();
}

static pthread_barrier_t barrier;

static void *
thread_main(void *arg)
{
	prctl(PR_SET_NAME, (const char *)arg);
	pthread_barrier_wait(&barrier);
	block();
}

static void
threads(void)
{
	static const char *names[] = { "pt-tw-a", "pt-tw-a", "pt-tw-b", "pt-tw-b" };
	pthread_t t;
	int i;

	if (spawn("pt-threads") > 0)
		return;
	pthread_barrier_init(&barrier, NULL, 5);
	for (i = 0; i < 4; i++)
		if (pthread_create(&t, NULL, thread_main, (void *)names[i]))
			_exit(1);
	pthread_barrier_wait(&barrier);
	report('t');
	block();
}

/* The vfork parent sleeps uninterruptibly (killable) until the child goes. */
static pid_t
dstate(void)
{
	pid_t pid;

	if ((pid = spawn("pt-vfork")) > 0)
		return pid;
	if ((pid = vfork()) == 0) {
		prctl(PR_SET_NAME, "pt-vchild");
		report('d');
		for (;;)
			pause();
	}
	_exit(0);
}

static void
simple(const char *name, char tag)
{
	if (spawn(name) > 0)
		return;
	report(tag);
	block();
}

/* Threads and child processes under one parent. */
static void
mixed(void)
{
	pthread_t t;
	int i;

	if (spawn("pt-mixed") > 0)
		return;
	simple("~kid", 'y');
	simple("zz-kid", 'z');
	pthread_barrier_init(&barrier, NULL, 3);
	for (i = 0; i < 2; i++)
		if (pthread_create(&t, NULL, thread_main, (void *)"pt-mixed"))
			_exit(1);
	pthread_barrier_wait(&barrier);
	report('m');
	block();
}

static void
nobody(void)
{
	if (spawn("pt-nobody") > 0)
		return;
	if (setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		_exit(1);
	/* A uid change clears the death signal: set it again. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	report('n');
	block();
}

static pid_t
zombie(void)
{
	siginfo_t si;
	pid_t pid;

	if ((pid = spawn("pt-zombie")) == 0)
		_exit(7);
	/* Wait for the exit without reaping it. */
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		err(1, "waitid");
	return pid;
}

static pid_t
stopped(void)
{
	int st;
	pid_t pid;

	if ((pid = spawn("pt-stopped")) == 0) {
		raise(SIGSTOP);
		block();
	}
	if (waitpid(pid, &st, WUNTRACED) < 0 || !WIFSTOPPED(st))
		err(1, "waitpid");
	return pid;
}

/* Whether pid's state letter in /proc/PID/stat is c. */
static bool
in_state(pid_t pid, char c)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == c;
}

int
main(void)
{
	pid_t zpid, spid, vpid, pids[128] = { 0 };
	int fds[2], want, i;
	struct msg m;

	prctl(PR_SET_NAME, "pt-root");
	if (pipe(fds) < 0)
		err(1, "pipe");
	report_fd = fds[1];
	chain(0);
	for (i = 0; i < NFAN; i++)
		simple("pt-fan", 'f');
	simple("pt a b", 's');
	simple("pt(x) (y)", 'p');
	simple("\033[31mpt-red", 'r');
	threads();
	vpid = dstate();
	nobody();
	mixed();
	want = 1 + NFAN + 3 + 1 + 1 + 1 + 3;
	for (i = 0; i < want; i++) {
		if (read(fds[0], &m, sizeof(m)) != sizeof(m))
			errx(1, "a child failed");
		pids[(unsigned char)m.tag] = m.pid;
	}
	zpid = zombie();
	spid = stopped();
	/* The vfork child reports before its parent may have gone to
	 * sleep.  No bound: the test gives up on a helper that never says
	 * ready, which beats a ready that is not true. */
	while (!in_state(vpid, 'D'))
		usleep(5000);
	printf("ready %d chain=%d zombie=%d stopped=%d threads=%d vfork=%d "
	    "vchild=%d red=%d nobody=%d mixed=%d\n", (int)getpid(), (int)pids['c'],
	    (int)zpid, (int)spid, (int)pids['t'], (int)vpid,
	    (int)pids['d'], (int)pids['r'], (int)pids['n'],
	    (int)pids['m']);
	fflush(stdout);
	block();
}
