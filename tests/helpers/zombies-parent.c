/* tests/helpers/zombies-parent.c - a parent that leaves zombies with known statuses.
 *
 * zombies-parent [-m default|handler|blocked|ignored] [-z N] [-g MS]
 *                [-c FIFO] [-l N] [-N NAME] [-s] [-x] [-R] [-C]
 *
 * -z N children die at once: i % 4 == 0 exits 3, 1 is killed by SIGTERM,
 * 2 exits 42, 3 is killed by SIGKILL.  -g MS makes one more zombie (exit 5)
 * every MS ms; -l N more stay alive.  Prints "ready PID CHILD..." (PID as the host sees it) when
 * the first N are zombies (or, with -m ignored, reaped by the kernel).
 * Then it works: rounds of register-heavy arithmetic checked against a
 * table made at start, and a buffer whose checksum must not change.  On
 * FIFO it answers "ping" with "pong", "check" with "check ROUNDS
 * MISMATCHES ANOMALIES MEMOK", "wait" with the result of
 * waitpid(-1, WNOHANG).  -s spins (no blocking poll), -x exits on
 * SIGCHLD, -R runs under a subreaper that reaps what it adopts, -C has
 * child i die on the i-th CPU (modulo the CPUs it may use).  SIGTERM
 * reaps every child and exits, so a test never leaves zombies to init.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef ZOMBIES_GO_BUILDINFO
/* What the Go linker leaves in every binary; lib/exe.c looks for it. */
__attribute__((section(".go.buildinfo"), used))
static const char go_buildinfo[32] = "\xff Go buildinf:\x08\x02";
#endif

#define ROUND_ITERS	20000
#define NREF		64
#define MEMSIZE		(1 << 20)

static uint64_t ref[NREF];
static unsigned char *mem;
static uint64_t memsum0;
static unsigned long rounds, mismatches, anomalies;

static pid_t *live;
static int nlive;

/* Kill the live children and reap everything, so init inherits nothing. */
static void
on_term(int sig)
{
	int i;

	for (i = 0; i < nlive; i++)
		kill(live[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	_exit(0);
}

/* -l N: children that stay alive (for a big process table). */
static void
live_children(int n)
{
	sigset_t set, old;
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	if ((live = calloc((size_t)n + 1, sizeof(*live))) == NULL)
		exit(2);
	for (; nlive < n; nlive++) {
		if ((pid = fork()) == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			signal(SIGTERM, SIG_DFL);
			prctl(PR_SET_NAME, "live-child");
			for (;;)
				pause();
		}
		if (pid < 0)
			break;
		live[nlive] = pid;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void
on_chld_count(int sig)
{
}

static void
on_chld_exit(int sig)
{
	_exit(0);
}

__attribute__((noinline)) static uint64_t
round_fn(uint64_t seed)
{
	uint64_t a = seed, b = ~seed;
	int i;

	for (i = 0; i < ROUND_ITERS; i++) {
		a = a * 6364136223846793005ULL + 1442695040888963407ULL;
		b ^= a >> 29;
		b = ((b << 7) | (b >> 57)) + a;
	}
	return a ^ b;
}

static uint64_t
memsum(void)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < MEMSIZE; i++)
		h = (h ^ mem[i]) * 1099511628211ULL;
	return h;
}

static pid_t
host_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return getpid();
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

static bool spread;	/* -C: child i dies on CPU i modulo the CPUs */

static pid_t
child(int i)
{
	pid_t pid = fork();
	cpu_set_t all, one;
	int c, k = 0;

	if (pid != 0)
		return pid;
	prctl(PR_SET_NAME, "zombie-child");
	if (spread && sched_getaffinity(0, sizeof(all), &all) == 0) {
		k = i % CPU_COUNT(&all);
		for (c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &all) && k-- == 0)
				break;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	switch (i % 4) {
	case 0: _exit(3);
	case 1: signal(SIGTERM, SIG_DFL); raise(SIGTERM); break;
	case 2: _exit(42);
	case 3: raise(SIGKILL); break;
	}
	_exit(5);
}

/* Block until child pid has died, without reaping it. */
static void
await_death(pid_t pid)
{
	siginfo_t si;

	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 &&
	    errno == EINTR)
		;
}

static void
answer(const char *cmd)
{
	pid_t r;

	if (strncmp(cmd, "ping", 4) == 0) {
		printf("pong\n");
	} else if (strncmp(cmd, "check", 5) == 0) {
		printf("check %lu %lu %lu %d\n", rounds, mismatches, anomalies,
		    memsum() == memsum0);
	} else if (strncmp(cmd, "wait", 4) == 0) {
		r = waitpid(-1, NULL, WNOHANG);
		if (r < 0)
			printf("wait %s\n", errno == ECHILD ? "ECHILD" :
			    strerror(errno));
		else
			printf("wait %d\n", (int)r);
	}
	fflush(stdout);
}

static void
serve(int fd, bool spin, long grow_ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct timespec now, next;
	char buf[256];
	ssize_t n;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		if (grow_ms > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > next.tv_sec || (now.tv_sec ==
			    next.tv_sec && now.tv_nsec >= next.tv_nsec)) {
				child(-1);
				next.tv_nsec += grow_ms * 1000000;
				next.tv_sec += next.tv_nsec / 1000000000;
				next.tv_nsec %= 1000000000;
			}
		}
		if (round_fn(rounds % NREF) != ref[rounds % NREF])
			mismatches++;
		rounds++;
		/* asleep for good unless spinning or making zombies, so that
		 * a test reading its state sees S, never a timer wake-up */
		r = poll(&pfd, fd >= 0 ? 1 : 0, spin ? 0 : grow_ms > 0 ? 2 : -1);
		if (r < 0 && errno != EINTR)
			anomalies++;
		if (r > 1)
			anomalies++;
		if (r == 1 && (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			answer(buf);
		}
	}
}

