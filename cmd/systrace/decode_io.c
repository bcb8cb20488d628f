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

#include "systrace.h"

#define MAX_ITEMS	32	/* array elements shown, as strace's -s */

void
sb_sockaddr(struct sbuf *b, pid_t pid, unsigned long addr, size_t len)
{
	struct sockaddr_storage ss;
	char ip[INET6_ADDRSTRLEN];
	const char *fam;

	if (len > sizeof(ss))
		len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (len < sizeof(sa_family_t) || peek(pid, addr, &ss, len) < 0) {
		sb_hex(b, addr);
		return;
	}
	fam = tri_syscalls_xlat(tri_syscalls_set_id("socket_domains"),
	    ss.ss_family);
	sb_printf(b, "{sa_family=%s", fam ? fam : "?");
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		sb_printf(b, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}",
		    ntohs(in->sin_port), ip);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		sb_printf(b, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), "
		    "inet_pton(AF_INET6, \"%s\", &sin6_addr), sin6_scope_id=%u}",
		    ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo), ip,
		    in6->sin6_scope_id);
	} else if (ss.ss_family == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;
		size_t n = len - offsetof(struct sockaddr_un, sun_path);
		size_t l = strnlen(un->sun_path, n);

		sb_puts(b, ", sun_path=");
		if (n > 0 && un->sun_path[0] == '\0') {
			sb_puts(b, "@");
			sb_quote(b, (unsigned char *)un->sun_path + 1, n - 1);
		} else {
			sb_quote(b, (unsigned char *)un->sun_path, l);
		}
		sb_puts(b, "}");
	} else {
		sb_puts(b, ", ...}");
	}
}

void
sb_iovec(struct ctl *ctl, struct sbuf *b, struct tri_ptrace_task *t,
    unsigned long addr, unsigned long long cnt, long total)
{
	struct task *k = t->user;
	struct iovec iov;
	struct sbuf save = k->line;
	unsigned long long i;
	bool json = ctl->json;

	k->line = *b;
	ctl->json = false;
	sb_add(&k->line, "[", 1);
	for (i = 0; i < cnt && i < MAX_ITEMS; i++) {
		if (peek(t->tid, addr + i * sizeof(iov), &iov, sizeof(iov)) < 0)
			break;
		if (i)
			sb_add(&k->line, ", ", 2);
		sb_puts(&k->line, "{iov_base=");
		long n = (long)iov.iov_len;

		if (total >= 0 && n > total)
			n = total;
		emit_buf(ctl, t, (unsigned long)iov.iov_base, n);
		if (total >= 0)
			total -= n;
		sb_printf(&k->line, ", iov_len=%zu}", iov.iov_len);
	}
	sb_add(&k->line, "]", 1);
	ctl->json = json;
	*b = k->line;
	k->line = save;
}

void
sb_pollfds(struct sbuf *b, pid_t pid, unsigned long addr,
    unsigned long long n)
{
	struct pollfd p;
	unsigned long long i;

	sb_add(b, "[", 1);
	for (i = 0; i < n && i < MAX_ITEMS; i++) {
		if (peek(pid, addr + i * sizeof(p), &p, sizeof(p)) < 0)
			break;
		sb_printf(b, "%s{fd=%d, events=", i ? ", " : "", p.fd);
		sb_set(b, "poll_events", (unsigned short)p.events);
		sb_add(b, "}", 1);
	}
	sb_add(b, "]", 1);
}

void
sb_epevent(struct sbuf *b, const struct epoll_event *e)
{
	sb_puts(b, "{events=");
	sb_set(b, "epoll_events", e->events);
	sb_printf(b, ", data={u32=%u, u64=%llu}}", (unsigned)e->data.u32,
	    (unsigned long long)e->data.u64);
}

void
sb_epevents(struct sbuf *b, pid_t pid, unsigned long addr, long n)
{
	struct epoll_event e;
	long i;

	sb_add(b, "[", 1);
	for (i = 0; i < n && i < MAX_ITEMS; i++) {
		if (peek(pid, addr + (unsigned long)i * sizeof(e), &e,
		    sizeof(e)) < 0)
			break;
		if (i)
			sb_add(b, ", ", 2);
		sb_epevent(b, &e);
	}
	sb_add(b, "]", 1);
}

/* sendmsg's and recvmsg's struct msghdr; total: the bytes moved, or -1. */
void
sb_msghdr(struct ctl *ctl, struct sbuf *b, struct tri_ptrace_task *t,
    unsigned long addr, long total)
{
	struct msghdr m;

	if (peek(t->tid, addr, &m, sizeof(m)) < 0) {
		sb_hex(b, addr);
		return;
	}
	sb_puts(b, "{msg_name=");
	if (m.msg_name && m.msg_namelen)
		sb_sockaddr(b, t->tid, (unsigned long)m.msg_name, m.msg_namelen);
	else
		sb_puts(b, "NULL");
	sb_printf(b, ", msg_namelen=%u, msg_iov=", (unsigned)m.msg_namelen);
	if (m.msg_iov)
		sb_iovec(ctl, b, t, (unsigned long)m.msg_iov, m.msg_iovlen, total);
	else
		sb_puts(b, "NULL");
	sb_printf(b, ", msg_iovlen=%zu, msg_controllen=%zu, msg_flags=",
	    (size_t)m.msg_iovlen, (size_t)m.msg_controllen);
	sb_set(b, "msg_flags", (unsigned)m.msg_flags);
	sb_puts(b, "}");
}
