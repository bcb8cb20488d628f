/* cmd/systrace/output.c - the output stream, prefixes, signals and exits. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "systrace.h"

void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL)
			return;			/* the line is cut, not lost */
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, buf, (size_t)n < sizeof(buf) ? (size_t)n :
		    sizeof(buf) - 1);
}

void
sb_uint(struct sbuf *b, unsigned long long v)
{
	char t[24];

	sb_add(b, t, (size_t)(tri_out_put_uint(t, v) - t));
}

void
sb_int(struct sbuf *b, long long v)
{
	if (v < 0) {
		sb_add(b, "-", 1);
		sb_uint(b, 0ULL - (unsigned long long)v);
	} else {
		sb_uint(b, (unsigned long long)v);
	}
}

void
sb_hex(struct sbuf *b, unsigned long long v)
{
	static const char dig[] = "0123456789abcdef";
	char t[20];
	int i = 20;

	if (v == 0) {
		sb_add(b, "0", 1);
		return;
	}
	do
		t[--i] = dig[v & 15];
	while ((v >>= 4) != 0);
	t[--i] = 'x';
	t[--i] = '0';
	sb_add(b, t + i, (size_t)(20 - i));
}

/*
 * strace's escaping, not lib/out.h's: engineers and scripts parse strace
 * lines, which quote with '"', show ESC as \33 (octal, three digits only
 * when a digit follows) and every byte outside printable ASCII in octal.
 * Nothing raw but printable ASCII comes out either way.
 */
void
sb_quote(struct sbuf *b, const unsigned char *s, size_t n)
{
	char t[8];
	size_t i;
	unsigned c;

	sb_add(b, "\"", 1);
	for (i = 0; i < n; i++) {
		c = s[i];
		switch (c) {
		case '"': sb_add(b, "\\\"", 2); continue;
		case '\\': sb_add(b, "\\\\", 2); continue;
		case '\t': sb_add(b, "\\t", 2); continue;
		case '\n': sb_add(b, "\\n", 2); continue;
		case '\v': sb_add(b, "\\v", 2); continue;
		case '\f': sb_add(b, "\\f", 2); continue;
		case '\r': sb_add(b, "\\r", 2); continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			t[0] = (char)c;
			sb_add(b, t, 1);
		} else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
			sb_printf(b, "\\%03o", c);
		} else {
			sb_printf(b, "\\%o", c);
		}
	}
	sb_add(b, "\"", 1);
}

/* The stream writes with write(2) retried on EINTR: our signal handlers
 * have no SA_RESTART, and a lost line would be a lie in a trace. */
static ssize_t
cookie_write(void *c, const char *buf, size_t n)
{
	int fd = (int)(long)c;
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = write(fd, buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)r;
	}
	return (ssize_t)n;
}

static int
cookie_close(void *c)
{
	int fd = (int)(long)c;

	return fd > 2 ? close(fd) : 0;
}

FILE *
out_open(const char *path)
{
	cookie_io_functions_t io = { NULL, cookie_write, NULL, cookie_close };
	int fd = STDERR_FILENO;
	FILE *f;

	/* -o /dev/stdout is the stdout we have, not the file opened again */
	if (path && (fd = tri_cli_open_out(path)) < 0)
		return NULL;
	if ((f = fopencookie((void *)(long)fd, "w", io)) == NULL)
		return NULL;
	/* a terminal sees each line as it happens; a file gets big writes */
	if (isatty(fd))
		setvbuf(f, NULL, _IOLBF, 0);
	else
		setvbuf(f, NULL, _IOFBF, 1 << 16);
	return f;
}

static void
timestamp(const struct ctl *ctl, struct sbuf *b, const struct timespec *rt)
{
	struct tm tm;
	time_t s = rt->tv_sec;

	if (ctl->tstamp >= 3) {
		sb_printf(b, "%lld.%06ld ", (long long)s, rt->tv_nsec / 1000);
		return;
	}
	localtime_r(&s, &tm);
	sb_printf(b, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (ctl->tstamp == 2)
		sb_printf(b, ".%06ld", rt->tv_nsec / 1000);
	sb_add(b, " ", 1);
}

void
out_prefix(struct ctl *ctl, struct sbuf *b, pid_t tid,
    const struct timespec *real)
{
	struct timespec now, d;

	if (ctl->multi) {
		if (ctl->to_file)
			sb_printf(b, "%-5d ", (int)tid);
		else
			sb_printf(b, "[pid %5d] ", (int)tid);
	}
	if (ctl->tstamp)
		timestamp(ctl, b, real);
	if (ctl->relative) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ctl->last.tv_sec == 0 && ctl->last.tv_nsec == 0)
			ctl->last = now;
		d.tv_sec = now.tv_sec - ctl->last.tv_sec;
		d.tv_nsec = now.tv_nsec - ctl->last.tv_nsec;
		if (d.tv_nsec < 0) {
			d.tv_sec--;
			d.tv_nsec += 1000000000L;
		}
		sb_printf(b, "%6ld.%06ld ", (long)d.tv_sec, d.tv_nsec / 1000);
		ctl->last = now;
	}
}

/* End a line another task left open, as strace does. */
void
out_close_open_line(struct ctl *ctl)
{
	struct task *k;

	if (ctl->printing == NULL)
		return;
	fputs(" <unfinished ...>\n", ctl->out);
	k = ctl->printing->user;
	if (k)
		k->shown = true;
	ctl->printing = NULL;
}

