/* tests/helpers/memmap-many.c - a process with very many mappings. */
#include <err.h>
#include <pthread.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/*
 * Usage: memmap-many N [churn]
 *
 * Maps N pages in one region and gives every other page a different
 * protection, so the kernel keeps N separate mappings (it would merge
 * neighbours with equal flags).  The writable pages are written, so the
 * page-table walk of smaps has work to do.  Prints "ready PID N ADDR".
 * With "churn", a thread keeps moving one open page across a 256 MiB
 * PROT_NONE window, so no two reads of the address space see the same
 * layout.
 */
#define WINDOW	65536L	/* pages the churn thread moves its page across */

static void *
churn(void *arg)
{
	long page = sysconf(_SC_PAGESIZE), k = 0;
	char *base = arg, *p;

	/* One open page in a PROT_NONE window splits it in three
	 * mappings; the open page moves on and on, so every read of the
	 * layout finds it somewhere else.  At nice -20 (when allowed) it
	 * keeps moving on a loaded machine too. */
	setpriority(PRIO_PROCESS, (id_t)gettid(), -20);
	for (p = base;;) {
		mprotect(base + (++k % WINDOW) * page, (size_t)page, PROT_READ);
		mprotect(p, (size_t)page, PROT_NONE);
		p = base + (k % WINDOW) * page;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), n, i;
	char *p, *end;

	pthread_t t;
	char *win;

	if (argc < 2 || argc > 3 || (n = strtol(argv[1], &end, 10)) <= 0 ||
	    *end || (argc == 3 && strcmp(argv[2], "churn") != 0))
		errx(2, "usage: memmap-many N [churn]");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	p = mmap(NULL, (size_t)(n * page), PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		err(1, "mmap");
	for (i = 0; i < n; i += 2) {
		if (mprotect(p + i * page, (size_t)page,
		    PROT_READ | PROT_WRITE) < 0)
			err(1, "mprotect page %ld", i);
		p[i * page] = 1;
	}
	if (argc == 3) {
		win = mmap(NULL, WINDOW * (size_t)page, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (win == MAP_FAILED)
			err(1, "mmap");
		if (pthread_create(&t, NULL, churn, win) != 0)
			errx(1, "pthread_create");
	}
	printf("ready %d %ld %p\n", (int)getpid(), n, p);
	fflush(stdout);
	for (;;)
		pause();
}
