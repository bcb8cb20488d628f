/* cmd/fdleak/target.c - the MODE, FLAGS and TARGET texts of one fd. */
#include <stdio.h>
#include <string.h>

#include "fdkind.h"
#include "fdleak.h"

const char *
fdent_access(const struct fdent *e)
{
	if (e->name)
		return "-";	/* cwd, rtd, txt, mem: no open mode */
	return e->info ? tri_fdkind_access(e->fi.flags) : "?";
}

const char *
fdent_flags(const struct fdent *e, char *buf, size_t size)
{
	if (!e->info) {
		buf[0] = '\0';
		return e->name ? "-" : "?";
	}
	return tri_fdkind_flags(e->fi.flags, buf, size);
}

static bool
sproto_inet(const char *p)
{
	static const char *const inet[] = {
		"TCP", "UDP", "RAW", "PING", "UDPLITE", "SCTP", "MPTCP",
	};
	size_t i, l;

	for (i = 0; i < sizeof(inet) / sizeof(inet[0]); i++) {
		l = strlen(inet[i]);
		if (strncmp(p, inet[i], l) == 0 && (p[l] == '\0' ||
		    strcmp(p + l, "6") == 0))
			return true;
	}
	return false;
}

/* A socket and, for a unix one, the process at the other end. */
static void
sock_target(const struct fdent *e, char *buf, size_t size)
{
	size_t n;

	if (e->sock == NULL && e->sproto[0]) {
		/* In no table: an inet socket not bound, or a family
		 * /proc/net does not list (AF_ALG, AF_VSOCK...). */
		snprintf(buf, size, sproto_inet(e->sproto) ? "%s (unbound)" :
		    "%s socket:[%llu]", e->sproto, e->ino);
		return;
	}
	n = (size_t)tri_fdkind_sock_text(e->sock, e->ino, buf, size);

	if (e->sock && e->peer && n < size)
		snprintf(buf + n, size - n, " peer %s", e->peer);
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
	else if (e->deleted && e->name && strcmp(e->name, "mem") == 0)
		snprintf(buf, size, "%s (deleted)", e->link);
	else if (e->deleted)
		snprintf(buf, size, "%s (deleted, %llu bytes)", e->link,
		    e->size);
	else if (e->link[0] == '/' || e->link[0] == '\0')
		snprintf(buf, size, "%s", e->link);
	else
		tri_fdkind_anon_text(e->type, &e->fi, e->link, buf, size);
}
