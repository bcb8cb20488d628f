/* tests/helpers/memmap-target.c - a process whose mappings are known. */
#include <err.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Usage: memmap-target DIR [spin]
 *
 * Creates, each at an address of its own so that nothing merges:
 *   anon1  1000 KiB anonymous, 100 pages written
 *   anon2  3000 KiB anonymous, all 750 pages written
 *   file   64 KiB of DIR/"map\e[31mred\e]0;x\a" mapped shared, all read
 *   deleted 32 KiB of DIR/gone mapped private, then unlinked, all read
 *   memfd  128 KiB memfd "memmap-test" mapped shared, all written
 *   shm    64 KiB SysV segment, all written (removed when detached)
 *   grow   a region that starts at 256 KiB written and grows by 1024 KiB
 *          written each SIGUSR1 (then prints "grown KB")
 * and 8 threads that malloc (glibc gives them arenas) and block in read.
 * Prints "ready PID anon1=ADDR anon2=ADDR file=ADDR deleted=ADDR
 * memfd=ADDR shm=ADDR grow=ADDR" then one line per thread
 * "thread TID STACKLO STACKHI" and "threads done".  With "spin", a ninth
 * thread never leaves user space (so /proc has no stack pointer for it);
 * it is printed as "spinner TID STACKLO STACKHI" before "threads done".
 */

#define NTHREADS	8
#define GROW_STEP	(1024 * 1024)
#define GROW_MAX	(64 * 1024 * 1024)

static long page;
/* One page past 1 GiB alignment: no region looks like a 64 MiB malloc arena. */
static char *next_hint = (char *)0x300000001000;
static int block_pipe[2];

struct thr {
	pid_t		 tid;
	void		*lo, *hi;
};
static struct thr thr[NTHREADS], spinner;
static pthread_barrier_t barrier;

/* A fresh address 1 GiB past the last, so no two regions are adjacent. */
static void *
map_at(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(next_hint, len, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);

	if (p == MAP_FAILED)
		err(1, "mmap");
	next_hint += 1UL << 30;
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void
touch(char *p, size_t len, int write)
{
	volatile char sink;
	size_t i;

	for (i = 0; i < len; i += (size_t)page) {
		if (write)
			p[i] = 1;
		else
			sink = p[i];
	}
	(void)sink;
}

static void *
anon(size_t kb, size_t touched_kb)
{
	char *p = map_at(kb * 1024, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1);

	touch(p, touched_kb * 1024, 1);
	return p;
}

static void *
file_map(const char *dir, const char *name, size_t len, int flags, int rm)
{
	char path[4096];
	char *buf, *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0)
		err(1, "%s", path);
	if ((buf = calloc(1, len)) == NULL || write(fd, buf, len) != (ssize_t)len)
		err(1, "write");
	free(buf);
	p = map_at(len, PROT_READ, flags, fd);
	touch(p, len, 0);
	if (rm)
		unlink(path);
	close(fd);
	return p;
}

static void *
memfd_map(void)
{
	size_t len = 128 * 1024;
	char *p;
	int fd;

	if ((fd = memfd_create("memmap-test", MFD_CLOEXEC)) < 0 ||
	    ftruncate(fd, (off_t)len) < 0)
		err(1, "memfd");
	p = map_at(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	touch(p, len, 1);
	close(fd);
	return p;
}

static void *
shm_map(void)
{
	size_t len = 64 * 1024;
	char *p;
	int id;

	if ((id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600)) < 0)
		err(1, "shmget");
	p = shmat(id, next_hint, 0);
	shmctl(id, IPC_RMID, NULL);	/* gone once we exit */
	if (p == (void *)-1)
		err(1, "shmat");
	next_hint += 1UL << 30;
	touch(p, len, 1);
	return p;
}

