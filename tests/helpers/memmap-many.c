/* tests/helpers/memmap-many.c - a process with very many mappings. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

/*
 * Usage: memmap-many N
 *
 * Maps N pages in one region and gives every other page a different
 * protection, so the kernel keeps N separate mappings (it would merge
 * neighbours with equal flags).  The writable pages are written, so the
 * page-table walk of smaps has work to do.  Prints "ready PID N ADDR".
 */
int
main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), n, i;
	char *p, *end;

	if (argc != 2 || (n = strtol(argv[1], &end, 10)) <= 0 || *end)
		errx(2, "usage: memmap-many N");
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
	printf("ready %d %ld %p\n", (int)getpid(), n, p);
	fflush(stdout);
	for (;;)
		pause();
}
