/* bench/fdleak-floor.c - the floor under fdleak -p: for every fd of the
 * given processes, the readdir, the readlink and the fdinfo read. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * What the kernel makes any fd lister do, and nothing else: list
 * /proc/PID/fd, readlink each entry, and read /proc/PID/fdinfo/N with one
 * read into a buffer sized once.  No parsing, no statx, no socket table,
 * no output but a count (so the work cannot be optimised away).  With -l
 * only the readdir and readlinks; with -i only the readdir and fdinfo.
 * Usage: fdleak-floor [-l|-i] PID[,PID...].  Built by bench/fdleak.sh.
 */
int
main(int argc, char **argv)
{
	char path[64], buf[4096], *list, *tok, *save;
	unsigned long n = 0, bytes = 0;
	int links = 1, infos = 1, fddir, infodir;
	struct dirent *de;
	ssize_t len;
	DIR *d;
	int fd;

	if (argc > 2 && strcmp(argv[1], "-l") == 0)
		infos = 0, argv++;
	else if (argc > 2 && strcmp(argv[1], "-i") == 0)
		links = 0, argv++;
	if (argv[1] == NULL || (list = strdup(argv[1])) == NULL)
		return 2;
	for (tok = strtok_r(list, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		snprintf(path, sizeof(path), "/proc/%s/fd", tok);
		if ((fddir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return 2;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", tok);
		if ((infodir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return 2;
		if ((d = fdopendir(dup(fddir))) == NULL)
			return 2;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			n++;
			if (links && (len = readlinkat(fddir, de->d_name, buf,
			    sizeof(buf))) > 0)
				bytes += (unsigned long)len;
			if (infos && (fd = openat(infodir, de->d_name,
			    O_RDONLY | O_CLOEXEC)) >= 0) {
				if ((len = read(fd, buf, sizeof(buf))) > 0)
					bytes += (unsigned long)len;
				close(fd);
			}
		}
		closedir(d);
		close(fddir);
		close(infodir);
	}
	printf("%lu fds, %lu bytes\n", n, bytes);
	free(list);
	return 0;
}
