/* bench/proctree-floor.c - the least a process tree with -a costs. */
/*
 * The kernel reads `proctree -p -a -l` (and pstree -p -a -l) cannot do
 * without, and nothing else: list /proc; for every process, the owner of
 * /proc/PID (the uid pstree shows), its stat and its cmdline, each with
 * one open and one read into a buffer sized once.  It builds no tree and
 * prints only the count, so it is the floor bench/proctree.sh compares
 * with.  Usage: proctree-floor [-T] (-T: stat only, no cmdline).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[1 << 17];

static long
slurp(int dfd, const char *path)
{
	ssize_t n, total = 0;
	int fd;

	if ((fd = openat(dfd, path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0 &&
	    (total += n) > 0 && (size_t)n == sizeof(buf))
		;
	close(fd);
	return total;
}

int
main(int argc, char **argv)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int cmdline = !(argc > 1 && strcmp(argv[1], "-T") == 0);
	char path[300];
	struct dirent *de;
	struct stat st;
	long n = 0, bytes = 0;
	DIR *d;

	if (procfd < 0 || (d = fdopendir(dup(procfd))) == NULL)
		return 2;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (fstatat(procfd, de->d_name, &st, 0) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		bytes += slurp(procfd, path);
		if (cmdline) {
			snprintf(path, sizeof(path), "%s/cmdline", de->d_name);
			bytes += slurp(procfd, path);
		}
		n++;
	}
	closedir(d);
	printf("%ld processes, %ld bytes\n", n, bytes);
	return 0;
}
