/* tests/helpers/memmap-hostile.c - a process whose names try to reach the terminal. */
#include <err.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

/*
 * memmap-hostile DIR: re-executes itself with 128 KiB of arguments, names
 * itself ") (" with an ESC in it, maps a memfd named "new", newline,
 * "line", and a file in DIR whose name holds ESC, OSC 52, BEL, a byte
 * 0xff, a right-to-left override and a newline.  Prints "ready PID
 * memfd=ADDR file=ADDR" and waits.
 */
#define HOSTILE	"f\033]52;c;SGVsbG8=\a\xff\xe2\x80\xaert\nl"
#define BIG	(32 * 1024)	/* four of them: a 128 KiB command line */

int
main(int argc, char **argv)
{
	char path[4096], *big, *m, *f;
	int fd;

	if (argc == 2) {
		if ((big = malloc(BIG + 1)) == NULL)
			err(1, "malloc");
		memset(big, 'x', BIG);
		big[BIG] = '\0';
		execl("/proc/self/exe", argv[0], argv[1], big, big, big, big,
		    (char *)NULL);
		err(1, "exec");
	}
	if (argc != 6)
		errx(2, "usage: memmap-hostile DIR");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, ") (\033[31m");
	if ((fd = memfd_create("new\nline", MFD_CLOEXEC)) < 0 ||
	    ftruncate(fd, 4096) < 0)
		err(1, "memfd");
	if ((m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) ==
	    MAP_FAILED)
		err(1, "mmap memfd");
	m[0] = 1;
	snprintf(path, sizeof(path), "%s/%s", argv[1], HOSTILE);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    ftruncate(fd, 4096) < 0)
		err(1, "%s", argv[1]);
	if ((f = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED)
		err(1, "mmap file");
	printf("ready %d memfd=%p file=%p\n", (int)getpid(), (void *)m,
	    (void *)f);
	fflush(stdout);
	for (;;)
		pause();
}
