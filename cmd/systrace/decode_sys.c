/* cmd/systrace/decode_sys.c - statx, sysinfo, prctl, fcntl as strace shows them. */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/sysinfo.h>

#include <unistd.h>

#include "systrace.h"

/* stx_atime={tv_sec=1, tv_nsec=2} /+ 2026-12-01T07:04:25.000000002+0000 +/ */
static void
dw_sxtime(struct dw *w, const char *tkey, const char *jkey,
    const struct statx_timestamp *ts)
{
	if (w->j) {
		tri_json_kfixed(w->j, jkey, (double)ts->tv_sec +
		    (double)ts->tv_nsec / 1e9, 9);
		return;
	}
	dw_key(w, tkey, NULL);
	sb_printf(w->b, "{tv_sec=%lld, tv_nsec=%u}", (long long)ts->tv_sec,
	    (unsigned)ts->tv_nsec);
	sb_timecomment(w->b, (long long)ts->tv_sec, ts->tv_nsec);
}

static void
dw_ukey(struct dw *w, const char *tkey, const char *jkey,
    unsigned long long v)
{
	dw_key(w, tkey, jkey);
	dw_uint(w, v);
}

static void
dw_timeval(struct dw *w, const char *tkey, const char *jkey,
    const struct timeval *tv)
{
	dw_key(w, tkey, jkey);
	if (w->j) {
		tri_json_double(w->j, (double)tv->tv_sec +
		    (double)tv->tv_usec / 1e6);
		return;
	}
	dw_obj(w);
	dw_key(w, "tv_sec", "sec");
	dw_int(w, (long long)tv->tv_sec);
	dw_key(w, "tv_usec", "usec");
	dw_int(w, (long long)tv->tv_usec);
	dw_end(w);
}

