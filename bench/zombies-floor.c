/* bench/zombies-floor.c - the floor under zombies: the stat of every task. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * What the kernel makes any zombie finder do, and nothing else: list
 * /proc, and read each process's stat (its state, parent and start time)
 * with one read.  The zombies it counts are printed so the work cannot be
 * optimised away.  Built by bench/zombies.sh.
 */
int
main(void)
{
	char path[300], buf[1024], *rp;
	struct dirent *de;
	unsigned long n = 0, z = 0;
	ssize_t len;
	DIR *d;
	int fd;

	if ((d = opendir("/proc")) == NULL)
		return 2;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		n++;
		if ((rp = strrchr(buf, ')')) != NULL && rp[1] == ' ' &&
		    rp[2] == 'Z')
			z++;
	}
	closedir(d);
	printf("%lu processes, %lu zombies\n", n, z);
	return 0;
}
