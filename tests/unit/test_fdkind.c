/* tests/unit/test_fdkind.c - what an fd is, from its link and statx. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdkind.h"
#include "proc.h"
#include "sig.h"
#include "sock.h"
#include "unit.h"

/* Classify a link text alone (no fd to statx). */
static struct tri_fdkind
of_link(const char *link)
{
	struct tri_fdkind k;

	tri_fdkind_classify(&k, link, strlen(link), -1, -1);
	return k;
}

static void
links(void)
{
	struct tri_fdkind k;

	k = of_link("socket:[123]");
	CHECK_STR(k.type, "SOCK");
	CHECK(k.sock && !k.pipe && k.ino == 123);
	k = of_link("pipe:[45]");
	CHECK_STR(k.type, "FIFO");
	CHECK(k.pipe && !k.sock && k.ino == 45);
	CHECK_STR(of_link("anon_inode:[eventfd]").type, "eventfd");
	CHECK_STR(of_link("anon_inode:[eventpoll]").type, "eventpoll");
	CHECK_STR(of_link("anon_inode:inotify").type, "inotify");
	CHECK_STR(of_link("anon_inode:[io_uring]").type, "io_uring");
	CHECK_STR(of_link("anon_inode:[something-new]").type, "anon");
	CHECK_STR(of_link("pidfd:[9]").type, "pidfd");
	CHECK_STR(of_link("net:[4026531840]").type, "nsfs");
	CHECK_STR(of_link("garbage").type, "UNKNOWN");
	/* a path without an fd to look at: unknown, not a guess */
	k = of_link("/etc/passwd");
	CHECK_STR(k.type, "UNKNOWN");
	CHECK(k.pathlen == strlen("/etc/passwd") && !k.deleted);
}

static void
modes(void)
{
	CHECK_STR(tri_fdkind_mode(S_IFREG | 0644), "REG");
	CHECK_STR(tri_fdkind_mode(S_IFDIR), "DIR");
	CHECK_STR(tri_fdkind_mode(S_IFCHR), "CHR");
	CHECK_STR(tri_fdkind_mode(S_IFBLK), "BLK");
	CHECK_STR(tri_fdkind_mode(S_IFIFO), "FIFO");
	CHECK_STR(tri_fdkind_mode(S_IFSOCK), "SOCK");
	CHECK_STR(tri_fdkind_mode(S_IFLNK), "LNK");
	CHECK_STR(tri_fdkind_mode(0), "UNKNOWN");
}

/* Classify our own fd through /proc/self/fd, as a command would. */
static struct tri_fdkind
of_fd(int fd, char *link, size_t size)
{
	struct tri_fdkind k;
	struct tri_proc p;
	ssize_t n = -1;
	int fddir = -1;

	memset(&k, 0, sizeof(k));
	link[0] = '\0';
	if (tri_proc_open(&p, 0) == 0) {
		if ((fddir = tri_proc_fd_opendir(&p, false)) >= 0)
			n = tri_proc_fd_link(fddir, fd, link, size);
		tri_proc_close(&p);
	}
	CHECK(n > 0);
	if (n > 0)
		tri_fdkind_classify(&k, link, (size_t)n, fddir, fd);
	if (fddir >= 0)
		close(fddir);
	return k;
}

static void
real_fds(void)
{
	char path[] = "/tmp/test_fdkind.XXXXXX", link[4096];
	struct tri_fdkind k;
	int fd, pfd[2], mfd, dfd, nfd;

	CHECK((fd = mkstemp(path)) >= 0);
	CHECK(write(fd, "12345", 5) == 5);
	k = of_fd(fd, link, sizeof(link));
	CHECK_STR(k.type, "REG");
	CHECK(k.size == 5 && k.ino != 0 && !k.deleted);
	CHECK_STR(link, path);
	/* unlinked: the kernel's " (deleted)" is not part of the path */
	unlink(path);
	k = of_fd(fd, link, sizeof(link));
	CHECK_STR(k.type, "REG");
	CHECK(k.deleted && k.pathlen == strlen(path));
	close(fd);

	CHECK((mfd = memfd_create("unit", 0)) >= 0);
	CHECK_STR(of_fd(mfd, link, sizeof(link)).type, "memfd");
	close(mfd);
	CHECK((dfd = open("/", O_RDONLY | O_DIRECTORY)) >= 0);
	CHECK_STR(of_fd(dfd, link, sizeof(link)).type, "DIR");
	close(dfd);
	CHECK((nfd = open("/dev/null", O_WRONLY)) >= 0);
	CHECK_STR(of_fd(nfd, link, sizeof(link)).type, "CHR");
	close(nfd);
	CHECK(pipe(pfd) == 0);
	k = of_fd(pfd[0], link, sizeof(link));
	CHECK_STR(k.type, "FIFO");
	CHECK(k.pipe && k.ino != 0);
	close(pfd[0]);
	close(pfd[1]);
}

