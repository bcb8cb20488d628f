/* lib/proc_fd.c - readers of /proc/PID/fd/ and /proc/PID/fdinfo/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out.h"
#include "proc.h"

/* fd's number as its name in fd/ and fdinfo/, without printf: this is
 * the hot path of a listing, a few calls per fd. */
static void
fd_name(char name[16], int fd)
{
	*tri_out_put_uint(name, (unsigned int)fd) = '\0';
}

/* The kernel returns ENOENT for a pid directory that vanished: say ESRCH. */
static int
gone(void)
{
	if (errno == ENOENT)
		errno = ESRCH;
	return -1;
}

int
tri_proc_fd_opendir(const struct tri_proc *p, bool info)
{
	int fd;

	fd = openat(p->dirfd, info ? "fdinfo" : "fd",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return gone();
	return fd;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Parse a directory entry name as an fd number; -1 for "." and "..". */
static int
fd_number(const char *s)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (*s - '0')) > 0x7fffffff)
			return -1;
	return *s ? -1 : (int)v;
}

int *
tri_proc_fd_list(int fddir, size_t *n)
{
	size_t cap = 64, i;
	int *v, *nv, dfd, fd;
	struct dirent *de;
	DIR *d;

	*n = 0;
	/* fdopendir takes the fd over: give it a duplicate. */
	if ((dfd = openat(fddir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return gone(), NULL;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return NULL;
	}
	if ((v = malloc(cap * sizeof(*v))) == NULL)
		goto fail;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if ((fd = fd_number(de->d_name)) < 0)
			continue;
		if (*n == cap) {
			cap *= 2;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto fail;
			v = nv;
		}
		v[(*n)++] = fd;
	}
	if (errno != 0) {
		gone();
		goto fail;
	}
	closedir(d);
	/* proc lists fds in order: sort only what is not (qsort of
	 * 19,000 sorted fds was 3% of a listing's user time) */
	for (i = 1; i < *n && v[i - 1] < v[i]; i++)
		;
	if (i < *n)
		qsort(v, *n, sizeof(*v), cmp_int);
	return v;
fail:
	{
		int e = errno;

		free(v);
		closedir(d);
		errno = e;
	}
	return NULL;
}

int
tri_proc_fd_count(const struct tri_proc *p, unsigned long *n)
{
	struct stat st;

	if (fstatat(p->dirfd, "fd", &st, 0) < 0)
		return gone();
	*n = (unsigned long)st.st_size;
	return 0;
}

ssize_t
tri_proc_fd_link(int fddir, int fd, char *buf, size_t size)
{
	char name[16];
	ssize_t n;

	fd_name(name, fd);
	if ((n = readlinkat(fddir, name, buf, size - 1)) < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

int
tri_proc_fd_statx(int fddir, int fd, struct statx *stx)
{
	char name[16];

	fd_name(name, fd);
	return statx(fddir, name, AT_STATX_DONT_SYNC, STATX_TYPE | STATX_MODE |
	    STATX_INO | STATX_SIZE | STATX_NLINK, stx);
}

/* Skip blanks; parse an unsigned number in base; advance *s. */
static unsigned long long
num(const char **s, const char *end, int base)
{
	unsigned long long v = 0;
	const char *p = *s;
	int d;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * (unsigned)base + (unsigned)d;
	}
	*s = p;
	return v;
}

/* "it_value: (0, 5000000)" -> ns */
static unsigned long long
timespec_pair(const char *s, const char *end)
{
	unsigned long long sec, nsec;

	while (s < end && *s != '(')
		s++;
	if (s == end)
		return 0;
	s++;
	sec = num(&s, end, 10);
	while (s < end && (*s == ',' || *s == ' '))
		s++;
	nsec = num(&s, end, 10);
	return sec * 1000000000ULL + nsec;
}

/* A line starting with key (including its colon)?  Sets *v past it. */
static bool
key(const char *s, const char *end, const char *k, const char **v)
{
	size_t n = strlen(k);

	if ((size_t)(end - s) < n || memcmp(s, k, n) != 0)
		return false;
	*v = s + n;
	return true;
}

/* The inotify line: "inotify wd:1 ino:2a sdev:... " */
static void
inotify_line(struct tri_fdinfo *fi, const char *s, const char *end)
{
	const char *p;

	if (fi->nwd++ > 0)
		return;
	for (p = s; p + 4 < end; p++)
		if (memcmp(p, " ino:", 5) == 0) {
			p += 5;
			fi->wd_ino = num(&p, end, 16);
			return;
		}
}

static void
fdinfo_line(struct tri_fdinfo *fi, const char *s, const char *end)
{
	const char *v;

	if (key(s, end, "pos:", &v))
		fi->pos = num(&v, end, 10);
	else if (key(s, end, "flags:", &v))
		fi->flags = (unsigned int)num(&v, end, 8);
	else if (key(s, end, "mnt_id:", &v))
		fi->mnt_id = (int)num(&v, end, 10);
	else if (key(s, end, "ino:", &v))
		fi->ino = num(&v, end, 10);
	else if (key(s, end, "eventfd-count:", &v)) {
		fi->has_eventfd = true;
		fi->eventfd_count = num(&v, end, 16);
	} else if (key(s, end, "tfd:", &v)) {
		if (fi->ntfd < TRI_FDINFO_TFD_MAX)
			fi->tfd[fi->ntfd] = (int)num(&v, end, 10);
		fi->ntfd++;
	} else if (key(s, end, "sigmask:", &v)) {
		fi->has_sigmask = true;
		fi->sigmask = num(&v, end, 16);
	} else if (key(s, end, "inotify ", &v))
		inotify_line(fi, s, end);
	else if (key(s, end, "Pid:", &v)) {
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		fi->pidfd_pid = (v < end && *v == '-') ? -1 :
		    (pid_t)num(&v, end, 10);
	} else if (key(s, end, "clockid:", &v)) {
		fi->has_timer = true;
		fi->clockid = (int)num(&v, end, 10);
	} else if (key(s, end, "it_value:", &v))
		fi->it_value_ns = timespec_pair(v, end);
	else if (key(s, end, "it_interval:", &v))
		fi->it_interval_ns = timespec_pair(v, end);
}

int
tri_proc_parse_fdinfo(const char *buf, size_t len, struct tri_fdinfo *fi)
{
	const char *s = buf, *end = buf + len, *eol;
	bool flags = false;

	memset(fi, 0, sizeof(*fi));
	fi->mnt_id = -1;
	while (s < end) {
		if ((eol = memchr(s, '\n', (size_t)(end - s))) == NULL)
			eol = end;
		if (eol - s > 6 && memcmp(s, "flags:", 6) == 0)
			flags = true;
		fdinfo_line(fi, s, eol);
		s = eol + 1;
	}
	if (!flags) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
tri_proc_read_fdinfo(int infodir, int fd, struct tri_fdinfo *fi)
{
	char name[16], buf[4096];
	ssize_t n;
	int f;

	fd_name(name, fd);
	if ((f = openat(infodir, name, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return tri_proc_parse_fdinfo(buf, (size_t)n, fi);
}
