/* tests/helpers/systrace-seq.c - make a known sequence of syscalls, then
 * print to stdout the lines systrace should have traced for them (after
 * the calls, so the printing is not among them).  Modes: file DIR, fail,
 * socket, signal, fork, vfork, threads, thread-exec, hostile, slow, exit N,
 * segv, getppid N, sys DIR (statx, sysinfo, prctl), poll, paths DIR
 * (path and fd calls for --by; prints "fd N" first), fdflags, unknown,
 * tty (terminal ioctls on stdin, a pty), lists DIR (statfs, CPU sets,
 * gid lists), sockopts (options, protocols, value-result lengths),
 * misc (rusage, times, priorities, the calls with no decoder of their own),
 * getppid-go N (prints "ready PID", waits for a byte on stdin first). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/netlink.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CAP_SYS_ADMIN_NR	21	/* linux/capability.h */

extern char **environ;

static char	 out[16384];
static size_t	 outn;

#define EXPECT(...) (outn += (size_t)snprintf(out + outn, sizeof(out) - outn, \
	__VA_ARGS__))

static void
file(const char *dir)
{
	char path[512], buf[64];
	struct stat st;
	long fd;

	snprintf(path, sizeof(path), "%s/seq-file", dir);
	fd = syscall(SYS_openat, AT_FDCWD, path,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	EXPECT("openat(AT_FDCWD, \"%s\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, "
	    "0644) = %ld\n", path, fd);
	EXPECT("write(%ld, \"hello\\n\", 6) = %ld\n", fd,
	    syscall(SYS_write, fd, "hello\n", 6));
	EXPECT("close(%ld) = %ld\n", fd, syscall(SYS_close, fd));
	fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	EXPECT("openat(AT_FDCWD, \"%s\", O_RDONLY) = %ld\n", path, fd);
	EXPECT("read(%ld, \"hello\\n\", 64) = %ld\n", fd,
	    syscall(SYS_read, fd, buf, 64));
	EXPECT("lseek(%ld, 0, SEEK_SET) = %ld\n", fd,
	    syscall(SYS_lseek, fd, 0, SEEK_SET));
	EXPECT("pread64(%ld, \"hel\", 3, 0) = %ld\n", fd,
	    syscall(SYS_pread64, fd, buf, 3, 0));
	EXPECT("fstat(%ld, {st_mode=S_IFREG|0644, st_size=6, ...}) = %ld\n",
	    fd, syscall(SYS_fstat, fd, &st));
	EXPECT("close(%ld) = %ld\n", fd, syscall(SYS_close, fd));
	EXPECT("unlink(\"%s\") = %ld\n", path, syscall(SYS_unlink, path));
}

static void
fail(void)
{
	syscall(SYS_openat, AT_FDCWD, "/nonexistent/systrace", O_RDONLY);
	EXPECT("openat(AT_FDCWD, \"/nonexistent/systrace\", O_RDONLY) = -1 "
	    "ENOENT (No such file or directory)\n");
	syscall(SYS_close, -1);
	EXPECT("close(-1) = -1 EBADF (Bad file descriptor)\n");
	syscall(SYS_mkdir, "/proc/1/systrace", 0755);
	EXPECT("mkdir(\"/proc/1/systrace\", 0755) = -1 ENOENT (No such file or "
	    "directory)\n");
}

static void
sock(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_un u = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(a);
	long l, c, s, x;
	char buf[16];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	EXPECT("socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = %ld\n", l);
	x = syscall(SYS_bind, l, &a, sizeof(a));
	EXPECT("bind(%ld, {sa_family=AF_INET, sin_port=htons(0), "
	    "sin_addr=inet_addr(\"127.0.0.1\")}, 16) = %ld\n", l, x);
	EXPECT("listen(%ld, 4) = %ld\n", l, syscall(SYS_listen, l, 4));
	getsockname((int)l, (struct sockaddr *)&a, &len);
	c = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	EXPECT("socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = %ld\n", c);
	x = syscall(SYS_connect, c, &a, sizeof(a));
	EXPECT("connect(%ld, {sa_family=AF_INET, sin_port=htons(%u), "
	    "sin_addr=inet_addr(\"127.0.0.1\")}, 16) = %ld\n", c,
	    ntohs(a.sin_port), x);
	s = syscall(SYS_accept4, l, NULL, NULL, SOCK_CLOEXEC);
	EXPECT("accept4(%ld, NULL, NULL, SOCK_CLOEXEC) = %ld\n", l, s);
	x = syscall(SYS_sendto, c, "ping", 4, MSG_NOSIGNAL, NULL, 0);
	EXPECT("sendto(%ld, \"ping\", 4, MSG_NOSIGNAL, NULL, 0) = %ld\n", c, x);
	x = syscall(SYS_recvfrom, s, buf, sizeof(buf), 0, NULL, NULL);
	EXPECT("recvfrom(%ld, \"ping\", 16, 0, NULL, NULL) = %ld\n", s, x);
	{
		struct iovec iov[2] = { { "he", 2 }, { "llo", 3 } };
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
		char in[8];
		struct iovec riov = { in, sizeof(in) };
		struct msghdr r = { .msg_iov = &riov, .msg_iovlen = 1 };

		x = syscall(SYS_sendmsg, c, &m, 0);
		EXPECT("sendmsg(%ld, {msg_name=NULL, msg_namelen=0, msg_iov=["
		    "{iov_base=\"he\", iov_len=2}, {iov_base=\"llo\", "
		    "iov_len=3}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, "
		    "0) = %ld\n", c, x);
		x = syscall(SYS_recvmsg, s, &r, 0);
		EXPECT("recvmsg(%ld, {msg_name=NULL, msg_namelen=0, msg_iov=["
		    "{iov_base=\"hello\", iov_len=8}], msg_iovlen=1, "
		    "msg_controllen=0, msg_flags=0}, 0) = %ld\n", s, x);
	}
	x = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	strcpy(u.sun_path, "/nonexistent/systrace.sock");
	syscall(SYS_connect, x, &u, sizeof(u));
	EXPECT("connect(%ld, {sa_family=AF_UNIX, sun_path=\"%s\"}, %zu) = -1 "
	    "ENOENT (No such file or directory)\n", x, u.sun_path, sizeof(u));
}

static volatile sig_atomic_t got;

static void
on_usr1(int sig)
{
	got = sig;
}

static void
sig(void)
{
	pid_t me = getpid();

	signal(SIGUSR1, on_usr1);
	syscall(SYS_kill, me, SIGUSR1);
	EXPECT("kill(%d, SIGUSR1) = 0\n", (int)me);
	EXPECT("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=%d, "
	    "si_uid=%u} ---\n", (int)me, (unsigned)getuid());
}

static void
forkexec(void)
{
	char *argv[] = { "true", NULL };
	pid_t me = getpid(), c;
	int st;

	if ((c = fork()) == 0) {
		execve("/bin/true", argv, environ);
		_exit(127);
	}
	waitpid(c, &st, 0);
	/* the signal is delivered once wait4 has returned */
	/* with -f -o FILE every line starts with the pid; the test joins
	 * unfinished and resumed halves */
	EXPECT("%-5d execve(\"/bin/true\", [\"true\"], ADDR /* N vars */) = 0\n",
	    (int)c);
	EXPECT("%-5d exit_group(0) = ?\n", (int)c);
	EXPECT("%-5d +++ exited with 0 +++\n", (int)c);
	EXPECT("%-5d wait4(%d, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], "
	    "0, NULL) = %d\n", (int)me, (int)c, (int)c);
	EXPECT("%-5d --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, "
	    "si_pid=%d, si_uid=%u, si_status=0, si_utime=N, si_stime=N} ---\n",
	    (int)me, (int)c, (unsigned)getuid());
}

static void *
thread(void *arg)
{
	long n = (long)arg;

	syscall(SYS_close, -100 - n);
	EXPECT("[pid %5ld] close(%ld) = -1 EBADF (Bad file descriptor)\n",
	    syscall(SYS_gettid), -100 - n);
	return NULL;
}

static void
threads(void)
{
	pthread_t t;
	long i;

	/* one after the other: their lines cannot interleave */
	for (i = 1; i <= 3; i++) {
		pthread_create(&t, NULL, thread, (void *)i);
		pthread_join(t, NULL);
	}
}

static void *
exec_thread(void *arg)
{
	char *argv[] = { "true", NULL };

	(void)arg;
	EXPECT("[pid %5ld] execve(\"/bin/true\", [\"true\"], ADDR /* N vars */ "
	    "<unfinished ...>\n", syscall(SYS_gettid));
	EXPECT("[pid %5d] +++ superseded by execve in pid %ld +++\n",
	    (int)getpid(), syscall(SYS_gettid));
	EXPECT("<... execve resumed>) = 0\n");
	/* what it expects goes out on the way: execve does not come back */
	fwrite(out, 1, outn, stdout);
	fflush(stdout);
	execve("/bin/true", argv, environ);
	return NULL;
}

/* A thread other than the leader runs execve: it takes the leader's pid. */
static void
thread_exec(void)
{
	pthread_t t;

	pthread_create(&t, NULL, exec_thread, NULL);
	pthread_join(t, NULL);
}

static void
vforkexec(void)
{
	char *argv[] = { "true", NULL };
	pid_t c;
	int st;

	if ((c = vfork()) == 0) {
		execve("/bin/true", argv, environ);
		_exit(127);
	}
	waitpid(c, &st, 0);
	EXPECT("%-5d execve(\"/bin/true\", [\"true\"], ADDR /* N vars */) = 0\n",
	    (int)c);
	EXPECT("%-5d +++ exited with 0 +++\n", (int)c);
}

static void
hostile(void)
{
	syscall(SYS_openat, AT_FDCWD, "/nonexistent/\033]0;pwned\a\033[31m\n",
	    O_RDONLY);
	EXPECT("openat(AT_FDCWD, \"/nonexistent/\\33]0;pwned\\7\\33[31m\\n\", "
	    "O_RDONLY) = -1 ENOENT (No such file or directory)\n");
}

static void
slow(void)
{
	struct timespec ts = { 0, 60000000 };

	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	EXPECT("clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=0, "
	    "tv_nsec=60000000}, NULL) = 0\n");
	EXPECT("getppid() = %ld\n", syscall(SYS_getppid));
}

/* stx_mask as strace names what the kernel filled in. */
static const char *
statx_mask(unsigned m)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s%s%s", (m & STATX_ALL) == STATX_ALL ?
	    "STATX_ALL" : "STATX_BASIC_STATS", m & STATX_MNT_ID ?
	    "|STATX_MNT_ID" : "", m & STATX_DIOALIGN ? "|STATX_DIOALIGN" : "");
	return buf;
}

