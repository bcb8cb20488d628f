/* tests/helpers/fdleak-set.c - hold a known set of fds for fdleak's tests. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

static int
must(int fd, const char *what)
{
	if (fd < 0) {
		perror(what);
		exit(2);
	}
	return fd;
}

static int
file_in(const char *dir, const char *name, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return must(open(path, flags | O_CREAT | O_RDWR, 0600), path);
}

/* A listener, an established pair and a client in CLOSE_WAIT. */
static void
tcp(int *lis, int *est, int *acc, int *cw, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int c;
	char eof;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*lis = must(socket(AF_INET, SOCK_STREAM, 0), "socket");
	if (bind(*lis, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(*lis, 8) < 0 ||
	    getsockname(*lis, (struct sockaddr *)&a, &len) < 0)
		exit(2);
	*port = ntohs(a.sin_port);
	*est = must(socket(AF_INET, SOCK_STREAM, 0), "socket");
	must(connect(*est, (struct sockaddr *)&a, sizeof(a)), "connect");
	*acc = must(accept(*lis, NULL, NULL), "accept");
	*cw = must(socket(AF_INET, SOCK_STREAM, 0), "socket");
	must(connect(*cw, (struct sockaddr *)&a, sizeof(a)), "connect");
	c = must(accept(*lis, NULL, NULL), "accept");
	close(c);	/* the peer closed: *cw goes to CLOSE_WAIT */
	/* end of file only once the FIN is in: CLOSE_WAIT before ready */
	if (recv(*cw, &eof, 1, 0) != 0)
		exit(2);
}

/*
 * An IPv6 loopback listener and a connection to it (accepted, kept); all
 * -1 on a machine without IPv6, which the test then says.
 */
static void
tcp6(int *lis, int *est, int *acc, int *port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	socklen_t len = sizeof(a);

	*lis = *est = *acc = *port = -1;
	a.sin6_addr = in6addr_loopback;
	if ((*lis = socket(AF_INET6, SOCK_STREAM, 0)) < 0)
		return;
	if (bind(*lis, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(*lis);
		*lis = -1;
		return;
	}
	if (listen(*lis, 8) < 0 ||
	    getsockname(*lis, (struct sockaddr *)&a, &len) < 0)
		exit(2);
	*port = ntohs(a.sin6_port);
	*est = must(socket(AF_INET6, SOCK_STREAM, 0), "socket6");
	must(connect(*est, (struct sockaddr *)&a, sizeof(a)), "connect6");
	*acc = must(accept(*lis, NULL, NULL), "accept6");
}

int
main(int argc, char **argv)
{
	int reg, regce, del, dir, pfd[2], sp[2], lis, est, acc, cw, port;
	int efd, ep, tfd, sfd, ino, mfd, pidfd, esc, nl, pk, lis6, est6, acc6, port6;
	int u6, ulis, uesc;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sockaddr_nl nla = { .nl_family = AF_NETLINK };
	struct epoll_event ev = { .events = EPOLLIN };
	struct itimerspec its = { { 100, 0 }, { 100, 0 } };
	char buf[12345];
	sigset_t ss, ss2;
	pid_t child;

	if (argc < 2)
		return 2;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	reg = file_in(argv[1], "plain.txt", 0);
	regce = file_in(argv[1], "cloexec.txt", O_CLOEXEC | O_APPEND);
	del = file_in(argv[1], "deleted.bin", 0);
	memset(buf, 'x', sizeof(buf));
	if (write(del, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return 2;
	unlink(strcat(strcpy(buf, argv[1]), "/deleted.bin"));
	dir = must(open(argv[1], O_RDONLY | O_DIRECTORY), "dir");
	must(pipe(pfd), "pipe");
	if ((child = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "fdleak-peer");
		close(pfd[0]);
		/* named now: the parent may say ready */
		if (write(pfd[1], "n", 1) != 1)
			_exit(2);
		for (;;)
			pause();	/* holds the write end */
	}
	close(pfd[1]);
	if (read(pfd[0], buf, 1) != 1)
		return 2;
	must(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), "socketpair");
	tcp(&lis, &est, &acc, &cw, &port);
	tcp6(&lis6, &est6, &acc6, &port6);
	efd = must(eventfd(7, 0), "eventfd");
	ep = must(epoll_create1(0), "epoll");
	must(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), "epoll_ctl");
	tfd = must(timerfd_create(CLOCK_MONOTONIC, 0), "timerfd");
	must(timerfd_settime(tfd, 0, &its, NULL), "timerfd_settime");
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sfd = must(signalfd(-1, &ss, 0), "signalfd");
	ino = must(inotify_init1(0), "inotify");
	must(inotify_add_watch(ino, argv[1], IN_CREATE), "inotify_add_watch");
	mfd = must(memfd_create("fdleak-memfd", 0), "memfd");
	pidfd = must((int)syscall(SYS_pidfd_open, child, 0), "pidfd_open");
	nl = must(socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), "netlink");
	must(bind(nl, (struct sockaddr *)&nla, sizeof(nla)), "bind netlink");
	pk = must(socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ARP)), "packet");
	esc = file_in(argv[1], "\033]0;pwned\a\nevil", 0);
	/* an unbound UDPv6 socket (no table lists it), -1 without IPv6 */
	u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	/* a unix listener at DIR/listen.sock */
	ulis = must(socket(AF_UNIX, SOCK_STREAM, 0), "socket unix");
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/listen.sock",
	    argv[1]);
	unlink(sun.sun_path);	/* a second helper in the same directory */
	must(bind(ulis, (struct sockaddr *)&sun, sizeof(sun)), "bind unix");
	must(listen(ulis, 4), "listen unix");
	/* a unix listener whose abstract name holds terminal escapes and a
	 * newline (the text of /proc/net/unix breaks its line there; as a
	 * file it would make lsof FILE see it as DIR/listen.sock) */
	uesc = must(socket(AF_UNIX, SOCK_STREAM, 0), "socket unix");
	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
	    "fdset-%d\033]0;x\a\nu", (int)getpid());
	must(bind(uesc, (struct sockaddr *)&sun, (socklen_t)(offsetof(struct
	    sockaddr_un, sun_path) + 1 + strlen(sun.sun_path + 1))),
	    "bind unix");
	must(listen(uesc, 4), "listen unix");
	prctl(PR_SET_NAME, "\033[31mfdset");
	/* SIGUSR2 (below) is blocked before the test may send it */
	sigemptyset(&ss2);
	sigaddset(&ss2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &ss2, NULL);
	printf("ready %d reg=%d regce=%d del=%d dir=%d pipe=%d peer=%d "
	    "sp=%d,%d lis=%d est=%d acc=%d cw=%d port=%d efd=%d ep=%d "
	    "tfd=%d sfd=%d ino=%d mfd=%d pidfd=%d esc=%d nl=%d pk=%d "
	    "lis6=%d est6=%d acc6=%d port6=%d u6=%d ulis=%d uesc=%d\n",
	    (int)getpid(), reg, regce, del, dir, pfd[0], (int)child, sp[0],
	    sp[1], lis, est, acc, cw, port, efd, ep, tfd, sfd, ino, mfd, pidfd,
	    esc, nl, pk, lis6, est6, acc6, port6, u6, ulis, uesc);
	fflush(stdout);
	/* SIGUSR2: say whether fd "reg" is still open, to show we run on. */
	sigaddset(&ss, SIGUSR2);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR2);
	for (;;) {
		if (sigwaitinfo(&ss, NULL) < 0)
			continue;
		printf("alive reg=%s\n", fcntl(reg, F_GETFD) < 0 &&
		    errno == EBADF ? "closed" : "open");
		fflush(stdout);
	}
}
