/* tests/unit/test_sock.c - unix sockets from unix_diag against the text of
 * /proc/net/unix, and the load that keeps only some sockets. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "proc.h"
#include "sock.h"
#include "unit.h"

#define NFD	14

static unsigned long long
sock_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static char dir[] = "/tmp/test_sock.XXXXXX";
static char path[sizeof(dir) + 16];

/*
 * Unix sockets of every kind the tables tell apart: socketpairs of the
 * three types, a listener bound to a path with a client and the accepted
 * end, a datagram socket with an abstract name holding a NUL and one
 * connected to it, and an unbound, unconnected stream socket.
 */
static int
unix_zoo(int fds[NFD])
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	static const char abs[] = "\0tri\0sock";
	socklen_t alen;

	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/l", dir);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, fds + 2) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds + 4) < 0)
		return -1;
	memcpy(a.sun_path, path, strlen(path) + 1);
	if ((fds[6] = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(fds[6], (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fds[6], 4) < 0 ||
	    (fds[7] = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fds[7], (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (fds[8] = accept(fds[6], NULL, NULL)) < 0)
		return -1;
	memset(a.sun_path, 0, sizeof(a.sun_path));
	memcpy(a.sun_path, abs, sizeof(abs) - 1);
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    sizeof(abs) - 1);
	if ((fds[9] = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0 ||
	    bind(fds[9], (struct sockaddr *)&a, alen) < 0 ||
	    (fds[10] = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0 ||
	    connect(fds[10], (struct sockaddr *)&a, alen) < 0 ||
	    (fds[11] = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	fds[12] = fds[13] = -1;
	return 0;
}

static void
unix_close(int fds[NFD])
{
	int i;

	for (i = 0; i < NFD; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	unlink(path);
	rmdir(dir);
}

/* Every unix socket of ours reads the same from unix_diag and from text;
 * unix_diag adds the peers. */
static void
unix_netlink_matches_text(void)
{
	static const char *const states[12] = {
		"CONNECTED", "CONNECTED", "CONNECTED", "CONNECTED",
		"CONNECTED", "CONNECTED", "LISTEN", "CONNECTED", "CONNECTED",
		NULL, "CONNECTED", "UNCONNECTED",
	};	/* NULL: the receiver of a datagram connect(), which kernels
		 * (6.18) show CONNECTED in both, as the text says */
	static const char *const protos[3] = {
		"UNIX-STREAM", "UNIX-DGRAM", "UNIX-SEQPACKET",
	};
	int fds[NFD], i, peer;
	struct tri_socktab nl, tx;
	const struct tri_sock *a, *b;
	struct tri_proc p;

	CHECK(unix_zoo(fds) == 0);
	CHECK(tri_proc_open(&p, 0) == 0);
	CHECK(tri_sock_load_from(&nl, &p, true) == 0);
	CHECK(tri_sock_load_from(&tx, &p, false) == 0);
	CHECK(nl.peers);
	for (i = 0; i < 12; i++) {
		a = tri_sock_find(&nl, sock_ino(fds[i]));
		b = tri_sock_find(&tx, sock_ino(fds[i]));
		CHECK(a != NULL && b != NULL);
		if (a == NULL || b == NULL)
			continue;
		CHECK(a->family == AF_UNIX && b->family == AF_UNIX);
		CHECK_STR(a->proto, b->proto);
		CHECK(a->type == b->type && a->state == b->state);
		if (states[i])
			CHECK_STR(tri_sock_state_text(a), states[i]);
		CHECK_STR(tri_sock_state_text(a), tri_sock_state_text(b));
		CHECK((a->path == NULL) == (b->path == NULL));
		if (a->path && b->path) {
			CHECK(a->path_len == b->path_len);
			CHECK(memcmp(a->path, b->path, a->path_len + 1) == 0);
		}
		if (i < 6)
			CHECK_STR(a->proto, protos[i / 2]);
		/* the pairs and the accepted connection know their peer */
		peer = i < 6 ? fds[i ^ 1] : i == 7 ? fds[8] : i == 8 ? fds[7] :
		    i == 10 ? fds[9] : -1;
		if (peer >= 0)
			CHECK(a->peer == sock_ino(peer));
	}
	a = tri_sock_find(&nl, sock_ino(fds[6]));
	CHECK(a && a->path && strcmp(a->path, path) == 0);
	a = tri_sock_find(&nl, sock_ino(fds[9]));
	CHECK(a && a->path && a->path_len == 9 &&
	    memcmp(a->path, "@tri@sock", 10) == 0);
	CHECK(tri_sock_find(&nl, sock_ino(fds[11]))->path == NULL);
	tri_sock_free(&nl);
	tri_sock_free(&tx);
	tri_proc_close(&p);
	unix_close(fds);
}

static int
cmp_ull(const void *x, const void *y)
{
	unsigned long long a = *(const unsigned long long *)x;
	unsigned long long b = *(const unsigned long long *)y;

	return (a > b) - (a < b);
}

/* tri_sock_load_want keeps the wanted sockets and no other. */
static void
want_keeps_only_wanted(void)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	unsigned long long want[3];
	struct tri_socktab t;
	const struct tri_sock *s;
	struct tri_proc p;
	int lis, pair[2];

	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK((lis = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	CHECK(bind(lis, (struct sockaddr *)&a4, sizeof(a4)) == 0);
	CHECK(listen(lis, 4) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
	CHECK(tri_proc_open(&p, 0) == 0);
	want[0] = sock_ino(lis);
	want[1] = sock_ino(pair[0]);
	want[2] = 1;		/* no socket has inode 1 */
	qsort(want, 3, sizeof(want[0]), cmp_ull);
	CHECK(tri_sock_load_want(&t, &p, want, 3) == 0);
	CHECK(t.n == 2);
	s = tri_sock_find(&t, sock_ino(lis));
	CHECK(s && strcmp(s->proto, "TCP") == 0 && s->state == 10);
	s = tri_sock_find(&t, sock_ino(pair[0]));
	CHECK(s && s->peer == sock_ino(pair[1]));
	CHECK(tri_sock_find(&t, sock_ino(pair[1])) == NULL);
	CHECK(t.want == NULL && t.found == NULL);
	tri_sock_free(&t);
	/* no socket wanted: nothing read, an empty table of the namespace */
	CHECK(tri_sock_load_want(&t, &p, want, 0) == 0);
	CHECK(t.n == 0 && t.netns == tri_sock_netns(&p));
	CHECK(tri_sock_find(&t, sock_ino(lis)) == NULL);
	tri_sock_free(&t);
	tri_proc_close(&p);
	close(lis);
	close(pair[0]);
	close(pair[1]);
}

int
main(void)
{
	RUN(unix_netlink_matches_text);
	RUN(want_keeps_only_wanted);
	return UNIT_END();
}
