/* tests/helpers/memmap-pages.c - pages smaps and pagemap count differently. */
#include <err.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Usage: memmap-pages
 *
 * Maps, each 4 MiB on a 2 MiB boundary with a PROT_NONE page before it
 * (so nothing merges):
 *   thp    MADV_HUGEPAGE, every byte written (huge pages where THP allows)
 *   zero   every page read, none written: the shared zero page, which
 *          pagemap shows present and smaps does not count in Rss
 *   hzero  MADV_HUGEPAGE, read: the huge zero page where THP gives one
 *   empty  never touched: RSS 0
 *   cow    written, then shared with a forked child (not exclusive)
 *   none   written, then PROT_NONE (still resident)
 * Prints "ready PID thp=ADDR zero=ADDR hzero=ADDR empty=ADDR cow=ADDR
 * none=ADDR".
 */
#define SZ	(4UL << 20)
#define ALIGN	(2UL << 20)

static char *
region(void)
{
	char *p = mmap(NULL, SZ + 2 * ALIGN, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), *r;

	if (p == MAP_FAILED)
		err(1, "mmap");
	r = (char *)(((uintptr_t)p + ALIGN + ALIGN - 1) & ~(ALIGN - 1));
	if (mprotect(r, SZ, PROT_READ | PROT_WRITE) < 0)
		err(1, "mprotect");
	return r;
}

static void
touch(char *p, int write, long page)
{
	volatile char *v = p;
	unsigned long i;
	char c = 0;

	for (i = 0; i < SZ; i += (unsigned long)page) {
		if (write)
			v[i] = 1;
		else
			c += v[i];
	}
	(void)c;
}

int
main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *thp, *zero, *hzero, *empty, *cow, *none;
	pid_t child;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	thp = region();
	zero = region();
	hzero = region();
	empty = region();
	cow = region();
	none = region();
	madvise(thp, SZ, MADV_HUGEPAGE);	/* where THP allows */
	madvise(hzero, SZ, MADV_HUGEPAGE);
	madvise(zero, SZ, MADV_NOHUGEPAGE);
	madvise(cow, SZ, MADV_NOHUGEPAGE);
	madvise(none, SZ, MADV_NOHUGEPAGE);	/* not merged with the pads */
	touch(thp, 1, page);
	touch(zero, 0, page);
	touch(hzero, 0, page);
	touch(cow, 1, page);
	touch(none, 1, page);
	if (mprotect(none, SZ, PROT_NONE) < 0)
		err(1, "mprotect");
	if ((child = fork()) < 0)
		err(1, "fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	printf("ready %d thp=%p zero=%p hzero=%p empty=%p cow=%p none=%p\n",
	    (int)getpid(), (void *)thp, (void *)zero, (void *)hzero,
	    (void *)empty, (void *)cow, (void *)none);
	fflush(stdout);
	for (;;)
		pause();
}
