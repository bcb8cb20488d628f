/* tests/helpers/memmap-gofake.c - an ELF that looks built by Go, with a Go-style heap arena. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

/*
 * The ".go.buildinfo" section with Go's magic is what marks a Go binary.
 * The Go runtime reserves its heap from 0xc000000000 up; this helper
 * maps 4096 KiB there and writes the first 1024 KiB, next to 60 MiB of
 * PROT_NONE reserve as Go leaves it.  Prints "ready PID ADDR".
 */
__attribute__((section(".go.buildinfo"), used, aligned(16)))
static const unsigned char buildinfo[48] = {
	0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':',
	8, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	8, 'g', 'o', '1', '.', '1', '9', '.', '8',
};

#define ARENA	((char *)0xc000000000UL)

int
main(void)
{
	char *p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	p = mmap(ARENA, 64 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		err(1, "mmap");
	if (mprotect(p, 4 << 20, PROT_READ | PROT_WRITE) < 0)
		err(1, "mprotect");
	madvise(p, 4 << 20, MADV_NOHUGEPAGE);
	memset(p, 1, 1 << 20);
	printf("ready %d %p\n", (int)getpid(), (void *)p);
	fflush(stdout);
	for (;;)
		pause();
}