static void
set_mode(const char *mode, bool exit_on_chld)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_RESTART;
	if (exit_on_chld) {
		sa.sa_handler = on_chld_exit;
		sigaction(SIGCHLD, &sa, NULL);
	} else if (strcmp(mode, "handler") == 0) {
		sa.sa_handler = on_chld_count;
		sigaction(SIGCHLD, &sa, NULL);
	} else if (strcmp(mode, "blocked") == 0) {
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
	} else if (strcmp(mode, "ignored") == 0) {
		signal(SIGCHLD, SIG_IGN);
	}
}

/* -R: stay behind as a subreaper, reap everything, exit with the last. */
static void
subreaper(void)
{
	pid_t pid;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if ((pid = fork()) <= 0)
		return;
	signal(SIGTERM, SIG_IGN);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	_exit(0);
}

int
main(int argc, char **argv)
{
	const char *mode = "default", *fifo = NULL, *name = NULL;
	pid_t kids[256];
	long grow_ms = 0;
	int n = 0, nl = 0, i, c, fd = -1;
	bool spin = false, xit = false;

	while ((c = getopt(argc, argv, "Cc:g:l:m:N:Rsxz:")) != -1) {
		switch (c) {
		case 'C': spread = true; break;
		case 'c': fifo = optarg; break;
		case 'g': grow_ms = atol(optarg); break;
		case 'l': nl = atoi(optarg); break;
		case 'm': mode = optarg; break;
		case 'N': name = optarg; break;
		case 'R': subreaper(); break;
		case 's': spin = true; break;
		case 'x': xit = true; break;
		case 'z': n = atoi(optarg); break;
		default: return 2;
		}
	}
	if (n > 256)
		n = 256;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGTERM, on_term);
	if (name)
		prctl(PR_SET_NAME, name);
	for (i = 0; i < NREF; i++)
		ref[i] = round_fn((uint64_t)i);
	if ((mem = malloc(MEMSIZE)) == NULL)
		return 2;
	for (i = 0; i < MEMSIZE; i++)
		mem[i] = (unsigned char)(i * 131 + 7);
	memsum0 = memsum();
	if (fifo && (fd = open(fifo, O_RDWR | O_CLOEXEC)) < 0)
		return 2;
	live_children(nl);
	set_mode(mode, false);
	for (i = 0; i < n; i++)
		kids[i] = child(i);
	for (i = 0; i < n; i++)
		await_death(kids[i]);
	/* Only now: the deaths above must not end it. */
	if (xit)
		set_mode(mode, true);
	printf("ready %d", (int)host_pid());
	for (i = 0; i < n; i++)
		printf(" %d", (int)kids[i]);
	printf("\n");
	fflush(stdout);
	serve(fd, spin, grow_ms);
	return 0;
}