void
out_line(struct ctl *ctl, const struct sbuf *b)
{
	out_close_open_line(ctl);
	fwrite(b->p, 1, b->len, ctl->out);
}

static void
json_event(struct ctl *ctl, struct tri_ptrace_task *t, const char *type,
    struct tri_json *j)
{
	struct timespec rt;

	clock_gettime(CLOCK_REALTIME, &rt);
	tri_json_init(j, ctl->out, false);
	tri_json_obj_begin(j);
	tri_json_schema(j, "systrace");
	tri_json_kstr(j, "type", type);
	tri_json_kfixed(j, "time_unix", (double)rt.tv_sec +
	    (double)rt.tv_nsec / 1e9, 6);
	tri_json_kint(j, "pid", t->tgid);
	tri_json_kint(j, "tid", t->tid);
}

static void
dw_si_code(struct dw *w, const siginfo_t *si)
{
	const char *n = NULL;

	if (si->si_code > 0 && si->si_signo == SIGCHLD)
		n = tri_syscalls_xlat(tri_syscalls_set_id("cld_codes"),
		    (unsigned long long)si->si_code);
	else if (si->si_code > 0 && si->si_signo == SIGSEGV)
		n = tri_syscalls_xlat(tri_syscalls_set_id("segv_codes"),
		    (unsigned long long)si->si_code);
	else
		n = tri_syscalls_xlat(tri_syscalls_set_id("si_codes"),
		    (unsigned long long)(long long)si->si_code);
	if (n)
		dw_sym(w, n);
	else
		dw_int(w, si->si_code);
}

static void
dw_ikey(struct dw *w, const char *tkey, const char *jkey, long long v)
{
	dw_key(w, tkey, jkey);
	dw_int(w, v);
}

/* strace's {si_signo=..., si_code=..., ...}; a JSON object of the same. */
static void
dw_siginfo(struct dw *w, const siginfo_t *si)
{
	dw_obj(w);
	dw_key(w, "si_signo", "signo");
	dw_signal(w, si->si_signo);
	dw_key(w, "si_code", "code");
	dw_si_code(w, si);
	if (si->si_signo == SIGCHLD && si->si_code > 0) {
		dw_ikey(w, "si_pid", "pid", si->si_pid);
		dw_ikey(w, "si_uid", "uid", si->si_uid);
		dw_key(w, "si_status", "status");
		if (si->si_code == CLD_EXITED)
			dw_int(w, si->si_status);
		else
			dw_signal(w, si->si_status);
		dw_ikey(w, "si_utime", "utime_ticks", (long long)si->si_utime);
		dw_ikey(w, "si_stime", "stime_ticks", (long long)si->si_stime);
	} else if (si->si_code <= 0 && si->si_code != SI_KERNEL) {
		dw_ikey(w, "si_pid", "pid", si->si_pid);
		dw_ikey(w, "si_uid", "uid", si->si_uid);
	} else if (si->si_signo == SIGSEGV || si->si_signo == SIGBUS ||
	    si->si_signo == SIGILL || si->si_signo == SIGFPE) {
		dw_key(w, "si_addr", "addr");
		dw_ptr(w, (unsigned long)si->si_addr);
	}
	dw_end(w);
}

void
out_signal(struct ctl *ctl, struct tri_ptrace_task *t, const siginfo_t *si)
{
	struct sbuf l = { 0 };
	struct tri_json j;
	struct timespec rt;
	struct dw w = { .ctl = ctl, .t = t, .b = &l };

	if (ctl->json) {
		json_event(ctl, t, "signal", &j);
		tri_json_kstr(&j, "signal", sig_name(
		    si->si_signo) ? sig_name(si->si_signo) : "?");
		tri_json_kint(&j, "signo", si->si_signo);
		tri_json_kint(&j, "si_code", si->si_code);
		tri_json_kint(&j, "si_pid", si->si_pid);
		tri_json_key(&j, "siginfo");
		w.j = &j;
		dw_siginfo(&w, si);
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	out_prefix(ctl, &l, t->tid, &rt);
	sb_puts(&l, "--- ");
	sb_signal(&l, si->si_signo);
	sb_puts(&l, " ");
	dw_siginfo(&w, si);
	sb_puts(&l, " ---\n");
	out_line(ctl, &l);
	free(l.p);
}

void
out_exit(struct ctl *ctl, struct tri_ptrace_task *t, int status)
{
	struct sbuf l = { 0 };
	struct tri_json j;
	struct timespec rt;

	if (ctl->json) {
		json_event(ctl, t, "exit", &j);
		if (WIFEXITED(status)) {
			tri_json_kint(&j, "exit_status", WEXITSTATUS(status));
		} else {
			tri_json_kstr(&j, "killed_by", sig_name(
			    WTERMSIG(status)) ? sig_name(
			    WTERMSIG(status)) : "?");
			tri_json_kbool(&j, "core_dumped", WCOREDUMP(status));
		}
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	out_prefix(ctl, &l, t->tid, &rt);
	if (WIFEXITED(status)) {
		sb_printf(&l, "+++ exited with %d +++\n", WEXITSTATUS(status));
	} else {
		sb_puts(&l, "+++ killed by ");
		sb_signal(&l, WTERMSIG(status));
		sb_puts(&l, WCOREDUMP(status) ? " (core dumped) +++\n" : " +++\n");
	}
	out_line(ctl, &l);
	free(l.p);
}