static void
statxs(const char *dir)
{
	char path[512];
	struct statx sx;
	long fd, r;

	snprintf(path, sizeof(path), "%s/seq-statx", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0 || write((int)fd, "hello\n", 6) != 6)
		exit(1);
	close((int)fd);
	r = syscall(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx);
	EXPECT("statx(AT_FDCWD, \"%s\", AT_STATX_SYNC_AS_STAT, "
	    "STATX_BASIC_STATS, {stx_mask=%s, stx_attributes=0, "
	    "stx_mode=S_IFREG|0640, stx_size=6, ...}) = %ld\n", path,
	    statx_mask(sx.stx_mask), r);
	r = syscall(SYS_statx, AT_FDCWD, "/nonexistent/systrace",
	    AT_SYMLINK_NOFOLLOW, STATX_ALL, &sx);
	EXPECT("statx(AT_FDCWD, \"/nonexistent/systrace\", "
	    "AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_ALL, %p) = %ld "
	    "ENOENT (No such file or directory)\n", (void *)&sx, r);
	unlink(path);
}

static void
sysinfos(void)
{
	struct sysinfo si;
	long r = syscall(SYS_sysinfo, &si);

	EXPECT("sysinfo({uptime=%ld, loads=[%lu, %lu, %lu], totalram=%lu, "
	    "freeram=%lu, sharedram=%lu, bufferram=%lu, totalswap=%lu, "
	    "freeswap=%lu, procs=%u, totalhigh=%lu, freehigh=%lu, "
	    "mem_unit=%u}) = %ld\n", si.uptime, si.loads[0], si.loads[1],
	    si.loads[2], si.totalram, si.freeram, si.sharedram, si.bufferram,
	    si.totalswap, si.freeswap, (unsigned)si.procs, si.totalhigh,
	    si.freehigh, si.mem_unit, r);
}