static void *
thread_main(void *arg)
{
	struct thr *t = arg;
	pthread_attr_t a;
	size_t size;
	char c;

	t->tid = (pid_t)syscall(SYS_gettid);
	free(malloc(1000));		/* gives the thread its malloc arena */
	if (pthread_getattr_np(pthread_self(), &a) != 0 ||
	    pthread_attr_getstack(&a, &t->lo, &size) != 0)
		errx(1, "pthread_getattr_np");
	pthread_attr_destroy(&a);
	t->hi = (char *)t->lo + size;
	pthread_barrier_wait(&barrier);
	while (read(block_pipe[0], &c, 1) < 0)
		;
	return NULL;
}

static void *
spinner_main(void *arg)
{
	struct thr *t = arg;
	pthread_attr_t a;
	size_t size;
	volatile unsigned long n = 0;

	t->tid = (pid_t)syscall(SYS_gettid);
	if (pthread_getattr_np(pthread_self(), &a) != 0 ||
	    pthread_attr_getstack(&a, &t->lo, &size) != 0)
		errx(1, "pthread_getattr_np");
	pthread_attr_destroy(&a);
	t->hi = (char *)t->lo + size;
	pthread_barrier_wait(&barrier);
	for (;;)
		n++;
	return NULL;
}

/* Whether thread tid is blocked in read(2). */
static int
in_read(pid_t tid)
{
	char path[64], buf[64], *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, &end, 10) == SYS_read && *end == ' ';
}

static void
start_threads(int spin)
{
	pthread_t th;
	sigset_t all, old;
	int i;

	if (pipe(block_pipe) < 0)
		err(1, "pipe");
	pthread_barrier_init(&barrier, NULL, NTHREADS + 1 + spin);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);	/* signals go to main */
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&th, NULL, thread_main, &thr[i]) != 0)
			errx(1, "pthread_create");
	if (spin && pthread_create(&th, NULL, spinner_main, &spinner) != 0)
		errx(1, "pthread_create");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_barrier_wait(&barrier);
	/* ready only once each is asleep in read(): a thread still on its
	 * way there shows no syscall, and memmap cannot place its stack */
	for (i = 0; i < NTHREADS; i++)
		while (!in_read(thr[i].tid))
			usleep(1000);
}

int
main(int argc, char **argv)
{
	char *a1, *a2, *f, *d, *mf, *sh, *g;
	size_t grown = 256 * 1024;
	sigset_t set;
	int i, sig;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "spin")))
		errx(2, "usage: memmap-target DIR [spin]");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	page = sysconf(_SC_PAGESIZE);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	a1 = anon(1000, 400);
	a2 = anon(3000, 3000);
	f = file_map(argv[1], "map\033[31mred\033]0;x\a", 64 * 1024,
	    MAP_SHARED, 0);
	d = file_map(argv[1], "gone", 32 * 1024, MAP_PRIVATE, 1);
	mf = memfd_map();
	sh = shm_map();
	g = map_at(GROW_MAX, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1);
	mprotect(g, grown, PROT_READ | PROT_WRITE);
	touch(g, grown, 1);
	start_threads(argc == 3);
	printf("ready %d anon1=%p anon2=%p file=%p deleted=%p memfd=%p shm=%p"
	    " grow=%p\n", (int)getpid(), a1, a2, f, d, mf, sh, g);
	for (i = 0; i < NTHREADS; i++)
		printf("thread %d %p %p\n", (int)thr[i].tid, thr[i].lo,
		    thr[i].hi);
	if (argc == 3)
		printf("spinner %d %p %p\n", (int)spinner.tid, spinner.lo,
		    spinner.hi);
	printf("threads done\n");
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (grown + GROW_STEP > GROW_MAX)
			continue;
		mprotect(g + grown, GROW_STEP, PROT_READ | PROT_WRITE);
		touch(g + grown, GROW_STEP, 1);
		grown += GROW_STEP;
		printf("grown %zu\n", grown / 1024);
		fflush(stdout);
	}
}
