/* cmd/systrace/systrace.h - what the files of systrace share. */
#ifndef SYSTRACE_H
#define SYSTRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "cli.h"
#include "out.h"
#include "ptrace.h"
#include "sock.h"
#include "syscalls.h"

/* A growing byte buffer: the line being built for one call. */
struct sbuf {
	char	*p;
	size_t	 len, cap;
};

void	sb_add(struct sbuf *b, const char *s, size_t n);
void	sb_puts(struct sbuf *b, const char *s);
void	sb_printf(struct sbuf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	sb_uint(struct sbuf *b, unsigned long long v);
void	sb_int(struct sbuf *b, long long v);
void	sb_hex(struct sbuf *b, unsigned long long v);
/* Bytes quoted and escaped as strace does ("\n", "\33", octal). */
void	sb_quote(struct sbuf *b, const unsigned char *s, size_t n);

enum by { BY_NONE, BY_FD, BY_PATH };
enum sortkey { SORT_TIME, SORT_CALLS, SORT_ERRORS, SORT_NAME, SORT_AVG,
	SORT_P99, SORT_MAX, SORT_NONE };

struct ctl {
	struct tri_targets	 targets;	/* -p */
	char			**argv;		/* the program after -- */
	const char		*outfile;	/* -o */
	FILE			*out;
	bool			 follow;	/* -f */
	bool			 summary;	/* -c */
	bool			 summary_too;	/* -C */
	bool			 json;		/* --json */
	bool			 header;	/* not --no-header */
	int			 yfd;		/* -y (1), -yy (2) */
	bool			 verbose;	/* -v */
	unsigned		 strsize;	/* -s */
	int			 tstamp;	/* -t, -tt, -ttt */
	bool			 relative;	/* -r */
	bool			 timing;	/* -T */
	bool			 wall;		/* -w */
	enum sortkey		 sort;		/* -S */
	enum by			 by;		/* --by */
	bool			 only_ok;	/* -z */
	bool			 only_fail;	/* -Z */
	double			 slower;	/* --slower-than, seconds */
	bool			*want;		/* per syscall nr; NULL: all */
	bool			 want_set;
	char			**paths;	/* -P */
	size_t			 npaths;
	bool			 seccomp;	/* launched with a kernel filter */
	bool			 no_seccomp;	/* --no-seccomp */
	enum tri_color_mode	 color;
	/* state while tracing */
	bool			 trace_lines;	/* print each call */
	bool			 delayed;	/* lines wait for the exit */
	bool			 to_file;	/* -o */
	bool			 multi;		/* more than one task seen */
	struct tri_ptrace_task	*printing;	/* whose line is open */
	struct timespec		 last;		/* for -r */
	struct tri_ptrace_loop	 loop;
	volatile sig_atomic_t	 stop;
};

/* What systrace keeps per thread (tri_ptrace_task.user). */
struct task {
	struct sbuf		 line;		/* entry part of the call */
	long			 nr;
	long			 prev;		/* the call before, or -1 */
	unsigned long long	 args[6];
	struct timespec		 t0;		/* entry, monotonic */
	struct timespec		 t0_real;	/* entry, wall clock */
	struct timeval		 st0;		/* entry, system time */
	bool			 active;	/* an entry was seen */
	bool			 seen;		/* any call was seen */
	bool			 want;		/* it passed the name filter */
	bool			 shown;		/* the entry part went out */
	bool			 pathhit;	/* -P matched at entry */
	int			 next;		/* first argument not shown */
	bool			 sep;		/* its ", " is already out */
	bool			 cut;		/* -s or a count cut a value */
	bool			 has_inlen;	/* inlen holds the entry value */
	int			 inlen;		/* of a value-result length */
	char			*fdpath;	/* --by: the row's key */
	FILE			*jf;		/* JSON into line */
	struct tri_json		 j;
	struct tri_socktab	 socks;		/* -yy */
	bool			 socks_loaded;
};

/*
 * dwrite.c: decoded values written as strace's text or as JSON.  A
 * decoder calls these once; the writer's j says which output it makes.
 * dw_key takes the text's key and the JSON one (man 7 triage's words).
 */
#define DW_DEPTH	16
struct dw {
	struct ctl		*ctl;
	struct tri_ptrace_task	*t;
	struct sbuf		*b;		/* text goes here */
	struct tri_json		*j;		/* JSON goes here, or NULL */
	int			 depth;
	bool			 first[DW_DEPTH];
	bool			 keyed[DW_DEPTH];	/* an object */
	const char		*sep[DW_DEPTH];
};

void	dw_init(struct dw *w, struct ctl *ctl, struct tri_ptrace_task *t);
void	dw_obj(struct dw *w);
void	dw_arr(struct dw *w);
void	dw_arr_sp(struct dw *w);
void	dw_end(struct dw *w);
void	dw_key(struct dw *w, const char *tkey, const char *jkey);
void	dw_more(struct dw *w);
void	dw_text(struct dw *w, const char *s);
void	dw_int(struct dw *w, long long v);
void	dw_uint(struct dw *w, unsigned long long v);
void	dw_hex(struct dw *w, unsigned long long v);
void	dw_ptr(struct dw *w, unsigned long long v);
void	dw_uint_in(struct dw *w, const char *pre_text, unsigned long long v,
	    const char *post_text);
void	dw_oct(struct dw *w, unsigned long long v);
void	dw_sym(struct dw *w, const char *s);
void	dw_str(struct dw *w, const char *s, size_t n, bool more);
void	dw_null(struct dw *w);
void	dw_flags(struct dw *w, int id, unsigned long long v);
void	dw_flags_named(struct dw *w, const char *set, unsigned long long v);
void	dw_enum(struct dw *w, int id, long long v);
void	dw_ioctl(struct dw *w, int id, unsigned cmd);
void	dw_signal(struct dw *w, int sig);
void	dw_mode(struct dw *w, unsigned mode);

/* trace.c: the callback of the stop loop. */
void	trace_event(struct tri_ptrace_ev *ev, void *arg);
void	task_free(struct tri_ptrace_task *t);

/* decode.c: arguments by kind; true when arg i is shown only at exit. */
bool	arg_at_exit(const struct tri_sc_desc *d, const unsigned long long *args,
	    int i);
void	decode_args(struct ctl *ctl, struct tri_ptrace_task *t, bool exiting,
	    long ret);
void	decode_ret(struct ctl *ctl, struct tri_ptrace_task *t,
	    const struct tri_sc_desc *d, long ret);
void	fd_label(struct ctl *ctl, struct tri_ptrace_task *t, const char *target,
	    struct sbuf *name);
/* The target of fd in pid ("/etc/hosts", "socket:[123]"); static or NULL. */
const char *fd_target(pid_t pid, long fd);
void	dw_fd(struct dw *w, long fd);
/* The string at addr (cut at -s unless path), or its address. */
void	dw_cstr(struct dw *w, unsigned long addr, bool path);
/* len bytes at addr, cut at -s; hex: every byte as \xHH in text. */
void	dw_buf(struct dw *w, unsigned long addr, long len, bool hex);
/* The NUL-terminated string at addr of pid, at most max bytes, into buf
 * (not terminated): its length, or -1; *more when it was longer. */
ssize_t	read_cstr(pid_t pid, unsigned long addr, char *buf, size_t max,
	    bool *more);

/* decode_struct.c: structures. */
void	decode_struct(struct ctl *ctl, struct tri_ptrace_task *t, int kind,
	    unsigned long addr, unsigned long long len, long ret);
void	sb_signal(struct sbuf *b, int sig);
/* "SIGINT", "SIGRT_2" (signal 34, as strace counts), or NULL. */
const char *sig_name(int sig);
/* n bytes at addr of pid into buf: 0, or -1 when not all are readable. */
int	peek(pid_t pid, unsigned long addr, void *buf, size_t n);
void	dw_sigmask(struct dw *w, unsigned long long m);
void	sb_timecomment(struct sbuf *b, long long sec, unsigned long nsec);
void	dw_timespec(struct dw *w, unsigned long addr);
/* A pointer to an int: [5] ([SIGKILL] when sig); the value in JSON. */
void	dw_intptr(struct dw *w, unsigned long addr, bool sig);
void	dw_ioprio(struct dw *w, long v);
/* A value-result length at the exit: [16], or [128 => 16] when the call
 * changed the *in it was given (a failed call's is its entry value). */
void	dw_intinout(struct dw *w, unsigned long addr, const int *in,
	    bool failed);
/* decode_sockopt.c: socket's protocol by domain; set/getsockopt's option
 * by level, and its value ([1], {l_onoff=1, l_linger=5}, "cubic"). */
void	sock_proto(struct dw *w);
void	sockopt_name(struct dw *w);
void	sockopt_val(struct dw *w, long ret, bool out);

/* decode_io.c: structures of descriptors and sockets. */
void	dw_sockaddr(struct dw *w, unsigned long addr, size_t len);
void	dw_iovec(struct dw *w, unsigned long addr, unsigned long long cnt,
	    long total);
void	dw_pollfds(struct dw *w, unsigned long addr, unsigned long long n);
void	sb_revents(struct sbuf *b, pid_t pid, unsigned long addr,
	    unsigned long long n);
void	dw_epevents(struct dw *w, unsigned long addr, long n, bool one);
void	dw_msghdr(struct dw *w, unsigned long addr, long total);

/* decode_sys.c: statx, sysinfo, prctl, fcntl. */
void	dw_statx(struct dw *w, unsigned long addr);
void	dw_sysinfo(struct dw *w, unsigned long addr);
/* struct rusage: the two times, the rest with -v (JSON: all of it);
 * struct tms: each time in ticks, its seconds in a comment. */
void	dw_rusage(struct dw *w, unsigned long addr);
void	dw_tms(struct dw *w, unsigned long addr);
/* struct statfs: f_type by name, the counts, f_flags when ST_VALID. */
void	dw_statfs(struct dw *w, unsigned long addr);
/* decode_list.c: a CPU set of size bytes as strace's [0 1]; n gids. */
void	dw_cpuset(struct dw *w, unsigned long addr, size_t size);
void	dw_gids(struct dw *w, unsigned long addr, long n);
/* getdents64's buffer of n bytes: 0x... /+ 7 entries +/ ({"entries": 7}). */
void	dw_dirents(struct dw *w, unsigned long addr, long n);
/* prctl's argument count and the kinds of its arguments by option. */
int	prctl_nargs(const unsigned long long *args);
bool	prctl_at_exit(unsigned long long opt, int i);
void	prctl_arg(struct dw *w, int i, long ret);
/* " (SUID_DUMP_USER)" after a return that has a name, or NULL. */
const char *prctl_ret_name(unsigned long long opt, long ret);
/* fcntl's argument count and third argument by command; what a
 * returned flag set holds: " (flags FD_CLOEXEC)". */
int	fcntl_nargs(unsigned long long cmd);
/* clone(2) as strace: child_stack=, flags=, parent_tid=, tls=,
 * child_tidptr= (JSON one object of them). */
void	clone_args(struct dw *w);
void	fcntl_arg(struct dw *w);
/* The id of a set by name, looked up once into *id (-2 until then). */
int	set_once(int *id, const char *name);
/* decode_ioctl.c: ioctl's argument count and third argument by request,
 * as strace: none for a request that takes none; a terminal's termios,
 * winsize or int decoded (at the exit for one the call fills); a pointer
 * (NULL) for another named one, hex for one not named. */
int	ioctl_nargs(unsigned long long req);
bool	ioctl_at_exit(unsigned long long req);
void	ioctl_arg(struct dw *w, long ret);
bool	fcntl_ret(struct sbuf *b, unsigned long long cmd, long ret);

/* output.c: the output stream and line prefixes. */
FILE	*out_open(const char *path);
void	out_prefix(struct ctl *ctl, struct sbuf *b, pid_t tid,
	    const struct timespec *real);
void	out_line(struct ctl *ctl, const struct sbuf *b);
void	out_close_open_line(struct ctl *ctl);
void	out_signal(struct ctl *ctl, struct tri_ptrace_task *t,
	    const siginfo_t *si);
void	out_exit(struct ctl *ctl, struct tri_ptrace_task *t, int status);

/* filter.c: -e trace=, -P. */
int	filter_trace(struct ctl *ctl, const char *spec);
int	filter_expr(struct ctl *ctl, const char *expr);
bool	filter_path_match(const struct ctl *ctl, const char *path, size_t n);

/* summary.c: -c and --by. */
void	summary_add(struct ctl *ctl, struct tri_ptrace_task *t, long nr,
	    long ret, double secs, double wall, long bytes_in, long bytes_out);
void	summary_print(struct ctl *ctl);
int	summary_sort_key(const char *s, enum sortkey *k);

#endif /* SYSTRACE_H */