static void
prctls(void)
{
	struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW) };
	struct sock_fprog fp = { 1, f };
	char name[16];
	int v;
	long r;

	r = syscall(SYS_prctl, PR_SET_NAME, "seq\033name", 0, 0, 0);
	EXPECT("prctl(PR_SET_NAME, \"seq\\33name\") = %ld\n", r);
	r = syscall(SYS_prctl, PR_GET_NAME, name, 0, 0, 0);
	EXPECT("prctl(PR_GET_NAME, \"seq\\33name\") = %ld\n", r);
	r = syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	EXPECT("prctl(PR_SET_PDEATHSIG, SIGTERM) = %ld\n", r);
	r = syscall(SYS_prctl, PR_GET_PDEATHSIG, &v, 0, 0, 0);
	EXPECT("prctl(PR_GET_PDEATHSIG, [SIGTERM]) = %ld\n", r);
	r = syscall(SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0);
	EXPECT("prctl(PR_SET_DUMPABLE, SUID_DUMP_USER) = %ld\n", r);
	r = syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
	EXPECT("prctl(PR_GET_DUMPABLE) = %ld (SUID_DUMP_USER)\n", r);
	r = syscall(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	EXPECT("prctl(PR_SET_CHILD_SUBREAPER, 1) = %ld\n", r);
	r = syscall(SYS_prctl, PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
	EXPECT("prctl(PR_GET_CHILD_SUBREAPER, [%d]) = %ld\n", v, r);
	r = syscall(SYS_prctl, PR_CAPBSET_READ, CAP_SYS_ADMIN_NR, 0, 0, 0);
	EXPECT("prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN) = %ld\n", r);
	r = syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	EXPECT("prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = %ld\n", r);
	r = syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	EXPECT("prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) = %ld\n", r);
	r = syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0);
	EXPECT("prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=1, "
	    "filter=%p}) = %ld\n", (void *)f, r);
	r = syscall(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0);
	EXPECT("prctl(PR_GET_SECCOMP) = %ld\n", r);
}

