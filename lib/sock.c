/* lib/sock.c - socket inode -> protocol, addresses, TCP state, unix peer. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "proc.h"
#include "sock.h"

static const char *const tcp_states[] = {
	"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"NEW_SYN_RECV",
};

const char *
tri_sock_state_name(int state)
{
	if (state < 0 || (size_t)state >= sizeof(tcp_states) /
	    sizeof(tcp_states[0]))
		return "UNKNOWN";
	return tcp_states[state];
}

/* SS_* of /proc/net/unix St, and __SO_ACCEPTCON for a listener. */
static const char *const unix_states[] = {
	"", "UNCONNECTED", "CONNECTING", "CONNECTED", "DISCONNECTING",
};

const char *
tri_sock_state_text(const struct tri_sock *s)
{
	if (s->family != AF_UNIX)
		return tri_sock_state_name(s->state);
	if (s->state == TRI_SOCK_UNIX_LISTEN)
		return "LISTEN";
	if (s->state < 0 || (size_t)s->state >= sizeof(unix_states) /
	    sizeof(unix_states[0]))
		return "UNKNOWN";
	return unix_states[s->state];
}

int
tri_sock_protoname(const struct tri_proc *p, int fd, char *buf, size_t size)
{
	char path[64], name[32];
	ssize_t n;
	size_t l;

	snprintf(path, sizeof(path), "/proc/self/fd/%d/fd/%d", p->dirfd, fd);
	if ((n = getxattr(path, "system.sockprotoname", name,
	    sizeof(name) - 1)) <= 0)
		return -1;
	name[n] = '\0';
	l = strlen(name);
	/* "UDPv6" as /proc/net names the table: "UDP6", like TCP6 */
	if (l > 2 && strcmp(name + l - 2, "v6") == 0) {
		name[l - 2] = '6';
		name[l - 1] = '\0';
	}
	snprintf(buf, size, "%s", name);
	return 0;
}

static struct tri_sock *
push(struct tri_socktab *t)
{
	struct tri_sock *nv;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		if ((nv = realloc(t->v, t->cap * sizeof(*nv))) == NULL)
			return NULL;
		t->v = nv;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

/*
 * Whether the socket of inode ino is kept: always, unless the load is
 * tri_sock_load_want's, which keeps each wanted inode the first time it
 * is seen (a text table read while it changes may list one twice).
 */
static size_t
ino_hash(unsigned long long ino, size_t cap)
{
	return (size_t)(ino * 0x9e3779b97f4a7c15ULL) & (cap - 1);
}

/* The index of ino in want, or nwant. */
static size_t
want_index(const struct tri_socktab *t, unsigned long long ino)
{
	size_t h = ino_hash(ino, t->whcap), i;

	while ((i = t->whash[h]) != 0) {
		if (t->want[i - 1] == ino)
			return i - 1;
		h = (h + 1) & (t->whcap - 1);
	}
	return t->nwant;
}

static bool
keep(struct tri_socktab *t, unsigned long long ino)
{
	size_t i;

	if (t->want == NULL)
		return true;
	if ((i = want_index(t, ino)) == t->nwant || t->found[i])
		return false;
	t->found[i] = 1;
	t->nfound++;
	return true;
}

/* Undo keep's mark of ino (a dump that failed is read again as text). */
static void
unmark(struct tri_socktab *t, unsigned long long ino)
{
	size_t i = want_index(t, ino);

	if (i < t->nwant && t->found[i]) {
		t->found[i] = 0;
		t->nfound--;
	}
}

/* Every wanted socket was found: the other tables need not be read. */
static bool
all_found(const struct tri_socktab *t)
{
	return t->want != NULL && t->nfound == t->nwant;
}

/* Hex digits into v; returns the end or NULL. */
static const char *
hex(const char *s, unsigned long long *v)
{
	int n = 0;

	*v = 0;
	for (;; s++, n++) {
		if (*s >= '0' && *s <= '9')
			*v = *v << 4 | (unsigned)(*s - '0');
		else if (*s >= 'A' && *s <= 'F')
			*v = *v << 4 | (unsigned)(*s - 'A' + 10);
		else if (*s >= 'a' && *s <= 'f')
			*v = *v << 4 | (unsigned)(*s - 'a' + 10);
		else
			break;
	}
	return n ? s : NULL;
}

/*
 * "0100007F:1F90" (v4) or 32 hex digits ":port" (v6).  The address is the
 * kernel's in-memory words printed with %08X, so each 32-bit word is read
 * as a native integer and copied back as it was.
 */
static const char *
addr_text(const char *s, int family, char *out, size_t size)
{
	unsigned char a[16];
	unsigned long long w, port;
	char txt[INET6_ADDRSTRLEN];
	int i, words = family == AF_INET ? 1 : 4;
	uint32_t u;
	char chunk[9];

	for (i = 0; i < words; i++) {
		/* strnlen, not memcpy: a short line must not be read past its
		 * end (found by fuzz_net) */
		if (strnlen(s, 8) < 8)
			return NULL;
		memcpy(chunk, s, 8);
		chunk[8] = '\0';
		if (hex(chunk, &w) != chunk + 8)
			return NULL;
		u = (uint32_t)w;
		memcpy(a + 4 * i, &u, 4);
		s += 8;
	}
	if (*s++ != ':' || (s = hex(s, &port)) == NULL)
		return NULL;
	if (inet_ntop(family, a, txt, sizeof(txt)) == NULL)
		return NULL;
	snprintf(out, size, family == AF_INET ? "%s:%llu" : "[%s]:%llu",
	    txt, port);
	return s;
}

/* A binary address (network order) and port as addr_text writes them. */
static void
inet_text(int family, const uint32_t *a, unsigned int port, char *out,
    size_t size)
{
	char txt[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, txt, sizeof(txt)) == NULL)
		txt[0] = '\0';
	snprintf(out, size, family == AF_INET ? "%s:%u" : "[%s]:%u", txt, port);
}

