/* cmd/systrace/decode_io.c - sockaddr, msghdr, iovec, poll, epoll. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <linux/netlink.h>

#include "systrace.h"

#define MAX_ITEMS	32	/* array elements shown, as strace's -s */

static void
dw_family(struct dw *w, sa_family_t f)
{
	const char *fam = tri_syscalls_xlat(tri_syscalls_set_id(
	    "socket_domains"), f);

	dw_key(w, "sa_family", "family");
	if (fam)
		dw_sym(w, fam);
	else if (w->j)
		dw_uint(w, f);
	else
		dw_sym(w, "?");
}

static void
dw_inet(struct dw *w, const struct sockaddr_in *in)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
	dw_key(w, "sin_port", "port");
	dw_uint_in(w, "htons(", ntohs(in->sin_port), ")");
	if (w->j) {
		tri_json_kstr(w->j, "addr", ip);
		return;
	}
	sb_printf(w->b, ", sin_addr=inet_addr(\"%s\")", ip);
}

static void
dw_inet6(struct dw *w, const struct sockaddr_in6 *in6)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
	dw_key(w, "sin6_port", "port");
	dw_uint_in(w, "htons(", ntohs(in6->sin6_port), ")");
	dw_key(w, "sin6_flowinfo", "flowinfo");
	dw_uint_in(w, "htonl(", ntohl(in6->sin6_flowinfo), ")");
	if (w->j)
		tri_json_kstr(w->j, "addr", ip);
	else
		sb_printf(w->b, ", inet_pton(AF_INET6, \"%s\", &sin6_addr)", ip);
	dw_key(w, "sin6_scope_id", "scope_id");
	dw_uint(w, in6->sin6_scope_id);
}

/* sun_path="/run/x.sock", or @"name" for the abstract namespace. */
static void
dw_unix(struct dw *w, const struct sockaddr_un *un, size_t len)
{
	size_t n = len - offsetof(struct sockaddr_un, sun_path);
	bool abstract = n > 0 && un->sun_path[0] == '\0';

	dw_key(w, "sun_path", "path");
	if (abstract) {
		dw_text(w, "@");
		dw_str(w, un->sun_path + 1, n - 1, false);
	} else {
		dw_str(w, un->sun_path, strnlen(un->sun_path, n), false);
	}
	if (w->j)
		tri_json_kbool(w->j, "abstract", abstract);
}

/* nl_pid=0, nl_groups=00000000 */
static void
dw_netlink(struct dw *w, const struct sockaddr_nl *nl)
{
	dw_key(w, "nl_pid", "port_id");
	dw_uint(w, nl->nl_pid);
	dw_key(w, "nl_groups", "groups");
	if (w->j)
		dw_uint(w, nl->nl_groups);
	else
		sb_printf(w->b, "%08x", nl->nl_groups);
}

