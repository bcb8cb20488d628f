/* lib/cgroup.c - find a process's cgroup and read its controllers, v1 and v2. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "proc.h"

/* v1 "unlimited" memory is PAGE_COUNTER_MAX pages: treat that range as max. */
#define V1_HUGE	0x7ffffffffffff000ULL

/* Whether comma-separated list holds word. */
static int
list_has(const char *list, size_t len, const char *word)
{
	size_t wl = strlen(word);
	const char *s = list, *end = list + len, *c;

	while (s < end) {
		c = memchr(s, ',', (size_t)(end - s));
		if (!c)
			c = end;
		if ((size_t)(c - s) == wl && memcmp(s, word, wl) == 0)
			return 1;
		s = c + 1;
	}
	return 0;
}

/*
 * The mount point (and the root of the hierarchy it shows) of the v1
 * hierarchy holding controller, or of cgroup2 when controller is NULL.
 */
static int
find_mount(const char *controller, char *mnt, size_t msize, char *root,
    size_t rsize)
{
	char line[4096], *sep, *f[6], *fstype, *opts, *save;
	int found = -1, i;
	FILE *fp;

	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), fp)) {
		if ((sep = strstr(line, " - ")) == NULL)
			continue;
		*sep = '\0';
		fstype = strtok_r(sep + 3, " ", &save);
		strtok_r(NULL, " ", &save);		/* source */
		opts = strtok_r(NULL, " \n", &save);
		if (!fstype || !opts)
			continue;
		f[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 5 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (i < 5 || !f[4])
			continue;
		if (controller == NULL ? strcmp(fstype, "cgroup2") == 0 :
		    strcmp(fstype, "cgroup") == 0 &&
		    list_has(opts, strlen(opts), controller)) {
			snprintf(mnt, msize, "%s", f[4]);
			snprintf(root, rsize, "%s", f[3]);
			found = 0;
		}
	}
	fclose(fp);
	if (found < 0)
		errno = ENOENT;
	return found;
}

/* The path field of pid's /proc/PID/cgroup line for controller (NULL: v2). */
static int
proc_path(pid_t pid, const char *controller, char *buf, size_t size)
{
	char path[64], line[4096], *c1, *c2;
	int found = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%d/cgroup", tri_proc_root(), (int)pid);
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	while (found < 0 && fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if ((c1 = strchr(line, ':')) == NULL ||
		    (c2 = strchr(c1 + 1, ':')) == NULL)
			continue;
		if (controller == NULL ? c2 == c1 + 1 && strncmp(line, "0:", 2)
		    == 0 : list_has(c1 + 1, (size_t)(c2 - c1 - 1), controller)) {
			snprintf(buf, size, "%s", c2 + 1);
			found = 0;
		}
	}
	fclose(fp);
	if (found < 0)
		errno = ENOENT;
	return found;
}

/* Join a mount point and a cgroup path seen through a mount of root. */
static int
join(char *buf, size_t size, const char *mnt, const char *root,
    const char *path)
{
	size_t rl = strlen(root);

	if (strcmp(root, "/") != 0 && strncmp(path, root, rl) == 0)
		path += rl;
	if (strcmp(path, "/") == 0)
		path = "";
	if ((size_t)snprintf(buf, size, "%s%s", mnt, path) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Whether the v2 hierarchy offers controller (cgroup.controllers at its root). */
static int
v2_has(const char *mnt, const char *controller)
{
	char buf[512];
	ssize_t n = tri_cgroup_read(mnt, "cgroup.controllers", buf, sizeof(buf));
	char *t, *save;

	if (n < 0)
		return 0;
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (strcmp(t, controller) == 0)
			return 1;
	return 0;
}

int
tri_cgroup_path(pid_t pid, const char *controller, char *buf, size_t size)
{
	if (controller && *controller == '\0')
		controller = NULL;
	if (controller && proc_path(pid, controller, buf, size) == 0)
		return 0;
	if (controller && errno == ESRCH)
		return -1;
	return proc_path(pid, NULL, buf, size);
}

int
tri_cgroup_dir(pid_t pid, const char *controller, char *buf, size_t size,
    int *v2)
{
	char mnt[PATH_MAX], root[PATH_MAX], path[PATH_MAX];

	if (controller && *controller == '\0')
		controller = NULL;
	if (controller && find_mount(controller, mnt, sizeof(mnt), root,
	    sizeof(root)) == 0 && proc_path(pid, controller, path,
	    sizeof(path)) == 0) {
		if (v2)
			*v2 = 0;
		return join(buf, size, mnt, root, path);
	}
	if (controller && errno == ESRCH)
		return -1;
	if (find_mount(NULL, mnt, sizeof(mnt), root, sizeof(root)) < 0)
		return -1;
	if (controller && !v2_has(mnt, controller)) {
		errno = ENOENT;
		return -1;
	}
	if (proc_path(pid, NULL, path, sizeof(path)) < 0)
		return -1;
	if (v2)
		*v2 = 1;
	return join(buf, size, mnt, root, path);
}

ssize_t
tri_cgroup_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (strncmp(s, "max", 3) == 0) {
		*v = TRI_CGROUP_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (end == s || errno) {
		errno = EINVAL;
		return -1;
	}
	if (*v >= V1_HUGE)
		*v = TRI_CGROUP_MAX;
	return 0;
}

int
tri_cgroup_read_u64(const char *dir, const char *file, uint64_t *v)
{
	char buf[64];

	if (tri_cgroup_read(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	return parse_u64(buf, v);
}

int
tri_cgroup_read_key(const char *dir, const char *file, const char *key,
    uint64_t *v)
{
	char buf[8192], *line, *save;
	size_t kl = strlen(key);

	if (tri_cgroup_read(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
			return parse_u64(line + kl + 1, v);
	errno = ENOENT;
	return -1;
}

int
tri_cgroup_limit(const char *dir, const char *file, uint64_t *limit,
    char *at, size_t atsize)
{
	char cur[PATH_MAX], probe[PATH_MAX + 16];
	uint64_t v;
	char *slash;

	*limit = TRI_CGROUP_MAX;
	if (at && atsize)
		*at = '\0';
	snprintf(cur, sizeof(cur), "%s", dir);
	for (;;) {
		if (tri_cgroup_read_u64(cur, file, &v) == 0 && v < *limit) {
			*limit = v;
			if (at)
				snprintf(at, atsize, "%s", cur);
		}
		/* Stop at the hierarchy's root: its parent is no cgroup. */
		if ((slash = strrchr(cur, '/')) == NULL || slash == cur)
			break;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/cgroup.procs", cur);
		if (access(probe, F_OK) < 0)
			break;
	}
	return 0;
}
