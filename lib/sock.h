/* lib/sock.h - socket inode -> protocol, addresses, TCP state, unix peer. */
#ifndef TRI_SOCK_H
#define TRI_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tri_proc;

/* One socket of a network namespace, as its /proc/PID/net tables say. */
struct tri_sock {
	unsigned long long	 ino;
	int			 family;	/* AF_INET, AF_INET6, AF_UNIX */
	int			 type;		/* SOCK_STREAM, SOCK_DGRAM, ... */
	const char		*proto;		/* "TCP", "UDP6", "UNIX", ... */
	int			 state;		/* TCP_* from the table; 0 none;
						 * unix: SS_* (1-4) of St, or
						 * TRI_SOCK_UNIX_LISTEN */
	char			 local[64];	/* "127.0.0.1:80", "[::1]:80" */
	char			 remote[64];	/* "" when unconnected */
	char			*path;		/* unix: raw bytes, or NULL */
	size_t			 path_len;	/* abstract names start with '@' */
	unsigned long long	 peer;		/* unix: peer inode, 0 unknown */
};

/*
 * The sockets of one network namespace, hashed by inode.  TCP comes from
 * sock_diag netlink (inet_diag) opened in the target's namespace, so does
 * the peer of each unix socket (UNIX_DIAG_PEER); the rest, and TCP when
 * netlink is refused, from the target's own /proc/PID/net/ tables (tcp,
 * tcp6, udp, udp6, udplite, raw, raw6, unix, netlink, packet) read
 * through its dirfd.  Either way a containerised process shows its own
 * sockets.  Unix sockets, their names and peers come from unix_diag
 * too (UDIAG_SHOW_NAME, UDIAG_SHOW_PEER), from the text when refused.
 */
struct tri_socktab {
	struct tri_sock		*v;
	size_t			 n, cap;
	size_t			*hash;		/* index + 1; 0 empty */
	size_t			 hcap;
	unsigned long long	 netns;		/* ns/net inode the table is of */
	bool			 peers;		/* unix peers were resolved */
	/* tri_sock_load_want, during the load: the inodes kept */
	const unsigned long long *want;		/* NULL: all */
	size_t			 nwant, nfound;
	unsigned char		*found;		/* want[i] was seen */
	size_t			*whash;		/* want's index + 1 by inode */
	size_t			 whcap;
};

/*
 * Load the sockets of p's network namespace into t (zeroed first).
 * Netlink needs a socket in that namespace: ours when p shares it, else
 * one made by a child after setns(2), which needs CAP_SYS_ADMIN; without
 * it t->peers stays false and the rest is still filled from text.  Returns 0, or -1 with errno (ESRCH when p is gone).  Free with
 * tri_sock_free().
 */
int	tri_sock_load(struct tri_socktab *t, const struct tri_proc *p);
/* The same, from the text tables alone when netlink is false. */
int	tri_sock_load_from(struct tri_socktab *t, const struct tri_proc *p,
	    bool netlink);
/*
 * The same, keeping only the sockets whose inode is in want (n inodes,
 * no repeats), and reading no more tables once each is found: for a
 * lister that knows the sockets it will look up.  The order is TCP,
 * unix, TCP6, then the other text tables.  n == 0 reads nothing.
 */
int	tri_sock_load_want(struct tri_socktab *t, const struct tri_proc *p,
	    const unsigned long long *want, size_t n);
void	tri_sock_free(struct tri_socktab *t);
/* The inode of p's network namespace (ns/net), or 0 with errno. */
unsigned long long tri_sock_netns(const struct tri_proc *p);

/* The socket with inode ino, or NULL. */
const struct tri_sock *tri_sock_find(const struct tri_socktab *t,
	    unsigned long long ino);

/* "ESTABLISHED", "CLOSE_WAIT", ... for a TCP state; "" for 0. Static. */
const char *tri_sock_state_name(int state);
#define TRI_SOCK_UNIX_LISTEN	10	/* a unix listener (__SO_ACCEPTCON) */
/* The state of s as lsof names it: TCP's above; for a unix socket
 * "LISTEN", "CONNECTED", "UNCONNECTED", ...  Static. */
const char *tri_sock_state_text(const struct tri_sock *s);
/*
 * The protocol of socket fd of p as the kernel names it (the
 * system.sockprotoname attribute of fd/N, read through p's dirfd): for a
 * socket no table lists, such as an unbound UDP one.  "v6" is spelt "6"
 * ("UDP6", "TCP6"), as in the names above.  0 or -1 with errno.
 */
int	tri_sock_protoname(const struct tri_proc *p, int fd, char *buf,
	    size_t size);

/* Parse one line of /proc/net/tcp (or udp, raw; v6 too) into s.  0 or -1. */
int	tri_sock_parse_inet(const char *line, int family, struct tri_sock *s);

#endif /* TRI_SOCK_H */