void
dw_sockaddr(struct dw *w, unsigned long addr, size_t len)
{
	struct sockaddr_storage ss;

	if (len > sizeof(ss))
		len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (len < sizeof(sa_family_t) || peek(w->t->tid, addr, &ss, len) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_family(w, ss.ss_family);
	if (ss.ss_family == AF_INET)
		dw_inet(w, (struct sockaddr_in *)&ss);
	else if (ss.ss_family == AF_INET6)
		dw_inet6(w, (struct sockaddr_in6 *)&ss);
	else if (ss.ss_family == AF_UNIX)
		dw_unix(w, (struct sockaddr_un *)&ss, len);
	else if (ss.ss_family == AF_NETLINK && len >= sizeof(struct sockaddr_nl))
		dw_netlink(w, (struct sockaddr_nl *)&ss);
	else
		dw_more(w);
	dw_end(w);
}

/* total: the bytes the call moved (each buffer shows its share), or -1. */
void
dw_iovec(struct dw *w, unsigned long addr, unsigned long long cnt, long total)
{
	struct iovec iov;
	unsigned long long i;
	long n;

	dw_arr(w);
	for (i = 0; i < cnt && i < MAX_ITEMS; i++) {
		if (peek(w->t->tid, addr + i * sizeof(iov), &iov, sizeof(iov)) < 0)
			break;
		n = (long)iov.iov_len;
		if (total >= 0 && n > total)
			n = total;
		dw_obj(w);
		dw_key(w, "iov_base", "data");
		dw_buf(w, (unsigned long)iov.iov_base, n, false);
		if (total >= 0)
			total -= n;
		dw_key(w, "iov_len", "len_bytes");
		dw_uint(w, iov.iov_len);
		dw_end(w);
	}
	dw_end(w);
}

void
dw_pollfds(struct dw *w, unsigned long addr, unsigned long long n)
{
	struct pollfd p;
	unsigned long long i;

	dw_arr(w);
	for (i = 0; i < n && i < MAX_ITEMS; i++) {
		if (peek(w->t->tid, addr + i * sizeof(p), &p, sizeof(p)) < 0)
			break;
		dw_obj(w);
		dw_key(w, "fd", "fd");
		dw_int(w, p.fd);
		dw_key(w, "events", "events");
		dw_flags_named(w, "poll_events", (unsigned short)p.events);
		if (w->j) {
			/* decoded at the exit in JSON (decode_args) */
			dw_key(w, NULL, "revents");
			dw_flags_named(w, "poll_events",
			    (unsigned short)p.revents);
		}
		dw_end(w);
	}
	dw_end(w);
}

/* poll's " ([{fd=3, revents=POLLIN}])": the fds that have events (text). */
void
sb_revents(struct sbuf *b, pid_t pid, unsigned long addr,
    unsigned long long n)
{
	struct pollfd p;
	unsigned long long i;
	const char *sep = "";

	sb_puts(b, " ([");
	for (i = 0; i < n && i < MAX_ITEMS; i++) {
		if (peek(pid, addr + i * sizeof(p), &p, sizeof(p)) < 0)
			break;
		if (p.revents == 0)
			continue;
		sb_printf(b, "%s{fd=%d, revents=", sep, p.fd);
		sep = ", ";
		{
			struct dw w = { .b = b };

			dw_flags_named(&w, "poll_events",
			    (unsigned short)p.revents);
		}
		sb_add(b, "}", 1);
	}
	sb_puts(b, "])");
}

static void
dw_epevent(struct dw *w, const struct epoll_event *e)
{
	dw_obj(w);
	dw_key(w, "events", "events");
	dw_flags_named(w, "epoll_events", e->events);
	if (w->j) {
		tri_json_kuint(w->j, "data", (unsigned long long)e->data.u64);
	} else {
		sb_printf(w->b, ", data={u32=%u, u64=%llu}",
		    (unsigned)e->data.u32, (unsigned long long)e->data.u64);
	}
	dw_end(w);
}

/* n events at addr; one: epoll_ctl's single event, not an array. */
void
dw_epevents(struct dw *w, unsigned long addr, long n, bool one)
{
	struct epoll_event e;
	long i;

	if (one) {
		if (peek(w->t->tid, addr, &e, sizeof(e)) < 0)
			dw_hex(w, addr);
		else
			dw_epevent(w, &e);
		return;
	}
	dw_arr(w);
	for (i = 0; i < n && i < MAX_ITEMS; i++) {
		if (peek(w->t->tid, addr + (unsigned long)i * sizeof(e), &e,
		    sizeof(e)) < 0)
			break;
		dw_epevent(w, &e);
	}
	dw_end(w);
}

/* sendmsg's and recvmsg's struct msghdr; total: the bytes moved, or -1. */
void
dw_msghdr(struct dw *w, unsigned long addr, long total)
{
	struct msghdr m;

	if (peek(w->t->tid, addr, &m, sizeof(m)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "msg_name", "name");
	if (m.msg_name && m.msg_namelen)
		dw_sockaddr(w, (unsigned long)m.msg_name, m.msg_namelen);
	else
		dw_null(w);
	dw_key(w, "msg_namelen", "name_len_bytes");
	dw_uint(w, m.msg_namelen);
	dw_key(w, "msg_iov", "iov");
	if (m.msg_iov)
		dw_iovec(w, (unsigned long)m.msg_iov, m.msg_iovlen, total);
	else
		dw_null(w);
	dw_key(w, "msg_iovlen", "iov_count");
	dw_uint(w, (unsigned long long)m.msg_iovlen);
	dw_key(w, "msg_controllen", "control_len_bytes");
	dw_uint(w, (unsigned long long)m.msg_controllen);
	dw_key(w, "msg_flags", "flags");
	dw_flags_named(w, "msg_flags", (unsigned)m.msg_flags);
	dw_end(w);
}