/* A pipe with a byte in it: both ends are ready. */
static void
polls(void)
{
	struct pollfd p[2];
	int fds[2];
	long r;

	if (pipe(fds) < 0 || write(fds[1], "x", 1) != 1)
		exit(1);
	p[0] = (struct pollfd){ fds[0], POLLIN, 0 };
	p[1] = (struct pollfd){ fds[1], POLLOUT, 0 };
	r = syscall(SYS_poll, p, 2, 0);
	EXPECT("poll([{fd=%d, events=POLLIN}, {fd=%d, events=POLLOUT}], 2, 0) "
	    "= %ld ([{fd=%d, revents=POLLIN}, {fd=%d, revents=POLLOUT}])\n",
	    fds[0], fds[1], r, fds[0], fds[1]);
}

/*
 * For --by: calls on DIR/a by relative and absolute path and through an
 * fd that no other call of the program used (the dynamic loader's fd is
 * the one dup takes), a failed open, a directory made and removed.
 */
static void
paths(const char *dir)
{
	char abs[512];
	struct stat st;
	long fd;

	snprintf(abs, sizeof(abs), "%s/a", dir);
	if (syscall(SYS_chdir, dir) < 0 || syscall(SYS_dup, 0) < 0)
		exit(1);
	fd = syscall(SYS_openat, AT_FDCWD, "a", O_WRONLY | O_CREAT | O_TRUNC,
	    0600);
	printf("fd %ld\n", fd);
	syscall(SYS_write, fd, "abc", 3);
	syscall(SYS_close, fd);
	syscall(SYS_newfstatat, AT_FDCWD, "a", &st, 0);
	syscall(SYS_access, abs, R_OK);
	syscall(SYS_unlink, "a");
	syscall(SYS_openat, AT_FDCWD, "nonexistent", O_RDONLY);
	syscall(SYS_mkdirat, AT_FDCWD, "d", 0700);
	syscall(SYS_rmdir, "d");
}