static const char *
field(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

static const char *
skip(const char *s, int n)
{
	while (n-- > 0) {
		s = field(s);
		while (*s && *s != ' ' && *s != '\n')
			s++;
	}
	return field(s);
}

int
tri_sock_parse_inet(const char *line, int family, struct tri_sock *s)
{
	unsigned long long st, ino;
	const char *p;

	p = skip(line, 1);	/* "sl:" */
	if ((p = addr_text(p, family, s->local, sizeof(s->local))) == NULL)
		goto bad;
	if ((p = addr_text(field(p), family, s->remote, sizeof(s->remote))) ==
	    NULL)
		goto bad;
	if ((p = hex(field(p), &st)) == NULL)
		goto bad;
	/* tx:rx tr:tm retrnsmt uid timeout inode */
	p = skip(p, 5);
	ino = strtoull(p, NULL, 10);
	s->family = family;
	s->state = (int)st;
	s->ino = ino;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Remote "0.0.0.0:0" / "[::]:0" means unconnected: show nothing. */
static void
clear_unconnected(struct tri_sock *s)
{
	if (strcmp(s->remote, "0.0.0.0:0") == 0 ||
	    strcmp(s->remote, "[::]:0") == 0)
		s->remote[0] = '\0';
}

struct inet_table {
	const char	*file, *proto;
	int		 family, type;
};

static const struct inet_table inet_tables[] = {
	{ "net/tcp", "TCP", AF_INET, SOCK_STREAM },
	{ "net/tcp6", "TCP6", AF_INET6, SOCK_STREAM },
	{ "net/udp", "UDP", AF_INET, SOCK_DGRAM },
	{ "net/udp6", "UDP6", AF_INET6, SOCK_DGRAM },
	{ "net/udplite", "UDPLITE", AF_INET, SOCK_DGRAM },
	{ "net/udplite6", "UDPLITE6", AF_INET6, SOCK_DGRAM },
	{ "net/raw", "RAW", AF_INET, SOCK_RAW },
	{ "net/raw6", "RAW6", AF_INET6, SOCK_RAW },
};

static int
load_inet(struct tri_socktab *t, const struct tri_proc *p,
    const struct inet_table *it)
{
	char *buf, *line, *eol;
	struct tri_sock *s;
	size_t len;

	if ((buf = tri_proc_read_all(p, it->file, &len)) == NULL)
		return errno == ESRCH ? -1 : 0;	/* no such table: no IPv6 */
	line = strchr(buf, '\n');	/* the header */
	for (; line && *++line; line = eol) {
		eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		if ((s = push(t)) == NULL)
			goto fail;
		if (tri_sock_parse_inet(line, it->family, s) < 0 || s->ino == 0 ||
		    !keep(t, s->ino)) {
			t->n--;		/* a TIME_WAIT entry has no inode */
			if (!eol)
				break;
			continue;
		}
		s->proto = it->proto;
		s->type = it->type;
		if (it->type != SOCK_STREAM)
			s->state = 0;	/* UDP/RAW reuse TCP numbers loosely */
		clear_unconnected(s);
		if (!eol)
			break;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

static const char *
unix_proto(int type)
{
	switch (type) {
	case SOCK_STREAM:	return "UNIX-STREAM";
	case SOCK_DGRAM:	return "UNIX-DGRAM";
	case SOCK_SEQPACKET:	return "UNIX-SEQPACKET";
	default:		return "UNIX";
	}
}

/* "Num RefCount Protocol Flags Type St Inode Path" */
static int
unix_line(struct tri_socktab *t, const char *line)
{
	unsigned long long flags, type, st, ino;
	struct tri_sock *s;
	const char *p;
	char *end;

	p = skip(line, 3);
	if ((p = hex(p, &flags)) == NULL || (p = hex(field(p), &type)) == NULL ||
	    (p = hex(field(p), &st)) == NULL)
		return 0;
	ino = strtoull(field(p), &end, 10);
	if (!keep(t, ino))
		return 0;
	if ((s = push(t)) == NULL)
		return -1;
	s->family = AF_UNIX;
	s->type = (int)type;
	s->state = flags & 0x10000 /* __SO_ACCEPTCON */ ?
	    TRI_SOCK_UNIX_LISTEN : (int)st;
	s->proto = unix_proto(s->type);
	s->ino = ino;
	p = end;
	if (*p == ' ' && p[1]) {
		s->path_len = strlen(p + 1);
		if ((s->path = malloc(s->path_len + 1)) == NULL)
			return -1;
		memcpy(s->path, p + 1, s->path_len + 1);
	}
	return 0;
}

/* Netlink protocols by the names <linux/netlink.h> gives them. */
static const char *const netlink_protos[] = {
	[NETLINK_ROUTE] = "ROUTE",
	[NETLINK_USERSOCK] = "USERSOCK",
	[NETLINK_FIREWALL] = "FIREWALL",
	[NETLINK_SOCK_DIAG] = "SOCK_DIAG",
	[NETLINK_NFLOG] = "NFLOG",
	[NETLINK_XFRM] = "XFRM",
	[NETLINK_SELINUX] = "SELINUX",
	[NETLINK_ISCSI] = "ISCSI",
	[NETLINK_AUDIT] = "AUDIT",
	[NETLINK_FIB_LOOKUP] = "FIB_LOOKUP",
	[NETLINK_CONNECTOR] = "CONNECTOR",
	[NETLINK_NETFILTER] = "NETFILTER",
	[NETLINK_IP6_FW] = "IP6_FW",
	[NETLINK_DNRTMSG] = "DNRTMSG",
	[NETLINK_KOBJECT_UEVENT] = "KOBJECT_UEVENT",
	[NETLINK_GENERIC] = "GENERIC",
	[NETLINK_SCSITRANSPORT] = "SCSITRANSPORT",
	[NETLINK_ECRYPTFS] = "ECRYPTFS",
	[NETLINK_RDMA] = "RDMA",
	[NETLINK_CRYPTO] = "CRYPTO",
	[NETLINK_SMC] = "SMC",
};

/*
 * net/netlink: "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode", Eth
 * being the netlink protocol and Pid the port id.  net/packet: "sk RefCnt
 * Type Proto Iface R Rmem User Inode", Proto the ethertype in hex.
 */
static int
netlink_line(struct tri_socktab *t, const char *line)
{
	unsigned long long proto, port, ino;
	struct tri_sock *s;
	const char *p;
	char *end;

	p = field(skip(line, 1));
	proto = strtoull(p, &end, 10);
	port = strtoull(field(end), &end, 10);
	p = skip(end, 6);		/* Groups .. Drops */
	if (p == NULL || *field(p) == '\0')
		return 0;
	ino = strtoull(field(p), NULL, 10);
	if (!keep(t, ino))
		return 0;
	if ((s = push(t)) == NULL)
		return -1;
	s->family = AF_NETLINK;
	s->type = SOCK_RAW;
	s->proto = "NETLINK";
	s->ino = ino;
	if (proto < sizeof(netlink_protos) / sizeof(netlink_protos[0]) &&
	    netlink_protos[proto] != NULL)
		snprintf(s->local, sizeof(s->local), "%s port %llu",
		    netlink_protos[proto], port);
	else
		snprintf(s->local, sizeof(s->local), "proto %llu port %llu",
		    proto, port);
	return 0;
}

static int
packet_line(struct tri_socktab *t, const char *line)
{
	unsigned long long type, ethertype, iface, ino;
	struct tri_sock *s;
	const char *p;
	char *end;

	p = field(skip(line, 2));
	type = strtoull(p, &end, 10);
	if ((p = hex(field(end), &ethertype)) == NULL)
		return 0;
	iface = strtoull(field(p), &end, 10);
	p = skip(end, 3);		/* R, Rmem, User */
	if (p == NULL || *field(p) == '\0')
		return 0;
	ino = strtoull(field(p), NULL, 10);
	if (!keep(t, ino))
		return 0;
	if ((s = push(t)) == NULL)
		return -1;
	s->family = AF_PACKET;
	s->type = (int)type;
	s->proto = "PACKET";
	s->ino = ino;
	snprintf(s->local, sizeof(s->local), "ethertype 0x%04llx iface %llu",
	    ethertype, iface);
	return 0;
}

/* A table of one line per socket after a header line. */
static int
load_lines(struct tri_socktab *t, const struct tri_proc *p, const char *name,
    int (*one)(struct tri_socktab *, const char *))
{
	char *buf, *line, *eol;
	size_t len;
	int r = 0;

	if ((buf = tri_proc_read_all(p, name, &len)) == NULL)
		return errno == ESRCH ? -1 : 0;
	line = strchr(buf, '\n');
	for (; line && *++line && r == 0; line = eol) {
		eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		r = one(t, line);
		if (!eol)
			break;
	}
	free(buf);
	return r;
}

static void
hash_insert(struct tri_socktab *t, size_t i)
{
	size_t h = (size_t)(t->v[i].ino * 0x9e3779b97f4a7c15ULL) & (t->hcap - 1);

	while (t->hash[h] != 0)
		h = (h + 1) & (t->hcap - 1);
	t->hash[h] = i + 1;
}

static int
build_hash(struct tri_socktab *t)
{
	size_t i;

	for (t->hcap = 64; t->hcap < 2 * t->n; t->hcap *= 2)
		;
	if ((t->hash = calloc(t->hcap, sizeof(*t->hash))) == NULL)
		return -1;
	for (i = 0; i < t->n; i++)
		hash_insert(t, i);
	return 0;
}

const struct tri_sock *
tri_sock_find(const struct tri_socktab *t, unsigned long long ino)
{
	size_t h, i;

	if (t->hcap == 0)
		return NULL;
	h = (size_t)(ino * 0x9e3779b97f4a7c15ULL) & (t->hcap - 1);
	while ((i = t->hash[h]) != 0) {
		if (t->v[i - 1].ino == ino)
			return &t->v[i - 1];
		h = (h + 1) & (t->hcap - 1);
	}
	return NULL;
}

unsigned long long
tri_sock_netns(const struct tri_proc *p)
{
	struct stat st;

	if (fstatat(p->dirfd, "ns/net", &st, 0) < 0)
		return 0;
	return (unsigned long long)st.st_ino;
}

static unsigned long long
own_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) == 0 ?
	    (unsigned long long)st.st_ino : 0;
}

/*
 * A sock_diag socket in another network namespace: a child enters it
 * (setns), makes the socket there and passes it back over a socketpair.
 * A socket stays bound to the namespace it was made in, so we never leave
 * our own.  -1 with errno when setns is refused (needs CAP_SYS_ADMIN).
 */
static int
diag_socket_in(const struct tri_proc *p)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b = 0;
	struct iovec iov = { &b, 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	int sp[2], nsfd, fd = -1, status;
	pid_t pid;

	if ((nsfd = openat(p->dirfd, "ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp) < 0) {
		close(nsfd);
		return -1;
	}
	if ((pid = fork()) == 0) {
		close(sp[0]);
		if (setns(nsfd, CLONE_NEWNET) < 0 || (fd = socket(AF_NETLINK,
		    SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) < 0)
			_exit(1);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		_exit(sendmsg(sp[1], &m, 0) == 1 ? 0 : 1);
	}
	close(nsfd);
	close(sp[1]);
	if (pid > 0) {
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		if (recvmsg(sp[0], &m, MSG_CMSG_CLOEXEC) == 1 &&
		    (c = CMSG_FIRSTHDR(&m)) != NULL && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	close(sp[0]);
	if (fd < 0)
		errno = EPERM;
	return fd;
}

static int
diag_send(int fd, const void *req, size_t len)
{
	struct {
		struct nlmsghdr		nlh;
		char			req[sizeof(struct inet_diag_req_v2)];
	} msg;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	memcpy(msg.req, req, len);
	return sendto(fd, &msg, msg.nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) < 0 ? -1 : 0;
}

/* One unix_diag_msg: set the peer of the socket we know by inode. */
static int
unix_one(struct tri_socktab *t, const struct nlmsghdr *h, const void *arg)
{
	const struct unix_diag_msg *d = NLMSG_DATA(h);
	const struct rtattr *a;
	struct tri_sock *s;
	int len;
	uint32_t peer;

	(void)arg;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*d)))
		return 0;
	s = (struct tri_sock *)tri_sock_find(t, d->udiag_ino);
	if (s == NULL)
		return 0;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*d)));
	for (a = (const struct rtattr *)(d + 1); RTA_OK(a, len);
	    a = RTA_NEXT(a, len))
		if (a->rta_type == UNIX_DIAG_PEER &&
		    RTA_PAYLOAD(a) >= sizeof(peer)) {
			memcpy(&peer, RTA_DATA(a), sizeof(peer));
			s->peer = peer;
		}
	return 0;
}

/* A unix socket's name as /proc/net/unix prints it: an abstract name
 * starts with '@', a NUL inside it is '@' too, a path loses the NUL
 * the kernel counts in its length. */
static int
unix_name(struct tri_sock *s, const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	if (name[0] != '\0')
		len--;
	if ((s->path = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		s->path[i] = name[i] ? name[i] : '@';
	s->path[len] = '\0';
	s->path_len = len;
	return 0;
}

/*
 * One unix_diag_msg of a dump asking for names and peers: the socket as
 * /proc/net/unix shows it, without formatting and parsing that text.
 * The St column is the socket's SS_ state, which follows sk_state: a
 * connected socket is ESTABLISHED, any other CLOSE; a listener is
 * LISTEN (the text's __SO_ACCEPTCON flag).
 */
static int
unix_full_one(struct tri_socktab *t, const struct nlmsghdr *h,
    const void *arg)
{
	const struct unix_diag_msg *d = NLMSG_DATA(h);
	const struct rtattr *a;
	const char *name = NULL;
	struct tri_sock *s;
	size_t nlen = 0;
	uint32_t peer = 0;
	int len;

	(void)arg;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*d)) || !keep(t, d->udiag_ino))
		return 0;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*d)));
	for (a = (const struct rtattr *)(d + 1); RTA_OK(a, len);
	    a = RTA_NEXT(a, len))
		if (a->rta_type == UNIX_DIAG_PEER &&
		    RTA_PAYLOAD(a) >= sizeof(peer))
			memcpy(&peer, RTA_DATA(a), sizeof(peer));
		else if (a->rta_type == UNIX_DIAG_NAME) {
			name = RTA_DATA(a);
			nlen = RTA_PAYLOAD(a);
		}
	if ((s = push(t)) == NULL)
		return -1;
	s->family = AF_UNIX;
	s->type = d->udiag_type;
	s->proto = unix_proto(s->type);
	s->state = d->udiag_state == 10 /* TCP_LISTEN */ ?
	    TRI_SOCK_UNIX_LISTEN : d->udiag_state == 1 /* TCP_ESTABLISHED */ ?
	    3 /* SS_CONNECTED */ : 1 /* SS_UNCONNECTED */;
	s->ino = d->udiag_ino;
	s->peer = peer;
	return unix_name(s, name, nlen);
}

