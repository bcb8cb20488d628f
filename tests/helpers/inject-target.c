/* tests/helpers/inject-target.c - a live process that notices if a tracer's visit changed it.
 *
 * inject-target STATUSFILE [-b] [-f N] [-z N]
 *
 * Three compute threads (and the main thread with -b) run rounds of
 * arithmetic in ten registers (rax, rdi, rsi, rdx, r8, r9, r10, r12, r13,
 * r14: the ones an injected syscall uses, and some it does not) and check
 * every register and a 64 KiB buffer after each round.  Without -b the
 * main thread blocks in read() on a pipe nobody writes: that read may be
 * interrupted and restarted by a tracer, but it must never return.
 * -f N opens N fds on /dev/null at 100, 101, ... (for fdleak --close);
 * -z N has a thread keep N exited children unreaped (for zombies --reap).
 *
 * STATUSFILE is mapped shared: 8 progress counters (one per compute
 * thread, then the main thread), then a word that is non-zero when a
 * check failed (1 register, 2 memory, 3 read returned).  The helper keeps
 * running after a failure, so the test sees it in the file.  Prints
 * "ready PID" once the state exists.  Dies with its parent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define NCOMPUTE	3
#define BUFSZ		(64 * 1024)

struct status {
	uint64_t	 progress[8];
	uint64_t	 bad;
};

static struct status *st;
static int nzombies;

static void
fail(uint64_t why)
{
	__atomic_store_n(&st->bad, why, __ATOMIC_SEQ_CST);
}

/* One round: 0 when every register came out as it went in. */
static uint64_t
reg_round(const uint64_t v[10])
{
	uint64_t out;

	__asm__ volatile(
	    "mov 0(%[v]), %%rax\n\t"
	    "mov 8(%[v]), %%rdi\n\t"
	    "mov 16(%[v]), %%rsi\n\t"
	    "mov 24(%[v]), %%rdx\n\t"
	    "mov 32(%[v]), %%r8\n\t"
	    "mov 40(%[v]), %%r9\n\t"
	    "mov 48(%[v]), %%r10\n\t"
	    "mov 56(%[v]), %%r12\n\t"
	    "mov 64(%[v]), %%r13\n\t"
	    "mov 72(%[v]), %%r14\n\t"
	    "mov $20000, %%ecx\n"
	    "1:\n\t"
	    "add $3, %%r13\n\t"
	    "rol $7, %%r12\n\t"
	    "sub $3, %%r13\n\t"
	    "ror $7, %%r12\n\t"
	    "xor %%rdi, %%rsi\n\t"
	    "xor %%rdi, %%rsi\n\t"
	    "dec %%ecx\n\t"
	    "jnz 1b\n\t"
	    "xor 0(%[v]), %%rax\n\t"
	    "xor 8(%[v]), %%rdi\n\t"
	    "xor 16(%[v]), %%rsi\n\t"
	    "xor 24(%[v]), %%rdx\n\t"
	    "xor 32(%[v]), %%r8\n\t"
	    "xor 40(%[v]), %%r9\n\t"
	    "xor 48(%[v]), %%r10\n\t"
	    "xor 56(%[v]), %%r12\n\t"
	    "xor 64(%[v]), %%r13\n\t"
	    "xor 72(%[v]), %%r14\n\t"
	    "or %%rdi, %%rax\n\t"
	    "or %%rsi, %%rax\n\t"
	    "or %%rdx, %%rax\n\t"
	    "or %%r8, %%rax\n\t"
	    "or %%r9, %%rax\n\t"
	    "or %%r10, %%rax\n\t"
	    "or %%r12, %%rax\n\t"
	    "or %%r13, %%rax\n\t"
	    "or %%r14, %%rax\n\t"
	    "mov %%rax, %[out]\n\t"
	    : [out] "=m" (out)
	    : [v] "r" (v)
	    : "rax", "rdi", "rsi", "rdx", "r8", "r9", "r10", "r12", "r13",
	      "r14", "rcx", "cc", "memory");
	return out;
}

static uint64_t
checksum(const unsigned char *b)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < BUFSZ; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

/* Rounds until the process ends; slot is this thread's counter. */
static void
compute(int slot)
{
	unsigned char *buf = malloc(BUFSZ);
	uint64_t v[10], sum, n = 0;

	if (buf == NULL)
		abort();
	for (size_t i = 0; i < BUFSZ; i++)
		buf[i] = (unsigned char)(i * 7 + slot);
	sum = checksum(buf);
	for (int i = 0; i < 10; i++)
		v[i] = 0x0123456789abcdefULL * (uint64_t)(i + 1 + slot * 16);
	for (;;) {
		if (reg_round(v) != 0)
			fail(1);
		if ((++n & 15) == 0 && checksum(buf) != sum)
			fail(2);
		__atomic_store_n(&st->progress[slot], n, __ATOMIC_RELAXED);
	}
}

static void *
compute_thread(void *arg)
{
	compute((int)(intptr_t)arg);
	return NULL;
}

/* Children of every thread of this process, from task/TID/children. */
static int
count_children(void)
{
	char path[320], buf[4096];
	struct dirent *d;
	int n = 0, fd;
	ssize_t r;
	DIR *dir;

	if ((dir = opendir("/proc/self/task")) == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children",
		    d->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		while ((r = read(fd, buf, sizeof(buf))) > 0)
			for (ssize_t i = 0; i < r; i++)
				n += buf[i] == ' ';
		close(fd);
	}
	closedir(dir);
	return n;
}

/* Keep nzombies exited children around; never wait for them. */
static void *
zombie_thread(void *arg)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	pid_t c;

	for (;;) {
		if (count_children() < nzombies) {
			if ((c = fork()) == 0)
				_exit(7);
			(void)c;
		}
		nanosleep(&ts, NULL);
	}
	return arg;
}

int
main(int argc, char **argv)
{
	int busy = 0, nfds = 0, fd, opt, p[2];
	pthread_t t;
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (argc < 2) {
		fprintf(stderr, "usage: inject-target STATUSFILE [-b] [-f N] "
		    "[-z N]\n");
		return 2;
	}
	optind = 2;
	while ((opt = getopt(argc, argv, "bf:z:")) != -1) {
		switch (opt) {
		case 'b':
			busy = 1;
			break;
		case 'f':
			nfds = atoi(optarg);
			break;
		case 'z':
			nzombies = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if ((fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    ftruncate(fd, 4096) < 0)
		return perror(argv[1]), 2;
	st = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (st == MAP_FAILED)
		return perror("mmap"), 2;
	close(fd);
	for (int i = 0; i < nfds; i++) {
		if ((fd = open("/dev/null", O_RDONLY)) < 0 ||
		    dup2(fd, 100 + i) < 0)
			return perror("dup2"), 2;
		close(fd);
	}
	for (int i = 0; i < NCOMPUTE; i++)
		if (pthread_create(&t, NULL, compute_thread,
		    (void *)(intptr_t)i) != 0)
			return 2;
	if (nzombies > 0) {
		if (pthread_create(&t, NULL, zombie_thread, NULL) != 0)
			return 2;
		while (count_children() < nzombies)
			usleep(1000);
	}
	if (pipe(p) < 0)
		return 2;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (busy)
		compute(NCOMPUTE);
	/* Nobody writes to p[1]: a return of any kind is a bug of ours. */
	for (;;) {
		ssize_t r = read(p[0], &c, 1);

		if (r >= 0 || errno != EINTR)
			fail(3);
	}
}
