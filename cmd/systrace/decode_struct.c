/* cmd/systrace/decode_struct.c - stat, sigaction, argv, rlimit, clone3... */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include "systrace.h"

#define MAX_ITEMS	32	/* array elements shown, as strace's -s */

/* The kernel's struct sigaction (x86-64 and asm-generic order). */
struct ksigaction {
	unsigned long	 handler;
	unsigned long	 flags;
	unsigned long	 restorer;
	uint64_t	 mask;
};

int
peek(pid_t pid, unsigned long addr, void *buf, size_t n)
{
	return tri_ptrace_read_mem(pid, addr, buf, n) == (ssize_t)n ? 0 : -1;
}

void
sb_set(struct sbuf *b, const char *set, unsigned long long v)
{
	const char *names[64];
	unsigned long long rest;
	size_t n, i;

	n = tri_syscalls_flags(tri_syscalls_set_id(set), v, names, 64, &rest);
	for (i = 0; i < n; i++) {
		if (i)
			sb_add(b, "|", 1);
		sb_puts(b, names[i]);
	}
	if (rest || n == 0) {
		if (n)
			sb_add(b, "|", 1);
		if (rest)
			sb_hex(b, rest);
		else
			sb_add(b, "0", 1);
	}
}

void
sb_signal(struct sbuf *b, int sig)
{
	const char *n = tri_syscalls_signal_name(sig);

	if (n)
		sb_puts(b, n);
	else
		sb_int(b, sig);
}

static void
sb_sigmask(struct sbuf *b, uint64_t m)
{
	int sig, first = 1;

	sb_add(b, "[", 1);
	for (sig = 1; sig <= 64; sig++) {
		const char *n;

		if (!(m & (1ULL << (sig - 1))))
			continue;
		if (!first)
			sb_add(b, " ", 1);
		first = 0;
		n = tri_syscalls_signal_name(sig);
		if (n && strncmp(n, "SIG", 3) == 0)
			sb_puts(b, n + 3);
		else
			sb_int(b, sig);
	}
	sb_add(b, "]", 1);
}

static void
sb_stat(struct ctl *ctl, struct sbuf *b, pid_t pid, unsigned long addr)
{
	struct stat st;
	const char *type;

	if (peek(pid, addr, &st, sizeof(st)) < 0) {
		sb_hex(b, addr);
		return;
	}
	type = tri_syscalls_xlat(tri_syscalls_set_id("stat_modes"),
	    st.st_mode & S_IFMT);
	sb_printf(b, "{st_mode=%s", type ? type : "0");
	if (st.st_mode & S_ISUID)
		sb_puts(b, "|S_ISUID");
	if (st.st_mode & S_ISGID)
		sb_puts(b, "|S_ISGID");
	if (st.st_mode & S_ISVTX)
		sb_puts(b, "|S_ISVTX");
	sb_printf(b, "|%#04o", (unsigned)(st.st_mode & 0777));
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		sb_printf(b, ", st_rdev=makedev(%#x, %#x)",
		    major(st.st_rdev), minor(st.st_rdev));
	else
		sb_printf(b, ", st_size=%lld", (long long)st.st_size);
	if (ctl->verbose)
		sb_printf(b, ", st_dev=makedev(%#x, %#x), st_ino=%llu, "
		    "st_nlink=%lu, st_uid=%u, st_gid=%u, st_blksize=%ld, "
		    "st_blocks=%lld", major(st.st_dev), minor(st.st_dev),
		    (unsigned long long)st.st_ino, (unsigned long)st.st_nlink,
		    st.st_uid, st.st_gid, (long)st.st_blksize,
		    (long long)st.st_blocks);
	else
		sb_puts(b, ", ...");
	sb_puts(b, "}");
}

static void
sb_timespec(struct sbuf *b, pid_t pid, unsigned long addr)
{
	struct timespec ts;

	if (peek(pid, addr, &ts, sizeof(ts)) < 0)
		sb_hex(b, addr);
	else
		sb_printf(b, "{tv_sec=%lld, tv_nsec=%ld}", (long long)ts.tv_sec,
		    ts.tv_nsec);
}