/*
 * One inet_diag_msg of a TCP dump: the socket as /proc/net/tcp shows it.
 * TIME_WAIT and request sockets have no inode and are left out, as the
 * text tables' readers do.
 */
static int
inet_one(struct tri_socktab *t, const struct nlmsghdr *h, const void *arg)
{
	const struct inet_table *it = arg;
	const struct inet_diag_msg *d = NLMSG_DATA(h);
	struct tri_sock *s;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*d)) || d->idiag_inode == 0 ||
	    d->idiag_family != it->family || !keep(t, d->idiag_inode))
		return 0;
	if ((s = push(t)) == NULL)
		return -1;
	s->ino = d->idiag_inode;
	s->family = it->family;
	s->type = it->type;
	s->proto = it->proto;
	s->state = d->idiag_state;
	inet_text(it->family, d->id.idiag_src, ntohs(d->id.idiag_sport),
	    s->local, sizeof(s->local));
	inet_text(it->family, d->id.idiag_dst, ntohs(d->id.idiag_dport),
	    s->remote, sizeof(s->remote));
	clear_unconnected(s);
	return 0;
}

typedef int (*diag_fn)(struct tri_socktab *, const struct nlmsghdr *,
    const void *);

/* Read one dump to its end: 0, or -1 (a netlink error, or memory). */
static int
diag_dump(struct tri_socktab *t, int fd, diag_fn one, const void *arg)
{
	size_t size = 65536;
	const struct nlmsghdr *h;
	char *buf;
	ssize_t n;
	int r = -1;

	if ((buf = malloc(size)) == NULL)
		return -1;
	for (;;) {
		if ((n = recv(fd, buf, size, 0)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0)
			break;
		for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		    h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				r = 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR || one(t, h, arg) < 0)
				goto out;
		}
	}
