/* lib/fdkind.c - what an fd is: a file, a socket, a pipe, an anon inode. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fdkind.h"
#include "proc.h"
#include "sig.h"
#include "sock.h"

const char *
tri_fdkind_anon(const char *s)
{
	static const char *const kinds[] = {
		"eventfd", "eventpoll", "timerfd", "signalfd", "inotify",
		"pidfd", "io_uring", "fanotify", "userfaultfd", "perf_event",
		"bpf-map", "bpf-prog", "bpf_link", "bpf-link", "dmabuf",
		"sync_file", "kvm-vm", "kvm-vcpu",
	};
	size_t i, n;

	if (*s == '[')
		s++;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		n = strlen(kinds[i]);
		if (strncmp(s, kinds[i], n) == 0)
			return kinds[i];
	}
	return "anon";
}

const char *
tri_fdkind_mode(unsigned int mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:	return "REG";
	case S_IFDIR:	return "DIR";
	case S_IFCHR:	return "CHR";
	case S_IFBLK:	return "BLK";
	case S_IFIFO:	return "FIFO";
	case S_IFSOCK:	return "SOCK";
	case S_IFLNK:	return "LNK";
	default:	return "UNKNOWN";
	}
}

static bool
has_suffix(const char *s, size_t len, const char *suf)
{
	size_t n = strlen(suf);

	return len >= n && memcmp(s + len - n, suf, n) == 0;
}

/* A path: its real type and size come from statx through the fd link. */
static void
classify_path(struct tri_fdkind *k, const char *link, size_t len,
    int fddir, int fd)
{
	struct statx stx;

	k->type = "UNKNOWN";
	if (fddir < 0 || tri_proc_fd_statx(fddir, fd, &stx) < 0)
		return;
	k->type = tri_fdkind_mode(stx.stx_mode);
	k->ino = stx.stx_ino;
	k->size = stx.stx_size;
	k->dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	k->nlink = stx.stx_nlink;
	if (has_suffix(link, len, " (deleted)") && stx.stx_nlink == 0) {
		k->deleted = true;
		k->pathlen = len - strlen(" (deleted)");
	}
	if (strncmp(link, "/memfd:", 7) == 0 && k->deleted)
		k->type = "memfd";
}

void
tri_fdkind_classify(struct tri_fdkind *k, const char *s, size_t len,
    int fddir, int fd)
{
	memset(k, 0, sizeof(*k));
	k->pathlen = len;
	if (strncmp(s, "socket:[", 8) == 0) {
		k->type = "SOCK";
		k->sock = true;
		k->ino = strtoull(s + 8, NULL, 10);
	} else if (strncmp(s, "pipe:[", 6) == 0) {
		k->type = "FIFO";
		k->pipe = true;
		k->ino = strtoull(s + 6, NULL, 10);
	} else if (strncmp(s, "anon_inode:", 11) == 0) {
		k->type = tri_fdkind_anon(s + 11);
	} else if (strncmp(s, "pidfd:", 6) == 0) {
		k->type = "pidfd";	/* pidfs, Linux 6.9 and later */
	} else if (*s == '/') {
		classify_path(k, s, len, fddir, fd);
	} else {
		k->type = "UNKNOWN";	/* net:[...], mnt:[...]: ns fds */
		if (strchr(s, ':'))
			k->type = "nsfs";
	}
}

const char *
tri_fdkind_access(unsigned int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:	return "r";
	case O_WRONLY:	return "w";
	case O_RDWR:	return "rw";
	default:	return "?";
	}
}

const char *
tri_fdkind_flags(unsigned int flags, char *buf, size_t size)
{
	static const struct { unsigned int bit; const char *name; } fl[] = {
		{ O_CLOEXEC, "CLOEXEC" }, { O_NONBLOCK, "NONBLOCK" },
		{ O_APPEND, "APPEND" }, { O_SYNC, "SYNC" },
		{ O_DIRECT, "DIRECT" }, { O_PATH, "PATH" },
	};
	size_t i, n = 0;

	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if ((flags & fl[i].bit) == fl[i].bit && n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			    n ? "," : "", fl[i].name);
	return n ? buf : "-";
}

int
tri_fdkind_sock_text(const struct tri_sock *s, unsigned long long ino,
    char *buf, size_t size)
{
	/* Not in the namespace's tables (netlink, packet, ...): its inode. */
	if (s == NULL)
		return snprintf(buf, size, "socket:[%llu]", ino);
	if (s->family == AF_UNIX)
		return snprintf(buf, size, "%s %s%s%s", s->proto,
		    s->path ? s->path : "(unnamed)",
		    *tri_sock_state_text(s) ? " " : "", tri_sock_state_text(s));
	return snprintf(buf, size, "%s %s%s%s%s%s", s->proto, s->local,
	    s->remote[0] ? " -> " : "", s->remote, s->state ? " " : "",
	    tri_sock_state_name(s->state));
}

void
tri_fdkind_anon_text(const char *type, const struct tri_fdinfo *fi,
    const char *link, char *buf, size_t size)
{
	char sigs[512];
	size_t n;
	int i;

	if (fi->has_eventfd)
		snprintf(buf, size, "eventfd count=%llu", fi->eventfd_count);
	else if (strcmp(type, "eventpoll") == 0) {
		n = (size_t)snprintf(buf, size, "eventpoll watching %d fds",
		    fi->ntfd);
		for (i = 0; i < fi->ntfd && i < TRI_FDINFO_TFD_MAX && n < size;
		    i++)
			n += (size_t)snprintf(buf + n, size - n, "%s%d",
			    i ? "," : " ", fi->tfd[i]);
	} else if (fi->has_sigmask) {
		tri_sig_list(fi->sigmask, sigs, sizeof(sigs));
		snprintf(buf, size, "signalfd %s", sigs[0] ? sigs : "(none)");
	} else if (fi->has_timer)
		snprintf(buf, size, "timerfd clock=%d value=%.3fs interval=%.3fs",
		    fi->clockid, (double)fi->it_value_ns / 1e9,
		    (double)fi->it_interval_ns / 1e9);
	else if (strcmp(type, "inotify") == 0)
		snprintf(buf, size, "inotify %d watch%s", fi->nwd,
		    fi->nwd == 1 ? "" : "es");
	else if (strcmp(type, "pidfd") == 0 && fi->pidfd_pid != 0)
		snprintf(buf, size, fi->pidfd_pid > 0 ? "pidfd pid %d" :
		    "pidfd (exited)", (int)fi->pidfd_pid);
	else
		snprintf(buf, size, "%s", link);
}