/* Flags of the calls that make descriptors, for a comparison with strace
 * (it prints nothing itself: strace is the oracle). */
static void
fdflags(void)
{
	struct { unsigned long h, f, r, m; } sa;
	int p[2];

	syscall(SYS_openat, AT_FDCWD, "/nonexistent", O_RDONLY | O_CREAT |
	    O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |
	    O_ASYNC | O_DIRECT | O_DIRECTORY | O_NOFOLLOW | O_NOATIME |
	    O_CLOEXEC, 0600);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent", O_RDONLY | O_SYNC |
	    O_PATH | O_DIRECTORY);
	syscall(SYS_openat, AT_FDCWD, "/tmp", O_WRONLY | O_DIRECTORY);
	syscall(SYS_pipe2, p, 0);
	syscall(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK | O_DIRECT);
	syscall(SYS_dup3, 0, 40, 0);
	syscall(SYS_dup3, 0, 40, O_CLOEXEC);
	syscall(SYS_eventfd2, 0, 0);
	syscall(SYS_eventfd2, 1, O_CLOEXEC | O_NONBLOCK | 1);
	syscall(SYS_faccessat2, AT_FDCWD, "/nonexistent", X_OK, AT_EACCESS);
	syscall(SYS_inotify_init1, 0);
	syscall(SYS_inotify_init1, O_CLOEXEC | O_NONBLOCK);
	syscall(SYS_timerfd_create, CLOCK_MONOTONIC, O_CLOEXEC | O_NONBLOCK);
	syscall(SYS_memfd_create, "m", 3);
	syscall(SYS_rt_sigaction, SIGRTMIN + 2, NULL, &sa, 8);
	syscall(SYS_fcntl, p[0], F_GETFD);
	syscall(SYS_fcntl, p[0], F_SETFD, FD_CLOEXEC);
	syscall(SYS_fcntl, p[0], F_GETFD);
	syscall(SYS_fcntl, p[0], F_GETFL);
	syscall(SYS_fcntl, p[0], F_SETFL, O_NONBLOCK);
	syscall(SYS_fcntl, p[0], F_DUPFD, 50);
	syscall(SYS_fcntl, p[0], F_DUPFD_CLOEXEC, 60);
	syscall(SYS_fcntl, 1000, F_GETFL);
}

/* Values no table names, and ioctl requests of each shape, for a
 * comparison with strace (the oracle: it prints nothing itself). */