out:
	free(buf);
	return r;
}

/* A sock_diag socket in p's network namespace, or -1. */
static int
diag_open(const struct tri_socktab *t, const struct tri_proc *p)
{
	if (t->netns == own_netns())
		return socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		    NETLINK_SOCK_DIAG);
	return diag_socket_in(p);
}

/*
 * The TCP sockets of one family from inet_diag: binary, and several times
 * cheaper than formatting and parsing /proc/net/tcp.  -1 to fall back to
 * the text table (the dump failed; whatever it added is dropped).
 */
static int
load_inet_diag(struct tri_socktab *t, int fd, const struct inet_table *it)
{
	struct inet_diag_req_v2 req;
	size_t n0 = t->n, i;

	memset(&req, 0, sizeof(req));
	req.sdiag_family = (uint8_t)it->family;
	req.sdiag_protocol = IPPROTO_TCP;
	/*
	 * Every state but TIME_WAIT (6) and NEW_SYN_RECV (12): those are
	 * not sockets of a file (no inode), and a busy server has tens of
	 * thousands of TIME_WAIT that the kernel would format for nothing.
	 */
	req.idiag_states = ~0U & ~(1U << 6 | 1U << 12);
	if (diag_send(fd, &req, sizeof(req)) == 0 &&
	    diag_dump(t, fd, inet_one, it) == 0)
		return 0;
	for (i = n0; t->want && i < t->n; i++)
		unmark(t, t->v[i].ino);
	t->n = n0;
	return -1;
}

