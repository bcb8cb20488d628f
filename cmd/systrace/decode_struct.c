/* cmd/systrace/decode_struct.c - stat, sigaction, argv, rlimit, clone3... */
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

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

/*
 * strace counts real-time signals from the kernel's SIGRTMIN (32), not
 * from glibc's (34, after the two glibc keeps): SIGRT_2 is signal 34.
 */
const char *
sig_name(int sig)
{
	static char buf[16];

	if (sig >= 32 && sig <= 64 && tri_syscalls_xlat(tri_syscalls_set_id(
	    "signals"), (unsigned long long)sig) == NULL) {
		if (sig == 32)
			return "SIGRTMIN";
		snprintf(buf, sizeof(buf), "SIGRT_%d", sig - 32);
		return buf;
	}
	return tri_syscalls_signal_name(sig);
}

void
sb_signal(struct sbuf *b, int sig)
{
	const char *n = sig_name(sig);

	if (n)
		sb_puts(b, n);
	else
		sb_int(b, sig);
}

/* [INT TERM] in text (strace drops the SIG), ["SIGINT", "SIGTERM"] in JSON. */
void
dw_sigmask(struct dw *w, unsigned long long m)
{
	const char *n;
	int sig;

	/* as strace: a set of two thirds of the signals or more is the
	 * ones it lacks, "~[RTMIN RT_1]" (JSON lists the set itself) */
	if (w->j == NULL && __builtin_popcountll(m) >= 64 * 2 / 3) {
		dw_text(w, "~");
		m = ~m;
	}
	dw_arr_sp(w);
	for (sig = 1; sig <= 64; sig++) {
		if (!(m & (1ULL << (sig - 1))))
			continue;
		n = sig_name(sig);
		if (n == NULL)
			dw_int(w, sig);
		else if (w->j == NULL && strncmp(n, "SIG", 3) == 0)
			dw_sym(w, n + 3);
		else
			dw_sym(w, n);
	}
	dw_end(w);
}

/* " /+ 2026-12-01T07:04:25.000000002+0000 +/" after a time, as strace. */
void
sb_timecomment(struct sbuf *b, long long sec, unsigned long nsec)
{
	char buf[64], z[8];
	struct tm tm;
	time_t t = (time_t)sec;

	if ((sec == 0 && nsec == 0) || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(z, sizeof(z), "%z", &tm) == 0)
		return;
	if (nsec)
		sb_printf(b, " /* %s.%09lu%s */", buf, nsec, z);
	else
		sb_printf(b, " /* %s%s */", buf, z);
}

static void
dw_stat_size(struct dw *w, const struct stat *st)
{
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		if (w->j) {
			dw_key(w, NULL, "rdev_major");
			dw_uint(w, major(st->st_rdev));
			dw_key(w, NULL, "rdev_minor");
			dw_uint(w, minor(st->st_rdev));
		} else {
			sb_printf(w->b, ", st_rdev=makedev(%#x, %#x)",
			    major(st->st_rdev), minor(st->st_rdev));
		}
	} else {
		dw_key(w, "st_size", "size_bytes");
		dw_int(w, (long long)st->st_size);
	}
}

static void
dw_stat_time(struct dw *w, const char *name, const struct timespec *ts)
{
	char k[32];

	if (w->j) {
		snprintf(k, sizeof(k), "%s_unix", name);
		tri_json_kfixed(w->j, k, (double)ts->tv_sec +
		    (double)ts->tv_nsec / 1e9, 9);
		return;
	}
	sb_printf(w->b, ", st_%s=%lld", name, (long long)ts->tv_sec);
	sb_timecomment(w->b, (long long)ts->tv_sec,
	    (unsigned long)ts->tv_nsec);
	sb_printf(w->b, ", st_%s_nsec=%ld", name, ts->tv_nsec);
}

/* Text shows the essentials (all in strace -v's order with -v); JSON
 * has every field. */