static void
sb_sigaction(struct sbuf *b, pid_t pid, unsigned long addr)
{
	struct ksigaction sa;

	if (peek(pid, addr, &sa, sizeof(sa)) < 0) {
		sb_hex(b, addr);
		return;
	}
	sb_puts(b, "{sa_handler=");
	if (sa.handler == 0)
		sb_puts(b, "SIG_DFL");
	else if (sa.handler == 1)
		sb_puts(b, "SIG_IGN");
	else
		sb_hex(b, sa.handler);
	sb_puts(b, ", sa_mask=");
	sb_sigmask(b, sa.mask);
	sb_puts(b, ", sa_flags=");
	sb_set(b, "sa_flags", sa.flags);
	if (sa.flags & 0x04000000) {
		sb_puts(b, ", sa_restorer=");
		sb_hex(b, sa.restorer);
	}
	sb_puts(b, "}");
}

/* argv as ["ls", "-l"]; envp likewise with -v, else a count. */
static void
sb_argv(struct ctl *ctl, struct sbuf *b, struct tri_ptrace_task *t,
    unsigned long addr, bool env)
{
	struct task *k = t->user;
	unsigned long p;
	size_t n;
	struct sbuf save;

	if (env && !ctl->verbose) {
		for (n = 0; n < 100000; n++)
			if (peek(t->tid, addr + n * sizeof(p), &p, sizeof(p)) < 0 ||
			    p == 0)
				break;
		sb_hex(b, addr);
		sb_printf(b, " /* %zu var%s */", n, n == 1 ? "" : "s");
		return;
	}
	/* the strings go through emit_cstr, which writes to the line */
	save = k->line;
	k->line = *b;
	sb_add(&k->line, "[", 1);
	for (n = 0; ; n++) {
		if (peek(t->tid, addr + n * sizeof(p), &p, sizeof(p)) < 0 ||
		    p == 0)
			break;
		if (n)
			sb_add(&k->line, ", ", 2);
		if (n >= MAX_ITEMS && !ctl->verbose) {
			sb_add(&k->line, "...", 3);
			break;
		}
		{
			bool json = ctl->json;

			ctl->json = false;
			emit_cstr(ctl, t, p, false);
			ctl->json = json;
		}
	}
	sb_add(&k->line, "]", 1);
	*b = k->line;
	k->line = save;
}

