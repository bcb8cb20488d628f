/* cmd/fdleak/extra.c - what a process holds besides fds: lsof's cwd, rtd,
 * txt and mem. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fdkind.h"
#include "fdleak.h"

static struct fdent *
push(struct fdtab *t)
{
	struct fdent *nv;

	if ((nv = realloc(t->x, (t->nx + 1) * sizeof(*nv))) == NULL)
		return NULL;
	t->x = nv;
	memset(&t->x[t->nx], 0, sizeof(t->x[0]));
	return &t->x[t->nx++];
}

static int
set_link(struct fdent *e, const char *path, size_t len)
{
	static const char del[] = " (deleted)";

	if (len >= sizeof(del) - 1 && memcmp(path + len - (sizeof(del) - 1),
	    del, sizeof(del) - 1) == 0 && e->nlink == 0) {
		e->deleted = true;
		len -= sizeof(del) - 1;
	}
	if ((e->link = malloc(len + 1)) == NULL)
		return -1;
	memcpy(e->link, path, len);
	e->link[len] = '\0';
	e->linklen = len;
	return 0;
}

/* cwd, root or exe: the link and a statx of what it points to. */
static int
one_link(struct fdtab *t, const struct tri_proc *p, const char *file,
    const char *name)
{
	char buf[PATH_MAX];
	struct statx stx;
	struct fdent *e;
	ssize_t n;

	if ((n = readlinkat(p->dirfd, file, buf, sizeof(buf) - 1)) < 0)
		return errno == ESRCH ? -1 : 0;	/* a kernel thread: none */
	buf[n] = '\0';
	if ((e = push(t)) == NULL)
		return -1;
	e->fd = -1;
	e->name = name;
	e->type = "UNKNOWN";
	if (statx(p->dirfd, file, AT_STATX_DONT_SYNC, STATX_TYPE | STATX_INO |
	    STATX_SIZE | STATX_NLINK, &stx) == 0) {
		e->type = tri_fdkind_mode(stx.stx_mode);
		e->ino = stx.stx_ino;
		e->size = stx.stx_size;
		e->dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
		e->nlink = stx.stx_nlink;
	}
	return set_link(e, buf, (size_t)n);
}

/* One maps line: a file mapping not seen yet becomes a mem row. */
static int
map_line(struct fdtab *t, char *line, const struct fdent *txt)
{
	unsigned long long ino;
	unsigned int maj, min;
	struct fdent *e;
	char *path;
	size_t i;
	int off = 0;

	if (sscanf(line, "%*s %*s %*s %x:%x %llu %n", &maj, &min, &ino,
	    &off) < 3 || ino == 0 || off == 0 || line[off] != '/')
		return 0;
	path = line + off;
	for (i = 0; i < t->nx; i++)
		if (t->x[i].ino == ino && t->x[i].dev == makedev(maj, min) &&
		    t->x[i].name[0] == 'm')
			return 0;
	if (txt && txt->ino == ino && txt->dev == makedev(maj, min))
		return 0;
	if ((e = push(t)) == NULL)
		return -1;
	e->fd = -1;
	e->name = "mem";
	e->type = "REG";
	e->ino = ino;
	e->dev = makedev(maj, min);
	/* a deleted mapping: lsof's DEL; its link count is 0 */
	e->nlink = strstr(path, " (deleted)") ? 0 : 1;
	return set_link(e, path, strlen(path));
}

int
extra_read(struct fdtab *t, const struct tri_proc *p)
{
	const struct fdent *txt = NULL;
	char *buf, *line, *eol;
	struct fdent txtcopy;
	size_t len, i;

	if (one_link(t, p, "cwd", "cwd") < 0 ||
	    one_link(t, p, "root", "rtd") < 0 ||
	    one_link(t, p, "exe", "txt") < 0)
		return -1;
	for (i = 0; i < t->nx; i++)
		if (strcmp(t->x[i].name, "txt") == 0) {
			txtcopy = t->x[i];
			txt = &txtcopy;
		}
	if ((buf = tri_proc_read_all(p, "maps", &len)) == NULL)
		return errno == ESRCH ? -1 : 0;
	for (line = buf; line && *line; line = eol) {
		if ((eol = strchr(line, '\n')) != NULL)
			*eol++ = '\0';
		if (map_line(t, line, txt) < 0) {
			free(buf);
			return -1;
		}
	}
	free(buf);
	return 0;
}