static void
dw_stat(struct dw *w, unsigned long addr)
{
	struct stat st;

	if (peek(w->t->tid, addr, &st, sizeof(st)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	if (!w->ctl->verbose && !w->j) {
		dw_key(w, "st_mode", "mode");
		dw_mode(w, st.st_mode);
		dw_stat_size(w, &st);
		dw_more(w);
		dw_end(w);
		return;
	}
	if (w->j) {
		dw_key(w, NULL, "dev_major");
		dw_uint(w, major(st.st_dev));
		dw_key(w, NULL, "dev_minor");
		dw_uint(w, minor(st.st_dev));
	} else {
		sb_printf(w->b, "st_dev=makedev(%#x, %#x)", major(st.st_dev),
		    minor(st.st_dev));
		w->first[w->depth] = false;
	}
	dw_key(w, "st_ino", "ino");
	dw_uint(w, (unsigned long long)st.st_ino);
	dw_key(w, "st_mode", "mode");
	dw_mode(w, st.st_mode);
	dw_key(w, "st_nlink", "nlink");
	dw_uint(w, (unsigned long long)st.st_nlink);
	dw_key(w, "st_uid", "uid");
	dw_uint(w, st.st_uid);
	dw_key(w, "st_gid", "gid");
	dw_uint(w, st.st_gid);
	dw_key(w, "st_blksize", "blksize_bytes");
	dw_int(w, (long long)st.st_blksize);
	dw_key(w, "st_blocks", "blocks");
	dw_int(w, (long long)st.st_blocks);
	dw_stat_size(w, &st);
	dw_stat_time(w, "atime", &st.st_atim);
	dw_stat_time(w, "mtime", &st.st_mtim);
	dw_stat_time(w, "ctime", &st.st_ctim);
	dw_end(w);
}

/* {tv_sec=1, tv_nsec=5}; JSON {"whole_seconds": 1, "nanoseconds": 5}
 * (the vocabulary has no "_sec" suffix). */
static void	dw_ts(struct dw *w, const struct timespec *ts);

void
dw_timespec(struct dw *w, unsigned long addr)
{
	struct timespec ts;

	if (peek(w->t->tid, addr, &ts, sizeof(ts)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_ts(w, &ts);
}

static void
dw_ts(struct dw *w, const struct timespec *ts)
{
	dw_obj(w);
	dw_key(w, "tv_sec", "whole_seconds");
	dw_int(w, (long long)ts->tv_sec);
	dw_key(w, "tv_nsec", "nanoseconds");
	dw_int(w, ts->tv_nsec);
	dw_end(w);
}

/* sigaltstack's stack_t: {ss_sp=0x..., ss_flags=0, ss_size=65536} */
static void
dw_stack(struct dw *w, unsigned long addr)
{
	stack_t ss;

	if (peek(w->t->tid, addr, &ss, sizeof(ss)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "ss_sp", "stack");
	dw_ptr(w, (unsigned long)ss.ss_sp);
	dw_key(w, "ss_flags", "flags");
	dw_flags_named(w, "ss_flags", (unsigned)ss.ss_flags);
	dw_key(w, "ss_size", "size_bytes");
	dw_uint(w, ss.ss_size);
	dw_end(w);
}

/* timer_settime's and timerfd_settime's {it_interval=..., it_value=...} */
static void
dw_itimerspec(struct dw *w, unsigned long addr)
{
	struct itimerspec it;

	if (peek(w->t->tid, addr, &it, sizeof(it)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "it_interval", "interval");
	dw_ts(w, &it.it_interval);
	dw_key(w, "it_value", "value");
	dw_ts(w, &it.it_value);
	dw_end(w);
}

static void
dw_sigaction(struct dw *w, unsigned long addr)
{
	struct ksigaction sa;

	if (peek(w->t->tid, addr, &sa, sizeof(sa)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "sa_handler", "handler");
	if (sa.handler == 0)
		dw_sym(w, "SIG_DFL");
	else if (sa.handler == 1)
		dw_sym(w, "SIG_IGN");
	else
		dw_hex(w, sa.handler);
	dw_key(w, "sa_mask", "mask");
	dw_sigmask(w, sa.mask);
	dw_key(w, "sa_flags", "flags");
	dw_flags_named(w, "sa_flags", sa.flags);
	if (sa.flags & 0x04000000) {
		dw_key(w, "sa_restorer", "restorer");
		dw_hex(w, sa.restorer);
	}
	dw_end(w);
}

/* argv as ["ls", "-l"]; envp likewise with -v, else a count. */
static void
dw_argv(struct dw *w, unsigned long addr, bool env)
{
	pid_t pid = w->t->tid;
	unsigned long p;
	size_t n;
	char c[40];

	if (env && !w->ctl->verbose) {
		for (n = 0; n < 100000; n++)
			if (peek(pid, addr + n * sizeof(p), &p, sizeof(p)) < 0 ||
			    p == 0)
				break;
		if (w->j) {
			tri_json_obj_begin(w->j);
			tri_json_kuint(w->j, "vars", n);
			tri_json_obj_end(w->j);
			return;
		}
		dw_hex(w, addr);
		snprintf(c, sizeof(c), " /* %zu var%s */", n, n == 1 ? "" : "s");
		dw_text(w, c);
		return;
	}
	dw_arr(w);
	for (n = 0; n < 100000; n++) {
		if (peek(pid, addr + n * sizeof(p), &p, sizeof(p)) < 0 || p == 0)
			break;
		if (n >= MAX_ITEMS && !w->ctl->verbose && !w->j) {
			dw_more(w);
			break;
		}
		dw_cstr(w, p, false);
	}
	dw_end(w);
}

/* JSON: the exit event's words (exit_status, killed_by, core_dumped). */
static void
dw_wstatus(struct dw *w, unsigned long addr)
{
	int s;

	if (peek(w->t->tid, addr, &s, sizeof(s)) < 0) {
		dw_hex(w, addr);
		return;
	}
	if (w->j) {
		tri_json_obj_begin(w->j);
		if (WIFEXITED(s)) {
			tri_json_kint(w->j, "exit_status", WEXITSTATUS(s));
		} else if (WIFSIGNALED(s)) {
			tri_json_key(w->j, "killed_by");
			dw_signal(w, WTERMSIG(s));
			tri_json_kbool(w->j, "core_dumped", WCOREDUMP(s));
		} else if (WIFSTOPPED(s)) {
			tri_json_key(w->j, "stopped_by");
			dw_signal(w, WSTOPSIG(s));
		} else {
			tri_json_kint(w->j, "raw", s);
		}
		tri_json_obj_end(w->j);
		return;
	}
	if (WIFEXITED(s))
		sb_printf(w->b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]",
		    WEXITSTATUS(s));
	else if (WIFSIGNALED(s)) {
		sb_puts(w->b, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
		sb_signal(w->b, WTERMSIG(s));
		sb_puts(w->b, WCOREDUMP(s) ? " && WCOREDUMP(s)}]" : "}]");
	} else if (WIFSTOPPED(s)) {
		sb_puts(w->b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == ");
		sb_signal(w->b, WSTOPSIG(s));
		sb_puts(w->b, "}]");
	} else {
		sb_printf(w->b, "[%#x]", s);
	}
}

/* RLIM64_INFINITY by name (a string in JSON too), 8192*1024 as strace. */
static void
dw_rlim(struct dw *w, unsigned long long v)
{
	if (v == (unsigned long long)RLIM_INFINITY)
		dw_sym(w, "RLIM64_INFINITY");
	else if (v > 0 && v % 1024 == 0 && !w->j)
		sb_printf(w->b, "%llu*1024", v / 1024);
	else
		dw_uint(w, v);
}

static void
dw_rlimit(struct dw *w, unsigned long addr)
{
	struct rlimit r;

	if (peek(w->t->tid, addr, &r, sizeof(r)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "rlim_cur", "cur");
	dw_rlim(w, r.rlim_cur);
	dw_key(w, "rlim_max", "max");
	dw_rlim(w, r.rlim_max);
	dw_end(w);
}

static void
dw_field(struct dw *w, const char *tkey, const char *jkey, const char *s,
    size_t max)
{
	dw_key(w, tkey, jkey);
	dw_str(w, s, strnlen(s, max), false);
}

static void
dw_utsname(struct dw *w, unsigned long addr)
{
	struct utsname u;

	if (peek(w->t->tid, addr, &u, sizeof(u)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_field(w, "sysname", "sysname", u.sysname, sizeof(u.sysname));
	dw_field(w, "nodename", "nodename", u.nodename, sizeof(u.nodename));
	if (w->ctl->verbose || w->j) {
		dw_field(w, "release", "release", u.release, sizeof(u.release));
		dw_field(w, "version", "version", u.version, sizeof(u.version));
		dw_field(w, "machine", "machine", u.machine, sizeof(u.machine));
	} else {
		dw_more(w);
	}
	dw_end(w);
}

/* clone3's struct clone_args, the fields glibc sets. */
static void
dw_cloneargs(struct dw *w, unsigned long addr, size_t len)
{
	uint64_t a[8] = { 0 };	/* flags, pidfd, child_tid, parent_tid,
				   exit_signal, stack, stack_size, tls */

	if (len > sizeof(a))
		len = sizeof(a);
	if (len < 8 || peek(w->t->tid, addr, a, len) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "flags", "flags");
	dw_flags_named(w, "clone_flags", a[0]);
	if (a[2]) {
		dw_key(w, "child_tid", "child_tid");
		dw_hex(w, a[2]);
	}
	if (a[3]) {
		dw_key(w, "parent_tid", "parent_tid");
		dw_hex(w, a[3]);
	}
	dw_key(w, "exit_signal", "exit_signal");
	if (a[4])
		dw_signal(w, (int)a[4]);
	else
		dw_int(w, 0);
	dw_key(w, "stack", "stack");
	dw_hex(w, a[5]);
	dw_key(w, "stack_size", "stack_size_bytes");
	dw_hex(w, a[6]);
	if (a[7]) {
		dw_key(w, "tls", "tls");
		dw_hex(w, a[7]);
	}
	dw_end(w);
}

/* A pointer to one int: [5] in text, the number in JSON. */
void
dw_intptr(struct dw *w, unsigned long addr, bool sig)
{
	int v;

	if (peek(w->t->tid, addr, &v, sizeof(v)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_text(w, "[");
	if (sig && v)
		dw_signal(w, v);
	else
		dw_int(w, v);
	dw_text(w, "]");
}

void
dw_intinout(struct dw *w, unsigned long addr, const int *in, bool failed)
{
	int v;

	if (addr == 0) {
		dw_null(w);
		return;
	}
	if (peek(w->t->tid, addr, &v, sizeof(v)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_text(w, "[");
	if (in != NULL && *in != v && !failed) {
		if (w->j == NULL)
			sb_printf(w->b, "%d => ", *in);
	}
	dw_int(w, v);
	dw_text(w, "]");
}

static void
dw_fdpair(struct dw *w, unsigned long addr)
{
	int fds[2];

	if (peek(w->t->tid, addr, fds, sizeof(fds)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_arr(w);
	dw_int(w, fds[0]);
	dw_int(w, fds[1]);
	dw_end(w);
}

static void
structure(struct dw *w, int kind, unsigned long addr, unsigned long long len,
    long ret)
{
	uint64_t m;
	uint32_t sl;

	switch (kind) {
	case TRI_SC_K_SOCKADDR:
		dw_sockaddr(w, addr, (size_t)len);
		break;
	case TRI_SC_K_SOCKADDROUT:
		/* len is the address of the socklen_t the kernel updated */
		if (len == 0 || peek(w->t->tid, (unsigned long)len, &sl,
		    sizeof(sl)) < 0)
			dw_hex(w, addr);
		else
			dw_sockaddr(w, addr, sl);
		break;
	case TRI_SC_K_STAT:
		dw_stat(w, addr);
		break;
	case TRI_SC_K_STATX:
		dw_statx(w, addr);
		break;
	case TRI_SC_K_SYSINFO:
		dw_sysinfo(w, addr);
		break;
	case TRI_SC_K_DIRENTS:
		dw_dirents(w, addr, ret);
		break;
	case TRI_SC_K_TIMESPEC:
	case TRI_SC_K_TIMESPECOUT:
		dw_timespec(w, addr);
		break;
	case TRI_SC_K_SIGACTION:
	case TRI_SC_K_SIGACTIONOUT:
		dw_sigaction(w, addr);
		break;
	case TRI_SC_K_ITIMERSPEC:
	case TRI_SC_K_ITIMERSPECOUT:
		dw_itimerspec(w, addr);
		break;
	case TRI_SC_K_STACK:
	case TRI_SC_K_STACKOUT:
		dw_stack(w, addr);
		break;
	case TRI_SC_K_SIGSET:
	case TRI_SC_K_SIGSETOUT:
		if (peek(w->t->tid, addr, &m, sizeof(m)) < 0)
			dw_hex(w, addr);
		else
			dw_sigmask(w, m);
		break;
	case TRI_SC_K_ARGV:
	case TRI_SC_K_ENVP:
		dw_argv(w, addr, kind == TRI_SC_K_ENVP);
		break;
	case TRI_SC_K_FDPAIR:
		dw_fdpair(w, addr);
		break;
	case TRI_SC_K_IOVEC:
		dw_iovec(w, addr, len, -1);
		break;
	case TRI_SC_K_IOVECOUT:
		dw_iovec(w, addr, len, ret);
		break;
	case TRI_SC_K_POLLFD:
		dw_pollfds(w, addr, len);
		break;
	case TRI_SC_K_EPEVENT:
		dw_epevents(w, addr, 1, true);
		break;
	case TRI_SC_K_EPEVENTSOUT:
		dw_epevents(w, addr, ret, false);
		break;
	case TRI_SC_K_INTPTR:
		dw_intptr(w, addr, false);
		break;
	case TRI_SC_K_WSTATUS:
		dw_wstatus(w, addr);
		break;
	case TRI_SC_K_CLONEARGS:
		dw_cloneargs(w, addr, (size_t)len);
		break;
	case TRI_SC_K_MSGHDR:
		dw_msghdr(w, addr, -1);
		break;
	case TRI_SC_K_MSGHDROUT:
		dw_msghdr(w, addr, ret);
		break;
	case TRI_SC_K_RLIMIT:
	case TRI_SC_K_RLIMITOUT:
		dw_rlimit(w, addr);
		break;
	case TRI_SC_K_UTSNAME:
		dw_utsname(w, addr);
		break;
	case TRI_SC_K_STATFS:
		dw_statfs(w, addr);
		break;
	case TRI_SC_K_RUSAGEOUT:
		dw_rusage(w, addr);
		break;
	case TRI_SC_K_TMSOUT:
		dw_tms(w, addr);
		break;
	case TRI_SC_K_CPUSET:
		dw_cpuset(w, addr, (size_t)len);
		break;
	case TRI_SC_K_CPUSETOUT:
		dw_cpuset(w, addr, (size_t)ret);
		break;
	case TRI_SC_K_GIDS:
		dw_gids(w, addr, (long)(int)len);
		break;
	case TRI_SC_K_GIDSOUT:
		dw_gids(w, addr, ret);
		break;
	default:
		dw_hex(w, addr);
	}
}

/* A structure at addr: strace's text, or a JSON object (array). */
void
decode_struct(struct ctl *ctl, struct tri_ptrace_task *t, int kind,
    unsigned long addr, unsigned long long len, long ret)
{
	struct dw w;

	dw_init(&w, ctl, t);
	structure(&w, kind, addr, len, ret);
}