void
dw_rusage(struct dw *w, unsigned long addr)
{
	static const struct { const char *t, *j; size_t off; } rest[] = {
		{ "ru_maxrss", "max_rss_kb", offsetof(struct rusage, ru_maxrss) },
		{ "ru_ixrss", "ixrss", offsetof(struct rusage, ru_ixrss) },
		{ "ru_idrss", "idrss", offsetof(struct rusage, ru_idrss) },
		{ "ru_isrss", "isrss", offsetof(struct rusage, ru_isrss) },
		{ "ru_minflt", "minor_faults", offsetof(struct rusage, ru_minflt) },
		{ "ru_majflt", "major_faults", offsetof(struct rusage, ru_majflt) },
		{ "ru_nswap", "swaps", offsetof(struct rusage, ru_nswap) },
		{ "ru_inblock", "blocks_in", offsetof(struct rusage, ru_inblock) },
		{ "ru_oublock", "blocks_out", offsetof(struct rusage, ru_oublock) },
		{ "ru_msgsnd", "messages_sent", offsetof(struct rusage, ru_msgsnd) },
		{ "ru_msgrcv", "messages_received", offsetof(struct rusage, ru_msgrcv) },
		{ "ru_nsignals", "signals", offsetof(struct rusage, ru_nsignals) },
		{ "ru_nvcsw", "voluntary_switches", offsetof(struct rusage, ru_nvcsw) },
		{ "ru_nivcsw", "involuntary_switches", offsetof(struct rusage, ru_nivcsw) },
	};
	struct rusage ru;
	size_t i;

	if (peek(w->t->tid, addr, &ru, sizeof(ru)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_timeval(w, "ru_utime", "user_seconds", &ru.ru_utime);
	dw_timeval(w, "ru_stime", "system_seconds", &ru.ru_stime);
	if (w->ctl->verbose || w->j) {
		for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++) {
			dw_key(w, rest[i].t, rest[i].j);
			dw_int(w, *(const long *)((const char *)&ru +
			    rest[i].off));
		}
	} else {
		dw_more(w);
	}
	dw_end(w);
}

void
dw_tms(struct dw *w, unsigned long addr)
{
	static const char *const tk[] = { "tms_utime", "tms_stime",
	    "tms_cutime", "tms_cstime" };
	static const char *const jk[] = { "user_ticks", "system_ticks",
	    "children_user_ticks", "children_system_ticks" };
	long hz = sysconf(_SC_CLK_TCK);
	struct tms t;
	clock_t v[4];
	int i;

	if (peek(w->t->tid, addr, &t, sizeof(t)) < 0) {
		dw_hex(w, addr);
		return;
	}
	v[0] = t.tms_utime;
	v[1] = t.tms_stime;
	v[2] = t.tms_cutime;
	v[3] = t.tms_cstime;
	dw_obj(w);
	for (i = 0; i < 4; i++) {
		dw_key(w, tk[i], jk[i]);
		dw_uint(w, (unsigned long long)v[i]);
		if (w->j || v[i] == 0)
			continue;
		if (hz == 100)
			sb_printf(w->b, " /* %llu.%02llu s */",
			    (unsigned long long)v[i] / 100,
			    (unsigned long long)v[i] % 100);
		else if (hz > 0)
			sb_printf(w->b, " /* %g s */", (double)v[i] / (double)hz);
	}
	dw_end(w);
}

#define ST_VALID	0x0020	/* the kernel's: f_flags is filled in */

void
dw_statfs(struct dw *w, unsigned long addr)
{
	static int magics = -2;
	struct statfs f;
	const char *n;

	if (peek(w->t->tid, addr, &f, sizeof(f)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "f_type", "type");
	if ((n = tri_syscalls_xlat(set_once(&magics, "fs_magics"),
	    (unsigned long long)f.f_type)) != NULL)
		dw_sym(w, n);
	else
		dw_hex(w, (unsigned long long)f.f_type);
	dw_ukey(w, "f_bsize", "block_size_bytes", (unsigned long long)f.f_bsize);
	dw_ukey(w, "f_blocks", "blocks", f.f_blocks);
	dw_ukey(w, "f_bfree", "blocks_free", f.f_bfree);
	dw_ukey(w, "f_bavail", "blocks_available", f.f_bavail);
	dw_ukey(w, "f_files", "files", f.f_files);
	dw_ukey(w, "f_ffree", "files_free", f.f_ffree);
	dw_key(w, "f_fsid", "fsid");
	dw_obj(w);
	dw_key(w, "val", "val");
	dw_arr(w);
	dw_hex(w, (unsigned)f.f_fsid.__val[0]);
	dw_hex(w, (unsigned)f.f_fsid.__val[1]);
	dw_end(w);
	dw_end(w);
	dw_ukey(w, "f_namelen", "name_max", (unsigned long long)f.f_namelen);
	dw_ukey(w, "f_frsize", "fragment_size_bytes",
	    (unsigned long long)f.f_frsize);
	if (f.f_flags & ST_VALID) {
		dw_key(w, "f_flags", "flags");
		dw_flags_named(w, "statfs_flags", (unsigned long long)f.f_flags);
	}
	dw_end(w);
}

/* The fields strace shows only with -v (JSON has them all). */
static void
statx_rest(struct dw *w, const struct statx *sx, bool head)
{
	if (head) {
		dw_ukey(w, "stx_blksize", "blksize_bytes", sx->stx_blksize);
		return;
	}
	dw_ukey(w, "stx_ino", "ino", sx->stx_ino);
	dw_ukey(w, "stx_size", "size_bytes", sx->stx_size);
	dw_ukey(w, "stx_blocks", "blocks", sx->stx_blocks);
	dw_key(w, "stx_attributes_mask", "attributes_mask");
	dw_flags_named(w, "statx_attrs", sx->stx_attributes_mask);
	dw_sxtime(w, "stx_atime", "atime_unix", &sx->stx_atime);
	if (sx->stx_mask & STATX_BTIME)
		dw_sxtime(w, "stx_btime", "btime_unix", &sx->stx_btime);
	dw_sxtime(w, "stx_ctime", "ctime_unix", &sx->stx_ctime);
	dw_sxtime(w, "stx_mtime", "mtime_unix", &sx->stx_mtime);
	dw_ukey(w, "stx_rdev_major", "rdev_major", sx->stx_rdev_major);
	dw_ukey(w, "stx_rdev_minor", "rdev_minor", sx->stx_rdev_minor);
	dw_ukey(w, "stx_dev_major", "dev_major", sx->stx_dev_major);
	dw_ukey(w, "stx_dev_minor", "dev_minor", sx->stx_dev_minor);
	if (sx->stx_mask & STATX_MNT_ID) {
		dw_key(w, "stx_mnt_id", "mnt_id");
		dw_hex(w, sx->stx_mnt_id);
	}
}

/* The result of statx(2), fields in strace's order. */
void
dw_statx(struct dw *w, unsigned long addr)
{
	bool all = w->ctl->verbose || w->j;
	struct statx sx;

	if (peek(w->t->tid, addr, &sx, sizeof(sx)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "stx_mask", "mask");
	dw_flags_named(w, "statx_mask", sx.stx_mask);
	if (all)
		statx_rest(w, &sx, true);
	dw_key(w, "stx_attributes", "attributes");
	dw_flags_named(w, "statx_attrs", sx.stx_attributes);
	if (all) {
		dw_ukey(w, "stx_nlink", "nlink", sx.stx_nlink);
		dw_ukey(w, "stx_uid", "uid", sx.stx_uid);
		dw_ukey(w, "stx_gid", "gid", sx.stx_gid);
	}
	dw_key(w, "stx_mode", "mode");
	dw_mode(w, sx.stx_mode);
	if (all) {
		statx_rest(w, &sx, false);
	} else {
		dw_ukey(w, "stx_size", "size_bytes", sx.stx_size);
		dw_more(w);
	}
	dw_end(w);
}

/* Sizes in mem_unit units: bytes in JSON, as the vocabulary wants. */
static void
dw_mem(struct dw *w, const char *tkey, const char *jkey, unsigned long v,
    unsigned unit)
{
	dw_key(w, tkey, jkey);
	dw_uint(w, w->j ? (unsigned long long)v * unit : v);
}

void
dw_sysinfo(struct dw *w, unsigned long addr)
{
	struct sysinfo si;
	int i;

	if (peek(w->t->tid, addr, &si, sizeof(si)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "uptime", "uptime_seconds");
	dw_int(w, si.uptime);
	dw_key(w, "loads", "loads");
	dw_arr(w);
	for (i = 0; i < 3; i++)
		dw_uint(w, si.loads[i]);
	dw_end(w);
	dw_mem(w, "totalram", "total_ram_bytes", si.totalram, si.mem_unit);
	dw_mem(w, "freeram", "free_ram_bytes", si.freeram, si.mem_unit);
	dw_mem(w, "sharedram", "shared_ram_bytes", si.sharedram, si.mem_unit);
	dw_mem(w, "bufferram", "buffer_ram_bytes", si.bufferram, si.mem_unit);
	dw_mem(w, "totalswap", "total_swap_bytes", si.totalswap, si.mem_unit);
	dw_mem(w, "freeswap", "free_swap_bytes", si.freeswap, si.mem_unit);
	dw_ukey(w, "procs", "procs", si.procs);
	dw_mem(w, "totalhigh", "total_high_bytes", si.totalhigh, si.mem_unit);
	dw_mem(w, "freehigh", "free_high_bytes", si.freehigh, si.mem_unit);
	if (!w->j)
		dw_ukey(w, "mem_unit", NULL, si.mem_unit);
	dw_end(w);
}

/* The records of a getdents64 buffer, counted by their d_reclen (the
 * u16 at offset 16 of struct linux_dirent64); strace without -v counts. */
void
dw_dirents(struct dw *w, unsigned long addr, long n)
{
	unsigned char *buf;
	unsigned short reclen;
	size_t off = 0, count = 0;
	char c[40];

	if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL ||
	    (n > 0 && peek(w->t->tid, addr, buf, (size_t)n) < 0)) {
		if (n >= 0)
			free(buf);
		dw_hex(w, addr);
		return;
	}
	while (off + 18 <= (size_t)n) {
		memcpy(&reclen, buf + off + 16, sizeof(reclen));
		if (reclen == 0)
			break;
		count++;
		off += reclen;
	}
	free(buf);
	if (w->j) {
		tri_json_obj_begin(w->j);
		tri_json_kuint(w->j, "entries", count);
		tri_json_obj_end(w->j);
		return;
	}
	dw_hex(w, addr);
	snprintf(c, sizeof(c), " /* %zu entries */", count);
	dw_text(w, c);
}

/*
 * prctl(2): how many arguments strace shows for an option, and what each
 * is.  Options not named here show four hex arguments, as strace does.
 */
int
prctl_nargs(const unsigned long long *a)
{
	switch ((int)a[0]) {
	case PR_SET_SECCOMP:
		return a[1] == SECCOMP_MODE_FILTER ? 3 :
		    a[1] == SECCOMP_MODE_STRICT ? 2 : 5;
	case PR_GET_DUMPABLE:
	case PR_GET_SECCOMP:
	case PR_GET_KEEPCAPS:
	case PR_GET_TIMING:
	case PR_GET_TIMERSLACK:
	case PR_TASK_PERF_EVENTS_DISABLE:
	case PR_TASK_PERF_EVENTS_ENABLE:
	case PR_GET_SECUREBITS:
		return 1;
	case PR_SET_NAME:
	case PR_GET_NAME:
	case PR_SET_PDEATHSIG:
	case PR_GET_PDEATHSIG:
	case PR_SET_DUMPABLE:
	case PR_SET_CHILD_SUBREAPER:
	case PR_GET_CHILD_SUBREAPER:
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP:
	case PR_SET_KEEPCAPS:
	case PR_SET_TIMERSLACK:
		return 2;
	}
	return 5;
}

bool
prctl_at_exit(unsigned long long opt, int i)
{
	switch ((int)opt) {
	case PR_GET_NAME:
	case PR_GET_PDEATHSIG:
	case PR_GET_CHILD_SUBREAPER:
		return i == 1;
	}
	return false;
}

/* PR_SET_SECCOMP's mode, then for a filter its struct sock_fprog. */
static void
seccomp_arg(struct dw *w, const unsigned long long *a, int i)
{
	struct { unsigned short len; unsigned long filter; } fp;

	if (i == 1) {
		dw_enum(w, tri_syscalls_set_id("seccomp_modes"), (int)a[1]);
		return;
	}
	if (a[1] != SECCOMP_MODE_FILTER || i != 2) {
		dw_hex(w, a[i]);
		return;
	}
	if (a[2] == 0 || peek(w->t->tid, (unsigned long)a[2], &fp,
	    sizeof(fp)) < 0) {
		dw_ptr(w, a[2]);
		return;
	}
	dw_obj(w);
	dw_ukey(w, "len", "len", fp.len);
	dw_key(w, "filter", "filter");
	dw_ptr(w, fp.filter);
	dw_end(w);
}

void
prctl_arg(struct dw *w, int i, long ret)
{
	struct task *k = w->t->user;
	const unsigned long long *a = k->args;
	bool failed = ret < 0 && ret > -4096;

	if (prctl_at_exit(a[0], i) && (failed || a[i] == 0)) {
		dw_ptr(w, a[i]);
		return;
	}
	switch ((int)a[0]) {
	case PR_SET_NAME:
	case PR_GET_NAME:
		dw_cstr(w, (unsigned long)a[1], false);
		return;
	case PR_SET_PDEATHSIG:
		if (a[1])
			dw_signal(w, (int)a[1]);
		else
			dw_int(w, 0);
		return;
	case PR_GET_PDEATHSIG:
	case PR_GET_CHILD_SUBREAPER:
		dw_intptr(w, (unsigned long)a[1], a[0] == PR_GET_PDEATHSIG);
		return;
	case PR_SET_DUMPABLE:
		dw_enum(w, tri_syscalls_set_id("dumpable"), (long long)a[1]);
		return;
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP:
		dw_enum(w, tri_syscalls_set_id("capabilities"), (long long)a[1]);
		return;
	case PR_SET_KEEPCAPS:
	case PR_SET_TIMERSLACK:
		dw_uint(w, a[i]);
		return;
	case PR_CAP_AMBIENT:
		/* the operation, and the capability of the three that take one */
		if (i == 1)
			dw_enum(w, tri_syscalls_set_id("cap_ambient_ops"),
			    (long long)a[1]);
		else if (i == 2 && a[1] >= 1 && a[1] <= 3)
			dw_enum(w, tri_syscalls_set_id("capabilities"),
			    (long long)a[2]);
		else
			dw_hex(w, a[i]);
		return;
	case PR_SET_CHILD_SUBREAPER:
	case PR_SET_NO_NEW_PRIVS:
	case PR_GET_NO_NEW_PRIVS:
		dw_uint(w, a[i]);
		return;
	case PR_SET_SECCOMP:
		seccomp_arg(w, a, i);
		return;
	}
	dw_hex(w, a[i]);
}

const char *
prctl_ret_name(unsigned long long opt, long ret)
{
	static char buf[64];
	const char *n;

	if ((int)opt != PR_GET_DUMPABLE || ret < 0)
		return NULL;
	if ((n = tri_syscalls_xlat(tri_syscalls_set_id("dumpable"),
	    (unsigned long long)ret)) == NULL)
		return NULL;
	snprintf(buf, sizeof(buf), " (%s)", n);
	return buf;
}

/* fcntl(2): the commands that take no argument show none, as strace. */
int
fcntl_nargs(unsigned long long cmd)
{
	switch ((int)cmd) {
	case F_GETFD:
	case F_GETFL:
	case F_GETOWN:
	case F_GETSIG:
	case F_GETLEASE:
	case F_GETPIPE_SZ:
	case F_GET_SEALS:
		return 2;
	}
	return 3;
}

void
fcntl_arg(struct dw *w)
{
	struct task *k = w->t->user;
	unsigned long long v = k->args[2];

	switch ((int)k->args[1]) {
	case F_SETFD:
		dw_flags_named(w, "fd_flags", v);
		return;
	case F_SETFL:
		dw_flags_named(w, "open_flags", v);
		return;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_SETOWN:
	case F_SETPIPE_SZ:
		dw_int(w, (int)v);
		return;
	case F_SETSIG:
		dw_signal(w, (int)v);
		return;
	}
	dw_hex(w, v);
}

/* F_GETFD's and F_GETFL's flags: "0x1 (flags FD_CLOEXEC)", as strace. */
bool
fcntl_ret(struct sbuf *b, unsigned long long cmd, long ret)
{
	struct dw w = { .b = b };
	const char *set;

	if ((int)cmd == F_GETFD)
		set = "fd_flags";
	else if ((int)cmd == F_GETFL)
		set = "open_flags";
	else
		return false;
	/* F_GETFL's 0 is O_RDONLY, a name; F_GETFD's is no flag */
	if (ret < 0 || (ret == 0 && (int)cmd == F_GETFD))
		return false;
	sb_hex(b, (unsigned long long)ret);
	sb_puts(b, " (flags ");
	dw_flags_named(&w, set, (unsigned long long)ret);
	sb_puts(b, ")");
	return true;
}

/*
 * clone(2)'s registers: flags, stack, parent_tid, then child_tid and tls
 * (x86-64) or tls and child_tid (aarch64 and most others).  strace shows
 * the pointers the flags make the kernel use.  parent_tid is shown as
 * its address: the kernel writes it only as the call returns.
 */
void
clone_args(struct dw *w)
{
	struct task *k = w->t->user;
	const unsigned long long *a = k->args;
	unsigned long long f = a[0];
#if defined(__x86_64__)
	unsigned long long ctid = a[3], tls = a[4];
#else
	unsigned long long ctid = a[4], tls = a[3];
#endif

	if (w->j)
		dw_obj(w);
	dw_key(w, "child_stack", "child_stack");
	dw_ptr(w, a[1]);
	dw_key(w, "flags", "flags");
	dw_flags_named(w, "clone_flags", f);
	if (f & CLONE_PARENT_SETTID) {
		dw_key(w, "parent_tid", "parent_tid");
		dw_ptr(w, a[2]);
	}
	if (f & CLONE_SETTLS) {
		dw_key(w, "tls", "tls");
		dw_ptr(w, tls);
	}
	if (f & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) {
		dw_key(w, "child_tidptr", "child_tid");
		dw_ptr(w, ctid);
	}
	if (w->j)
		dw_end(w);
}
