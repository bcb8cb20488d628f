/* tests/unit/test_lib_misc.c - cgroup lookup, Go executable detection, and
 * the socket table from netlink against the one from /proc/net text. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroup.h"
#include "exe.h"
#include "proc.h"
#include "sock.h"
#include "unit.h"

/* The layout of Go's build info header, in our own data: what real Go
 * binaries carry in their ".go.buildinfo" section. */
__attribute__((section(".go.buildinfo"), used, aligned(16)))
static const unsigned char fake_buildinfo[48] =
    "\xff Go buildinf:\x08\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\x09go1.19.99";

static const char *self_path;

static void
go_detected_in_section(void)
{
	char v[32];
	bool go = false;
	struct tri_proc p;

	CHECK(tri_exe_is_go_path(self_path, &go, v, sizeof(v)) == 0);
	CHECK(go);
	CHECK_STR(v, "go1.19.99");
	/* Through /proc/PID/exe, which under valgrind is valgrind itself
	 * (it preloads vgpreload_*.so): then the answer must be "not Go". */
	go = false;
	CHECK(tri_proc_open(&p, 0) == 0);
	CHECK(tri_exe_is_go(&p, &go, v, sizeof(v)) == 0);
	CHECK(go == !(getenv("LD_PRELOAD") &&
	    strstr(getenv("LD_PRELOAD"), "vgpreload")));
	tri_proc_close(&p);
}

static void
c_program_is_not_go(void)
{
	bool go = true;

	CHECK(tri_exe_is_go_path("/bin/sh", &go, NULL, 0) == 0);
	CHECK(!go);
	CHECK(tri_exe_is_go_path("/etc/passwd", &go, NULL, 0) == -1);
	CHECK(errno == ENOEXEC);
	CHECK(tri_exe_is_go_path("/nonexistent", &go, NULL, 0) == -1);
}

static void
cgroup_of_self(void)
{
	char dir[4096], path[4096];
	uint64_t lim;
	int v2 = -1;

	/* This machine has v1 pids and a v2 tree without pids; code that
	 * runs elsewhere finds whichever exists. */
	if (tri_cgroup_dir(getpid(), "pids", dir, sizeof(dir), &v2) == 0) {
		CHECK(v2 == 0 || v2 == 1);
		CHECK(access(dir, F_OK) == 0);
		CHECK(tri_cgroup_limit(dir, "pids.max", &lim, NULL, 0) == 0);
	} else {
		CHECK(errno == ENOENT);
	}
	CHECK(tri_cgroup_dir(getpid(), NULL, dir, sizeof(dir), &v2) == 0);
	CHECK(v2 == 1);
	CHECK(access(dir, F_OK) == 0);
	CHECK(tri_cgroup_path(getpid(), "", path, sizeof(path)) == 0);
	CHECK(path[0] == '/');
	CHECK(tri_cgroup_dir(4194304, "pids", dir, sizeof(dir), NULL) == -1);
	CHECK(errno == ESRCH);
	CHECK(tri_cgroup_dir(getpid(), "no-such-controller", dir, sizeof(dir),
	    NULL) == -1 && errno == ENOENT);
}

static unsigned long long
sock_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* A listener, a connection to it and the accepted end, of one family. */
static int
tcp_trio(int family, int fds[3])
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr *a = family == AF_INET ? (struct sockaddr *)&a4 :
	    (struct sockaddr *)&a6;
	socklen_t len = family == AF_INET ? sizeof(a4) : sizeof(a6);

	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a6.sin6_addr = in6addr_loopback;
	if ((fds[0] = socket(family, SOCK_STREAM, 0)) < 0 ||
	    bind(fds[0], a, len) < 0 || listen(fds[0], 4) < 0 ||
	    getsockname(fds[0], a, &len) < 0 ||
	    (fds[1] = socket(family, SOCK_STREAM, 0)) < 0 ||
	    connect(fds[1], a, len) < 0 ||
	    (fds[2] = accept(fds[0], NULL, NULL)) < 0)
		return -1;
	return 0;
}

/* Every TCP socket of ours reads the same from inet_diag and from text. */
static void
tcp_netlink_matches_text(void)
{
	struct tri_socktab nl, tx;
	const struct tri_sock *a, *b;
	struct tri_proc p;
	int fds[6] = { -1, -1, -1, -1, -1, -1 }, i, n = 6, seen = 0;

	CHECK(tcp_trio(AF_INET, fds) == 0);
	if (tcp_trio(AF_INET6, fds + 3) < 0) {
		/* a machine without IPv6: the IPv4 half still counts */
		printf("# no IPv6 loopback: TCP6 not checked\n");
		n = 3;
	}
	CHECK(tri_proc_open(&p, 0) == 0);
	CHECK(tri_sock_load_from(&nl, &p, true) == 0);
	CHECK(tri_sock_load_from(&tx, &p, false) == 0);
	for (i = 0; i < n; i++) {
		a = tri_sock_find(&nl, sock_ino(fds[i]));
		b = tri_sock_find(&tx, sock_ino(fds[i]));
		CHECK(a != NULL && b != NULL);
		if (a == NULL || b == NULL)
			continue;
		CHECK_STR(a->proto, i < 3 ? "TCP" : "TCP6");
		CHECK_STR(a->proto, b->proto);
		CHECK_STR(a->local, b->local);
		CHECK_STR(a->remote, b->remote);
		CHECK(a->state == b->state && a->family == b->family &&
		    a->type == b->type);
		CHECK(strncmp(a->local, i < 3 ? "127.0.0.1:" : "[::1]:",
		    i < 3 ? 10 : 6) == 0);
		CHECK(a->state == (i % 3 == 0 ? 10 : 1));  /* LISTEN, ESTAB. */
		CHECK((a->remote[0] == '\0') == (i % 3 == 0));
		seen++;
	}
	CHECK(seen == n);
	tri_sock_free(&nl);
	tri_sock_free(&tx);
	tri_proc_close(&p);
	for (i = 0; i < 6; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int
main(int argc, char **argv)
{
	self_path = argv[0];
	RUN(go_detected_in_section);
	RUN(c_program_is_not_go);
	RUN(cgroup_of_self);
	RUN(tcp_netlink_matches_text);
	return UNIT_END();
}