/*
 * The unix sockets with their names and peers from one unix_diag dump.
 * -1 to fall back to the text table (whatever it added is dropped, and
 * its marks of wanted inodes with it).
 */
static int
load_unix_diag(struct tri_socktab *t, int fd)
{
	struct unix_diag_req req;
	size_t n0 = t->n, nf0 = t->nfound, i;

	memset(&req, 0, sizeof(req));
	req.sdiag_family = AF_UNIX;
	req.udiag_states = ~0U;
	req.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
	if (diag_send(fd, &req, sizeof(req)) == 0 &&
	    diag_dump(t, fd, unix_full_one, NULL) == 0)
		return 0;
	for (i = n0; i < t->n; i++) {
		free(t->v[i].path);
		if (t->want)
			unmark(t, t->v[i].ino);
	}
	t->n = n0;
	t->nfound = nf0;
	return -1;
}

static void
load_peers(struct tri_socktab *t, int fd)
{
	struct unix_diag_req req;

	memset(&req, 0, sizeof(req));
	req.sdiag_family = AF_UNIX;
	req.udiag_states = ~0U;
	req.udiag_show = UDIAG_SHOW_PEER;
	t->peers = diag_send(fd, &req, sizeof(req)) == 0 &&
	    diag_dump(t, fd, unix_one, NULL) == 0;
}