static void
sb_wstatus(struct sbuf *b, pid_t pid, unsigned long addr)
{
	int s;

	if (peek(pid, addr, &s, sizeof(s)) < 0) {
		sb_hex(b, addr);
		return;
	}
	if (WIFEXITED(s))
		sb_printf(b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]",
		    WEXITSTATUS(s));
	else if (WIFSIGNALED(s)) {
		sb_puts(b, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
		sb_signal(b, WTERMSIG(s));
		sb_puts(b, WCOREDUMP(s) ? " && WCOREDUMP(s)}]" : "}]");
	} else if (WIFSTOPPED(s)) {
		sb_puts(b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == ");
		sb_signal(b, WSTOPSIG(s));
		sb_puts(b, "}]");
	} else {
		sb_printf(b, "[%#x]", s);
	}
}

static void
sb_rlim(struct sbuf *b, unsigned long long v)
{
	if (v == (unsigned long long)RLIM_INFINITY)
		sb_puts(b, "RLIM64_INFINITY");
	else if (v > 0 && v % 1024 == 0)
		sb_printf(b, "%llu*1024", v / 1024);
	else
		sb_uint(b, v);
}

static void
sb_rlimit(struct sbuf *b, pid_t pid, unsigned long addr)
{
	struct rlimit r;

	if (peek(pid, addr, &r, sizeof(r)) < 0) {
		sb_hex(b, addr);
		return;
	}
	sb_puts(b, "{rlim_cur=");
	sb_rlim(b, r.rlim_cur);
	sb_puts(b, ", rlim_max=");
	sb_rlim(b, r.rlim_max);
	sb_puts(b, "}");
}

static void
sb_utsname(struct ctl *ctl, struct sbuf *b, pid_t pid, unsigned long addr)
{
	struct utsname u;

	if (peek(pid, addr, &u, sizeof(u)) < 0) {
		sb_hex(b, addr);
		return;
	}
	sb_puts(b, "{sysname=");
	sb_quote(b, (unsigned char *)u.sysname, strnlen(u.sysname,
	    sizeof(u.sysname)));
	sb_puts(b, ", nodename=");
	sb_quote(b, (unsigned char *)u.nodename, strnlen(u.nodename,
	    sizeof(u.nodename)));
	if (ctl->verbose) {
		sb_puts(b, ", release=");
		sb_quote(b, (unsigned char *)u.release, strnlen(u.release,
		    sizeof(u.release)));
		sb_puts(b, ", version=");
		sb_quote(b, (unsigned char *)u.version, strnlen(u.version,
		    sizeof(u.version)));
		sb_puts(b, ", machine=");
		sb_quote(b, (unsigned char *)u.machine, strnlen(u.machine,
		    sizeof(u.machine)));
		sb_puts(b, "}");
	} else {
		sb_puts(b, ", ...}");
	}
}

/* clone3's struct clone_args, the fields glibc sets. */
static void
sb_cloneargs(struct sbuf *b, pid_t pid, unsigned long addr, size_t len)
{
	uint64_t a[8] = { 0 };	/* flags, pidfd, child_tid, parent_tid,
				   exit_signal, stack, stack_size, tls */

	if (len > sizeof(a))
		len = sizeof(a);
	if (len < 8 || peek(pid, addr, a, len) < 0) {
		sb_hex(b, addr);
		return;
	}
	sb_puts(b, "{flags=");
	sb_set(b, "clone_flags", a[0]);
	if (a[2]) {
		sb_puts(b, ", child_tid=");
		sb_hex(b, a[2]);
	}
	if (a[3]) {
		sb_puts(b, ", parent_tid=");
		sb_hex(b, a[3]);
	}
	sb_puts(b, ", exit_signal=");
	if (a[4])
		sb_signal(b, (int)a[4]);
	else
		sb_add(b, "0", 1);
	sb_puts(b, ", stack=");
	sb_hex(b, a[5]);
	sb_puts(b, ", stack_size=");
	sb_hex(b, a[6]);
	if (a[7]) {
		sb_puts(b, ", tls=");
		sb_hex(b, a[7]);
	}
	sb_puts(b, "}");
}

static void
structure(struct ctl *ctl, struct sbuf *b, struct tri_ptrace_task *t,
    int kind, unsigned long addr, unsigned long long len, long ret)
{
	pid_t pid = t->tid;
	int fds[2], v;
	uint64_t m;
	uint32_t sl;
	struct epoll_event e;

	switch (kind) {
	case TRI_SC_K_SOCKADDR:
		sb_sockaddr(b, pid, addr, (size_t)len);
		break;
	case TRI_SC_K_SOCKADDROUT:
		/* len is the address of the socklen_t the kernel updated */
		if (len == 0 || peek(pid, (unsigned long)len, &sl, sizeof(sl)) < 0)
			sb_hex(b, addr);
		else
			sb_sockaddr(b, pid, addr, sl);
		break;
	case TRI_SC_K_STAT:
		sb_stat(ctl, b, pid, addr);
		break;
	case TRI_SC_K_TIMESPEC:
	case TRI_SC_K_TIMESPECOUT:
		sb_timespec(b, pid, addr);
		break;
	case TRI_SC_K_SIGACTION:
	case TRI_SC_K_SIGACTIONOUT:
		sb_sigaction(b, pid, addr);
		break;
	case TRI_SC_K_SIGSET:
	case TRI_SC_K_SIGSETOUT:
		if (peek(pid, addr, &m, sizeof(m)) < 0)
			sb_hex(b, addr);
		else
			sb_sigmask(b, m);
		break;
	case TRI_SC_K_ARGV:
	case TRI_SC_K_ENVP:
		sb_argv(ctl, b, t, addr, kind == TRI_SC_K_ENVP);
		break;
	case TRI_SC_K_FDPAIR:
		if (peek(pid, addr, fds, sizeof(fds)) < 0)
			sb_hex(b, addr);
		else
			sb_printf(b, "[%d, %d]", fds[0], fds[1]);
		break;
	case TRI_SC_K_IOVEC:
		sb_iovec(ctl, b, t, addr, len, -1);
		break;
	case TRI_SC_K_IOVECOUT:
		sb_iovec(ctl, b, t, addr, len, ret);
		break;
	case TRI_SC_K_POLLFD:
		sb_pollfds(b, pid, addr, len);
		break;
	case TRI_SC_K_EPEVENT:
		if (peek(pid, addr, &e, sizeof(e)) < 0)
			sb_hex(b, addr);
		else
			sb_epevent(b, &e);
		break;
	case TRI_SC_K_EPEVENTSOUT:
		sb_epevents(b, pid, addr, ret);
		break;
	case TRI_SC_K_INTPTR:
		if (peek(pid, addr, &v, sizeof(v)) < 0)
			sb_hex(b, addr);
		else
			sb_printf(b, "[%d]", v);
		break;
	case TRI_SC_K_WSTATUS:
		sb_wstatus(b, pid, addr);
		break;
	case TRI_SC_K_CLONEARGS:
		sb_cloneargs(b, pid, addr, (size_t)len);
		break;
	case TRI_SC_K_MSGHDR:
		sb_msghdr(ctl, b, t, addr, -1);
		break;
	case TRI_SC_K_RLIMIT:
	case TRI_SC_K_RLIMITOUT:
		sb_rlimit(b, pid, addr);
		break;
	case TRI_SC_K_UTSNAME:
		sb_utsname(ctl, b, pid, addr);
		break;
	case TRI_SC_K_MSGHDROUT:
		sb_msghdr(ctl, b, t, addr, ret);
		break;
	default:
		sb_hex(b, addr);
	}
}

/* argv (and envp with -v) in JSON: an array of strings; envp else a count. */
static void
json_argv(struct ctl *ctl, struct tri_ptrace_task *t, unsigned long addr,
    bool env)
{
	struct task *k = t->user;
	unsigned long p;
	size_t n;

	if (env && !ctl->verbose) {
		for (n = 0; n < 100000; n++)
			if (peek(t->tid, addr + n * sizeof(p), &p, sizeof(p)) < 0 ||
			    p == 0)
				break;
		tri_json_obj_begin(&k->j);
		tri_json_kuint(&k->j, "vars", n);
		tri_json_obj_end(&k->j);
		return;
	}
	tri_json_arr_begin(&k->j);
	for (n = 0; n < 100000; n++) {
		if (peek(t->tid, addr + n * sizeof(p), &p, sizeof(p)) < 0 ||
		    p == 0)
			break;
		emit_cstr(ctl, t, p, false);
	}
	tri_json_arr_end(&k->j);
}

/* A structure: strace's text, or that text as a JSON string. */
void
decode_struct(struct ctl *ctl, struct tri_ptrace_task *t, int kind,
    unsigned long addr, unsigned long long len, long ret)
{
	struct task *k = t->user;
	struct sbuf b = { 0 };

	if (ctl->json && (kind == TRI_SC_K_ARGV || kind == TRI_SC_K_ENVP)) {
		json_argv(ctl, t, addr, kind == TRI_SC_K_ENVP);
		return;
	}
	structure(ctl, &b, t, kind, addr, len, ret);
	if (ctl->json)
		tri_json_str(&k->j, b.p ? b.p : "");
	else
		sb_add(&k->line, b.p ? b.p : "", b.len);
	free(b.p);
}