static void
access_and_flags(void)
{
	char buf[64], small[9];

	CHECK_STR(tri_fdkind_access(O_RDONLY), "r");
	CHECK_STR(tri_fdkind_access(O_WRONLY | O_APPEND), "w");
	CHECK_STR(tri_fdkind_access(O_RDWR | O_CLOEXEC), "rw");
	CHECK_STR(tri_fdkind_access(O_ACCMODE), "?");
	CHECK_STR(tri_fdkind_flags(O_RDWR, buf, sizeof(buf)), "-");
	CHECK_STR(tri_fdkind_flags(O_WRONLY | O_CLOEXEC, buf, sizeof(buf)),
	    "CLOEXEC");
	CHECK_STR(tri_fdkind_flags(O_RDWR | O_NONBLOCK | O_APPEND | O_CLOEXEC,
	    buf, sizeof(buf)), "CLOEXEC,NONBLOCK,APPEND");
	CHECK_STR(tri_fdkind_flags(O_SYNC, buf, sizeof(buf)), "SYNC");
	/* cut, still NUL-ended */
	tri_fdkind_flags(O_CLOEXEC | O_NONBLOCK, small, sizeof(small));
	CHECK_STR(small, "CLOEXEC,");
}

static void
sock_text(void)
{
	struct tri_sock s;
	char buf[256];

	CHECK(tri_fdkind_sock_text(NULL, 99, buf, sizeof(buf)) == 11);
	CHECK_STR(buf, "socket:[99]");
	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.proto = "TCP";
	snprintf(s.local, sizeof(s.local), "127.0.0.1:80");
	snprintf(s.remote, sizeof(s.remote), "10.0.0.5:41234");
	s.state = 1;
	tri_fdkind_sock_text(&s, 0, buf, sizeof(buf));
	CHECK_STR(buf, "TCP 127.0.0.1:80 -> 10.0.0.5:41234 ESTABLISHED");
	s.remote[0] = '\0';
	s.state = 10;
	tri_fdkind_sock_text(&s, 0, buf, sizeof(buf));
	CHECK_STR(buf, "TCP 127.0.0.1:80 LISTEN");
	s.proto = "UDP";
	s.state = 0;
	tri_fdkind_sock_text(&s, 0, buf, sizeof(buf));
	CHECK_STR(buf, "UDP 127.0.0.1:80");
	memset(&s, 0, sizeof(s));
	s.family = AF_UNIX;
	s.proto = "UNIX";
	tri_fdkind_sock_text(&s, 0, buf, sizeof(buf));
	CHECK_STR(buf, "UNIX (unnamed)");
	s.path = "@abstract";
	tri_fdkind_sock_text(&s, 0, buf, sizeof(buf));
	CHECK_STR(buf, "UNIX @abstract");
}

static const char *
anon(const char *type, const struct tri_fdinfo *fi, const char *link)
{
	static char buf[256];

	tri_fdkind_anon_text(type, fi, link, buf, sizeof(buf));
	return buf;
}

static void
anon_text(void)
{
	struct tri_fdinfo fi;

	memset(&fi, 0, sizeof(fi));
	fi.has_eventfd = true;
	fi.eventfd_count = 3;
	CHECK_STR(anon("eventfd", &fi, "anon_inode:[eventfd]"),
	    "eventfd count=3");
	memset(&fi, 0, sizeof(fi));
	fi.ntfd = 2;
	fi.tfd[0] = 4;
	fi.tfd[1] = 5;
	CHECK_STR(anon("eventpoll", &fi, "anon_inode:[eventpoll]"),
	    "eventpoll watching 2 fds 4,5");
	memset(&fi, 0, sizeof(fi));
	fi.has_sigmask = true;
	CHECK_STR(anon("signalfd", &fi, "x"), "signalfd (none)");
	fi.sigmask = TRI_SIG_BIT(SIGINT) | TRI_SIG_BIT(SIGTERM);
	CHECK_STR(anon("signalfd", &fi, "x"), "signalfd SIGINT,SIGTERM");
	memset(&fi, 0, sizeof(fi));
	fi.has_timer = true;
	fi.clockid = 1;
	fi.it_value_ns = 500000000;
	fi.it_interval_ns = 1000000000;
	CHECK_STR(anon("timerfd", &fi, "x"),
	    "timerfd clock=1 value=0.500s interval=1.000s");
	memset(&fi, 0, sizeof(fi));
	fi.nwd = 1;
	CHECK_STR(anon("inotify", &fi, "x"), "inotify 1 watch");
	fi.nwd = 2;
	CHECK_STR(anon("inotify", &fi, "x"), "inotify 2 watches");
	memset(&fi, 0, sizeof(fi));
	fi.pidfd_pid = 42;
	CHECK_STR(anon("pidfd", &fi, "x"), "pidfd pid 42");
	fi.pidfd_pid = -1;
	CHECK_STR(anon("pidfd", &fi, "x"), "pidfd (exited)");
	fi.pidfd_pid = 0;		/* no Pid: line: the link */
	CHECK_STR(anon("pidfd", &fi, "anon_inode:[pidfd]"),
	    "anon_inode:[pidfd]");
	CHECK_STR(anon("nsfs", &fi, "net:[4026531840]"), "net:[4026531840]");
}

int
main(void)
{
	RUN(links);
	RUN(modes);
	RUN(real_fds);
	RUN(access_and_flags);
	RUN(sock_text);
	RUN(anon_text);
	return UNIT_END();
}