/*
 * The tables in the order of how likely a process holds their sockets,
 * so that a load that wants a few stops early: TCP and unix from
 * netlink when it may, then the rest.  Unix from text when netlink is
 * refused; its peers then come from a second dump if one works.
 */
static int
load(struct tri_socktab *t, const struct tri_proc *p, int fd)
{
	const struct inet_table *it;
	bool unix_done = false;
	size_t i;

	for (i = 0; i < sizeof(inet_tables) / sizeof(inet_tables[0]) &&
	    !all_found(t); i++) {
		it = &inet_tables[i];
		if (fd >= 0 && it->type == SOCK_STREAM &&
		    load_inet_diag(t, fd, it) == 0)
			;
		else if (load_inet(t, p, it) < 0)
			return -1;
		if (i == 0 && fd >= 0 && load_unix_diag(t, fd) == 0)
			unix_done = t->peers = true;
	}
	if ((!unix_done && !all_found(t) &&
	    load_lines(t, p, "net/unix", unix_line) < 0) ||
	    (!all_found(t) && load_lines(t, p, "net/netlink",
	    netlink_line) < 0) ||
	    (!all_found(t) && load_lines(t, p, "net/packet",
	    packet_line) < 0) ||
	    build_hash(t) < 0)
		return -1;
	if (fd >= 0 && !unix_done)
		load_peers(t, fd);
	return 0;
}

