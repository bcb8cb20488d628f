/* cmd/fdleak/target.c - the MODE, FLAGS and TARGET texts of one fd. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "fdleak.h"
#include "sig.h"

const char *
fdent_access(const struct fdent *e)
{
	if (!e->info)
		return "?";
	switch (e->fi.flags & O_ACCMODE) {
	case O_RDONLY:	return "r";
	case O_WRONLY:	return "w";
	case O_RDWR:	return "rw";
	default:	return "?";
	}
}

const char *
fdent_flags(const struct fdent *e, char *buf, size_t size)
{
	static const struct { unsigned int bit; const char *name; } fl[] = {
		{ O_CLOEXEC, "CLOEXEC" }, { O_NONBLOCK, "NONBLOCK" },
		{ O_APPEND, "APPEND" }, { O_SYNC, "SYNC" },
		{ O_DIRECT, "DIRECT" }, { O_PATH, "PATH" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	if (!e->info)
		return "?";
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if ((e->fi.flags & fl[i].bit) == fl[i].bit && n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			    n ? "," : "", fl[i].name);
	return n ? buf : "-";
}

static void
sock_target(const struct fdent *e, char *buf, size_t size)
{
	const struct tri_sock *s = e->sock;
	size_t n;

	if (s == NULL) {
		/* Not in the namespace's tables (netlink, packet, ...): the
		 * protocol name the kernel keeps on the socket inode. */
		snprintf(buf, size, "socket:[%llu]", e->ino);
		return;
	}
	if (s->family == AF_UNIX) {
		n = (size_t)snprintf(buf, size, "%s %s", s->proto,
		    s->path ? s->path : "(unnamed)");
	} else {
		n = (size_t)snprintf(buf, size, "%s %s%s%s%s%s", s->proto,
		    s->local, s->remote[0] ? " -> " : "", s->remote,
		    s->state ? " " : "", tri_sock_state_name(s->state));
	}
	if (e->peer && n < size)
		snprintf(buf + n, size - n, " peer %s", e->peer);
}

static void
anon_target(const struct fdent *e, char *buf, size_t size)
{
	const struct tri_fdinfo *fi = &e->fi;
	char sigs[512];
	size_t n;
	int i;

	if (fi->has_eventfd)
		snprintf(buf, size, "eventfd count=%llu", fi->eventfd_count);
	else if (strcmp(e->type, "eventpoll") == 0) {
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
	else if (strcmp(e->type, "inotify") == 0)
		snprintf(buf, size, "inotify %d watch%s", fi->nwd,
		    fi->nwd == 1 ? "" : "es");
	else if (strcmp(e->type, "pidfd") == 0 && fi->pidfd_pid != 0)
		snprintf(buf, size, fi->pidfd_pid > 0 ? "pidfd pid %d" :
		    "pidfd (exited)", (int)fi->pidfd_pid);
	else
		snprintf(buf, size, "%s", e->link);
}

/* The TARGET text: raw bytes (paths are untrusted), escaped on output. */
void
fdent_target(const struct fdent *e, char *buf, size_t size)
{
	if (strcmp(e->type, "SOCK") == 0 && strncmp(e->link, "socket:", 7)
	    == 0)
		sock_target(e, buf, size);
	else if (e->pipe)
		snprintf(buf, size, "pipe:[%llu]%s%s", e->ino,
		    e->peer ? " peer " : "", e->peer ? e->peer : "");
	else if (e->deleted)
		snprintf(buf, size, "%s (deleted, %llu bytes)", e->link,
		    e->size);
	else if (e->link[0] == '/' || e->link[0] == '\0')
		snprintf(buf, size, "%s", e->link);
	else
		anon_target(e, buf, size);
}
