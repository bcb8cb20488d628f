/* cmd/systrace/decode_sockopt.c - socket options and protocols by level and domain, as strace shows them. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "systrace.h"

/* The set that names the options of a level, or -1. */
static int
level_set(int level)
{
	static int so = -2, ip = -2, tcp = -2, udp = -2, ip6 = -2, nl = -2;

	switch (level) {
	case SOL_SOCKET:	return set_once(&so, "so_options");
	case SOL_IP:		return set_once(&ip, "ip_options");
	case SOL_TCP:		return set_once(&tcp, "tcp_options");
	case SOL_UDP:		return set_once(&udp, "udp_options");
	case SOL_IPV6:		return set_once(&ip6, "ipv6_options");
	case SOL_NETLINK:	return set_once(&nl, "netlink_options");
	}
	return -1;
}

/* socket's and socketpair's protocol: IPPROTO_TCP, NETLINK_ROUTE, 0. */
void
sock_proto(struct dw *w)
{
	static int inet = -2, nl = -2;
	struct task *k = w->t->user;
	int dom = (int)k->args[0], proto = (int)k->args[2];

	if (dom == AF_INET || dom == AF_INET6)
		dw_enum(w, set_once(&inet, "inet_protocols"), proto);
	else if (dom == AF_NETLINK)
		dw_enum(w, set_once(&nl, "netlink_protocols"), proto);
	else
		dw_int(w, proto);
}

/* setsockopt's and getsockopt's option, by the level before it. */
void
sockopt_name(struct dw *w)
{
	struct task *k = w->t->user;
	int set = level_set((int)k->args[1]);

	if (set < 0)
		dw_int(w, (int)k->args[2]);
	else
		dw_enum(w, set, (int)k->args[2]);
}

/*
 * The option's value: an int as [1], struct linger and ucred as
 * objects, a name (TCP_CONGESTION, SO_BINDTODEVICE) and anything else as
 * its bytes.  setsockopt's length is its argument; getsockopt's is what
 * *optlen holds after the call, and a failed one shows the address.
 */
void
sockopt_val(struct dw *w, long ret, bool out)
{
	struct task *k = w->t->user;
	int level = (int)k->args[1], opt = (int)k->args[2], len, v[3];
	unsigned long addr = (unsigned long)k->args[3];

	if (addr == 0) {
		dw_null(w);
		return;
	}
	if (out) {
		if ((ret < 0 && ret > -4096) || k->args[4] == 0 ||
		    peek(w->t->tid, (unsigned long)k->args[4], &len,
		    sizeof(len)) < 0) {
			dw_hex(w, addr);
			return;
		}
	} else {
		len = (int)k->args[4];
	}
	if (len < 0) {
		dw_hex(w, addr);
		return;
	}
	if (level == SOL_SOCKET && (opt == SO_LINGER ||
	    opt == SO_PEERCRED) && (size_t)len >= (opt == SO_LINGER ? 2 : 3) *
	    sizeof(int) && peek(w->t->tid, addr, v, (opt == SO_LINGER ? 2 : 3) *
	    sizeof(int)) == 0) {
		dw_obj(w);
		if (opt == SO_LINGER) {
			dw_key(w, "l_onoff", "on");
			dw_int(w, v[0]);
			dw_key(w, "l_linger", "linger_seconds");
			dw_int(w, v[1]);
		} else {
			dw_key(w, "pid", "pid");
			dw_int(w, v[0]);
			dw_key(w, "uid", "uid");
			dw_int(w, v[1]);
			dw_key(w, "gid", "gid");
			dw_int(w, v[2]);
		}
		dw_end(w);
		return;
	}
	if (len == (int)sizeof(int) && !(level == SOL_TCP &&
	    (opt == TCP_CONGESTION || opt == TCP_ULP)) &&
	    !(level == SOL_SOCKET && opt == SO_BINDTODEVICE)) {
		dw_intptr(w, addr, false);
		return;
	}
	dw_buf(w, addr, len, false);
}