static int
load_with(struct tri_socktab *t, const struct tri_proc *p, bool netlink)
{
	int fd, r, e;

	t->netns = tri_sock_netns(p);
	fd = netlink ? diag_open(t, p) : -1;
	r = load(t, p, fd);
	e = errno;
	if (fd >= 0)
		close(fd);
	free(t->found);
	free(t->whash);
	t->found = NULL;
	t->whash = NULL;
	t->want = NULL;
	t->nwant = t->nfound = t->whcap = 0;
	if (r < 0) {
		tri_sock_free(t);
		errno = e;
	}
	return r;
}

int
tri_sock_load(struct tri_socktab *t, const struct tri_proc *p)
{
	return tri_sock_load_from(t, p, true);
}

int
tri_sock_load_from(struct tri_socktab *t, const struct tri_proc *p,
    bool netlink)
{
	memset(t, 0, sizeof(*t));
	return load_with(t, p, netlink);
}

int
tri_sock_load_want(struct tri_socktab *t, const struct tri_proc *p,
    const unsigned long long *want, size_t n)
{
	size_t i, h;

	memset(t, 0, sizeof(*t));
	if (n == 0) {
		t->netns = tri_sock_netns(p);
		return build_hash(t) < 0 ? -1 : 0;
	}
	for (t->whcap = 64; t->whcap < 2 * n; t->whcap *= 2)
		;
	if ((t->found = calloc(n, 1)) == NULL ||
	    (t->whash = calloc(t->whcap, sizeof(*t->whash))) == NULL) {
		free(t->found);
		t->found = NULL;
		return -1;
	}
	t->want = want;
	t->nwant = n;
	for (i = 0; i < n; i++) {
		h = ino_hash(want[i], t->whcap);
		while (t->whash[h] != 0)
			h = (h + 1) & (t->whcap - 1);
		t->whash[h] = i + 1;
	}
	return load_with(t, p, true);
}

void
tri_sock_free(struct tri_socktab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}