static void
unknowns(void)
{
	static const unsigned long reqs[] = {
		0x12345678,	/* _IOC(_IOC_NONE, 0x56, 0x78, 0x1234) */
		0xc0186201,	/* _IOC(_IOC_READ|_IOC_WRITE, ...) */
		0x40086602,	/* FS_IOC_SETFLAGS: a pointer */
		0x5401,		/* TCGETS: a pointer, none in its number */
		0x8912,		/* SIOCGIFCONF */
		0x5451,		/* FIOCLEX: no argument */
		0xc0045877,	/* FIFREEZE: no argument */
		0x1,		/* FIBMAP */
		0x80045430,	/* TIOCGPTN */
	};
	size_t i;

	syscall(SYS_prctl, 1234, 1, 2, 3, 4);
	syscall(SYS_prctl, PR_SET_SECCOMP, 9, 0, 0, 0);
	syscall(SYS_prctl, PR_SET_DUMPABLE, 7);
	syscall(SYS_prctl, PR_CAPBSET_READ, 99);
	syscall(SYS_fcntl, 0, 999);
	syscall(SYS_lseek, 0, 0, 77);
	syscall(SYS_madvise, NULL, 4096, 999);
	syscall(SYS_arch_prctl, 0x9999, 0);
	syscall(SYS_socket, 77, SOCK_STREAM, 0);
	syscall(SYS_epoll_ctl, 0, 99, 0, NULL);
	syscall(SYS_fadvise64, 0, 0, 0, 99);
	syscall(SYS_getrlimit, 99, NULL);
	syscall(SYS_prlimit64, 0, 99, NULL, NULL);
	syscall(SYS_rt_sigprocmask, 99, NULL, NULL, 8);
	syscall(SYS_clock_gettime, 99, NULL);
	syscall(SYS_clock_gettime, -6, NULL);
	syscall(SYS_setsockopt, 0, 999, 1, NULL, 0);
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		syscall(SYS_ioctl, 1000, reqs[i], 0);
}

/* The terminal ioctls programs make, on stdin (a pty), and two on a
 * pipe that fail: strace is the oracle. */
static void
ttys(void)
{
	struct winsize ws = { 40, 120, 0, 0 };
	struct termios t;
	int n = 0, p[2];

	syscall(SYS_ioctl, 0, FIONREAD, &n);
	syscall(SYS_ioctl, 0, TIOCGPGRP, &n);
	n = 0;
	syscall(SYS_ioctl, 0, FIONBIO, &n);
	syscall(SYS_ioctl, 0, TIOCOUTQ, &n);
	syscall(SYS_ioctl, 0, TIOCSWINSZ, &ws);
	syscall(SYS_ioctl, 0, TIOCGWINSZ, &ws);
	syscall(SYS_ioctl, 0, TCGETS, &t);
	t.c_lflag &= ~(tcflag_t)ECHO;
	syscall(SYS_ioctl, 0, TCSETSW, &t);
	t.c_lflag |= ECHO;
	syscall(SYS_ioctl, 0, TCSETS, &t);
	syscall(SYS_ioctl, 0, TCXONC, TCOON);
	syscall(SYS_ioctl, 0, TCFLSH, TCIFLUSH);
	syscall(SYS_ioctl, 0, TCSBRK, 1);
	syscall(SYS_ioctl, 0, TCXONC, 9);
	syscall(SYS_ioctl, 0, FIOCLEX);
	syscall(SYS_pipe2, p, 0);
	syscall(SYS_ioctl, p[0], TCGETS, &t);
	syscall(SYS_ioctl, p[0], TIOCGWINSZ, &ws);
	syscall(SYS_ioctl, p[0], FIONREAD, &n);
}

/* statfs of DIR, /proc and a path that is not there; the CPU set read
 * and set again; the gid list read, and set to itself (strace is the
 * oracle). */
static void
lists(const char *dir)
{
	struct statfs f;
	unsigned long cpus[16];
	unsigned gids[64];
	long n;
	int fd;

	syscall(SYS_statfs, dir, &f);
	syscall(SYS_statfs, "/proc", &f);
	syscall(SYS_statfs, "/nonexistent", &f);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		syscall(SYS_fstatfs, fd, &f);
		close(fd);
	}
	n = syscall(SYS_sched_getaffinity, 0, sizeof(cpus), cpus);
	if (n > 0)
		syscall(SYS_sched_setaffinity, 0, (size_t)n, cpus);
	syscall(SYS_getgroups, 0, NULL);
	n = syscall(SYS_getgroups, 64, gids);
	if (n >= 0)
		syscall(SYS_setgroups, (size_t)n, gids);
	syscall(SYS_getgroups, -1, gids);
}

/* Socket options of each level and shape, socket's protocol by domain,
 * and the lengths the kernel changes ("[128 => 16]"): strace is the
 * oracle. */
static void
sockopts(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_storage ss;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct { int on, secs; } lg = { 1, 5 };
	struct timeval tv = { 2, 500000 };
	socklen_t len;
	int one = 1, v[4], l, c, s, u[2], n;

	l = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, IPPROTO_TCP);
	syscall(SYS_setsockopt, l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	syscall(SYS_setsockopt, l, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	syscall(SYS_setsockopt, l, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	syscall(SYS_setsockopt, l, IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof(one));
	syscall(SYS_setsockopt, l, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	syscall(SYS_setsockopt, l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	syscall(SYS_setsockopt, l, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5);
	syscall(SYS_setsockopt, l, IPPROTO_IP, IP_TOS, &one, sizeof(one));
	syscall(SYS_setsockopt, l, SOL_SOCKET, 999, &one, sizeof(one));
	syscall(SYS_setsockopt, l, 77, 1, &one, sizeof(one));
	len = 16;
	syscall(SYS_getsockopt, l, SOL_SOCKET, SO_ERROR, v, &len);
	len = sizeof(v);
	syscall(SYS_getsockopt, l, SOL_SOCKET, SO_LINGER, v, &len);
	len = sizeof(int);
	syscall(SYS_getsockopt, l, SOL_SOCKET, SO_TYPE, v, &len);
	len = sizeof(int);
	syscall(SYS_getsockopt, l, SOL_SOCKET, 999, v, &len);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	syscall(SYS_bind, l, &a, sizeof(a));
	syscall(SYS_listen, l, 4);
	len = sizeof(ss);
	syscall(SYS_getsockname, l, &ss, &len);
	memcpy(&a, &ss, sizeof(a));
	c = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	syscall(SYS_connect, c, &a, sizeof(a));
	len = sizeof(ss);
	s = (int)syscall(SYS_accept4, l, &ss, &len, SOCK_CLOEXEC);
	len = sizeof(ss);
	syscall(SYS_getpeername, s, &ss, &len);
	syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, u);
	len = 3 * sizeof(int);
	syscall(SYS_getsockopt, u[0], SOL_SOCKET, SO_PEERCRED, v, &len);
	n = (int)syscall(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	syscall(SYS_bind, n, &nl, sizeof(nl));
	syscall(SYS_setsockopt, n, SOL_NETLINK, NETLINK_EXT_ACK, &one,
	    sizeof(one));
	syscall(SYS_socket, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
}

/* getrusage, times, priorities, clock_nanosleep's flag, msync and
 * mlockall, and calls decoded by their arguments' count alone: strace
 * is the oracle. */
static void
miscs(void)
{
	struct rusage ru;
	struct tms t;
	struct timespec ts;
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);

	syscall(SYS_getrusage, RUSAGE_SELF, &ru);
	syscall(SYS_getrusage, RUSAGE_CHILDREN, &ru);
	syscall(SYS_times, &t);
	syscall(SYS_getpriority, PRIO_PROCESS, 0);
	syscall(SYS_setpriority, PRIO_PROCESS, 0, 0);
	syscall(SYS_getpriority, 9, 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	syscall(SYS_msync, p, 4096, MS_SYNC | MS_INVALIDATE);
	syscall(SYS_mlockall, MCL_CURRENT | MCL_FUTURE);
	syscall(SYS_munlockall);
	syscall(SYS_sync);
	syscall(SYS_syncfs, 1000);
	syscall(SYS_ioprio_get, 1, 0);
	syscall(SYS_sched_getscheduler, 0);
	syscall(SYS_sched_get_priority_max, 1);
	syscall(SYS_unshare, 0);
	syscall(SYS_getcpu, NULL, NULL, NULL);
	syscall(SYS_acct, "/nonexistent/acct");
	{
		struct itimerspec in = { { 0, 0 }, { 0, 5000000 } }, was;
		int fd = (int)syscall(SYS_timerfd_create, CLOCK_MONOTONIC,
		    TFD_CLOEXEC);

		syscall(SYS_timerfd_settime, fd, 0, &in, &was);
		syscall(SYS_timerfd_gettime, fd, &was);
		syscall(SYS_timerfd_settime, fd, TFD_TIMER_ABSTIME, &in, NULL);
	}
	syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0);
	syscall(SYS_prctl, PR_GET_SECUREBITS, 0, 0, 0, 0);
	syscall(SYS_prctl, PR_GET_TIMERSLACK, 0, 0, 0, 0);
	{
		static char alt[65536];
		stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) }, was;
		char cwd[256];
		int prio = 0, fd = open("/", O_RDONLY | O_DIRECTORY);

		syscall(SYS_getcwd, cwd, sizeof(cwd));
		syscall(SYS_fcntl, fd, F_GETFL);
		syscall(SYS_flock, fd, LOCK_SH | LOCK_NB);
		syscall(SYS_flock, fd, LOCK_UN);
		syscall(SYS_sigaltstack, &ss, &was);
		syscall(SYS_ioprio_set, 1, 0, (3 << 13) | 7);
		syscall(SYS_sched_getparam, 0, &prio);
		syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &prio);
	}
}

/* Wait for a byte on stdin (a bench attaches first), then n getppid. */
static void
getppids(long n)
{
	char c;
	long i;

	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (read(0, &c, 1) < 0)
		return;
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

int
main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	long i, n;

	if (strcmp(m, "file") == 0 && argc > 2)
		file(argv[2]);
	else if (strcmp(m, "fail") == 0)
		fail();
	else if (strcmp(m, "socket") == 0)
		sock();
	else if (strcmp(m, "signal") == 0)
		sig();
	else if (strcmp(m, "fork") == 0)
		forkexec();
	else if (strcmp(m, "threads") == 0)
		threads();
	else if (strcmp(m, "thread-exec") == 0)
		thread_exec();
	else if (strcmp(m, "vfork") == 0)
		vforkexec();
	else if (strcmp(m, "hostile") == 0)
		hostile();
	else if (strcmp(m, "exit") == 0 && argc > 2)
		return atoi(argv[2]);
	else if (strcmp(m, "segv") == 0)
		raise(SIGSEGV);
	else if (strcmp(m, "slow") == 0)
		slow();
	else if (strcmp(m, "sys") == 0 && argc > 2) {
		statxs(argv[2]);
		sysinfos();
		prctls();
	} else if (strcmp(m, "poll") == 0)
		polls();
	else if (strcmp(m, "paths") == 0 && argc > 2)
		paths(argv[2]);
	else if (strcmp(m, "fdflags") == 0)
		fdflags();
	else if (strcmp(m, "unknown") == 0)
		unknowns();
	else if (strcmp(m, "tty") == 0)
		ttys();
	else if (strcmp(m, "lists") == 0 && argc > 2)
		lists(argv[2]);
	else if (strcmp(m, "sockopts") == 0)
		sockopts();
	else if (strcmp(m, "misc") == 0)
		miscs();
	else if (strcmp(m, "getppid") == 0 && argc > 2) {
		n = atol(argv[2]);
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		return 0;
	} else if (strcmp(m, "getppid-go") == 0 && argc > 2) {
		getppids(atol(argv[2]));
		return 0;
	} else {
		fprintf(stderr, "usage: systrace-seq file DIR|fail|socket|signal|"
		    "fork|vfork|threads|thread-exec|hostile|slow|exit N|segv|\n"
		    "getppid[-go] N|sys DIR|poll|paths DIR|fdflags|unknown|tty|lists DIR|sockopts|misc\n");
		return 2;
	}
	fwrite(out, 1, outn, stdout);
	return 0;
}
