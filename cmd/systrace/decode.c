/* cmd/systrace/decode.c - arguments and return values, decoded by kind. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proc.h"
#include "systrace.h"

#define AT_FDCWD_VAL	(-100)

/* Kinds whose value exists only once the call returns. */
bool
arg_at_exit(const struct tri_sc_desc *d, const unsigned long long *args, int i)
{
	switch (d->args[i].kind) {
	case TRI_SC_K_PRCTLARG:
		return prctl_at_exit(args[0], i);
	case TRI_SC_K_IOCTLARG:
		return ioctl_at_exit(args[1]);
	case TRI_SC_K_STATX:
	case TRI_SC_K_SYSINFO:
	case TRI_SC_K_DIRENTS:
	case TRI_SC_K_BUFOUT:
	case TRI_SC_K_SOCKADDROUT:
	case TRI_SC_K_STAT:
	case TRI_SC_K_TIMESPECOUT:
	case TRI_SC_K_SIGACTIONOUT:
	case TRI_SC_K_SIGSETOUT:
	case TRI_SC_K_FDPAIR:
	case TRI_SC_K_IOVECOUT:
	case TRI_SC_K_EPEVENTSOUT:
	case TRI_SC_K_WSTATUS:
	case TRI_SC_K_MSGHDROUT:
	case TRI_SC_K_RLIMITOUT:
	case TRI_SC_K_UTSNAME:
	case TRI_SC_K_BUFOUTHEX:
	case TRI_SC_K_STATFS:
	case TRI_SC_K_CPUSETOUT:
	case TRI_SC_K_GIDSOUT:
	case TRI_SC_K_SOCKOPTVALOUT:
	case TRI_SC_K_INTINOUT:
	case TRI_SC_K_RUSAGEOUT:
	case TRI_SC_K_TMSOUT:
	case TRI_SC_K_ITIMERSPECOUT:
	case TRI_SC_K_PATHOUT:
	case TRI_SC_K_STACKOUT:
		return true;
	}
	return false;
}

static void
emit_raw(struct ctl *ctl, struct tri_ptrace_task *t, unsigned long long v)
{
	struct dw w;

	dw_init(&w, ctl, t);
	dw_hex(&w, v);
}

/* Read a NUL-terminated string of at most max bytes, page by page (one
 * process_vm_readv may not cross into an unmapped page).  The length,
 * or -1; *more when it did not end within max. */
ssize_t
read_cstr(pid_t pid, unsigned long addr, char *buf, size_t max, bool *more)
{
	size_t got = 0, chunk;
	ssize_t r;
	char *nul;

	*more = false;
	while (got < max) {
		chunk = 4096 - ((addr + got) & 4095);
		if (chunk > max - got)
			chunk = max - got;
		r = tri_ptrace_read_mem(pid, addr + got, buf + got, chunk);
		if (r <= 0)
			return got ? (ssize_t)got : -1;
		if ((nul = memchr(buf + got, '\0', (size_t)r)) != NULL)
			return (ssize_t)(got + (size_t)(nul - (buf + got)));
		got += (size_t)r;
	}
	*more = true;
	return (ssize_t)got;
}

/* The string at addr, escaped and cut at -s (a path is never cut). */
void
dw_cstr(struct dw *w, unsigned long addr, bool path)
{
	struct ctl *ctl = w->ctl;
	struct task *k = w->t->user;
	size_t max = path ? PATH_MAX : ctl->strsize;
	char *buf;
	ssize_t n;
	bool more;

	if (addr == 0) {
		dw_ptr(w, 0);
		return;
	}
	/* one byte more: a string of exactly max bytes is not cut */
	if ((buf = malloc(max + 2)) == NULL ||
	    (n = read_cstr(w->t->tid, addr, buf, max + 1, &more)) < 0) {
		free(buf);
		dw_ptr(w, addr);
		return;
	}
	if ((size_t)n > max) {
		n = (ssize_t)max;
		more = true;
	}
	if (path && ctl->npaths && filter_path_match(ctl, buf, (size_t)n))
		k->pathhit = true;
	dw_str(w, buf, (size_t)n, more);
	free(buf);
}

/* A buffer; hex: every byte as \xHH, as strace shows random bytes. */
void
dw_buf(struct dw *w, unsigned long addr, long len, bool hex)
{
	size_t n = len > 0 ? (size_t)len : 0, show;
	char *buf;
	ssize_t r, i;

	show = n < w->ctl->strsize ? n : w->ctl->strsize;
	if ((buf = malloc(show + 1)) == NULL ||
	    (r = show ? tri_ptrace_read_mem(w->t->tid, addr, buf, show) : 0) < 0) {
		free(buf);
		dw_ptr(w, addr);
		return;
	}
	if (hex && !w->j) {
		dw_text(w, "\"");
		for (i = 0; i < r; i++)
			sb_printf(w->b, "\\x%02x", (unsigned char)buf[i]);
		dw_text(w, n > show ? "\"..." : "\"");
	} else {
		dw_str(w, buf, (size_t)r, n > show);
	}
	free(buf);
}

const char *
fd_target(pid_t pid, long fd)
{
	static char buf[PATH_MAX + 1];
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%ld", (int)pid, fd);
	if ((n = readlink(link, buf, sizeof(buf) - 1)) < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* -yy: "TCP:[127.0.0.1:80->127.0.0.1:4242]" for a socket:[ino] target. */
static bool
sock_name(struct tri_ptrace_task *t, const char *target, struct sbuf *b)
{
	struct task *k = t->user;
	const struct tri_sock *s;
	unsigned long long ino;
	struct tri_proc p;

	if (sscanf(target, "socket:[%llu]", &ino) != 1)
		return false;
	s = k->socks_loaded ? tri_sock_find(&k->socks, ino) : NULL;
	if (s == NULL && tri_proc_open(&p, t->tgid) == 0) {
		if (k->socks_loaded)
			tri_sock_free(&k->socks);
		k->socks_loaded = tri_sock_load(&k->socks, &p) == 0;
		tri_proc_close(&p);
		s = k->socks_loaded ? tri_sock_find(&k->socks, ino) : NULL;
	}
	if (s == NULL)
		return false;
	sb_printf(b, "%s:[", s->proto);
	if (s->family == AF_UNIX) {
		sb_printf(b, "%llu", ino);
		if (s->peer)
			sb_printf(b, "->%llu", s->peer);
		if (s->path) {
			sb_add(b, ",", 1);
			sb_quote(b, (unsigned char *)s->path, s->path_len);
		}
	} else {
		sb_puts(b, s->local);
		if (s->remote[0])
			sb_printf(b, "->%s", s->remote);
	}
	sb_add(b, "]", 1);
	return true;
}

/* An fd: 3, 3</etc/hosts> with -y; JSON {"fd": 3, "path": "/etc/hosts"}. */
void
dw_fd(struct dw *w, long fd)
{
	struct ctl *ctl = w->ctl;
	struct task *k = w->t->user;
	const char *target = NULL;
	struct sbuf name = { 0 };

	if (fd >= 0 && (ctl->yfd || ctl->npaths))
		target = fd_target(w->t->tgid, fd);
	if (target && ctl->npaths && filter_path_match(ctl, target,
	    strlen(target)))
		k->pathhit = true;
	if (!ctl->yfd || target == NULL) {
		dw_int(w, fd);
		return;
	}
	if (w->j) {
		dw_obj(w);
		dw_key(w, NULL, "fd");
		dw_int(w, fd);
		tri_json_kstr(w->j, "path", target);
		dw_end(w);
		return;
	}
	fd_label(ctl, w->t, target, &name);
	dw_int(w, fd);
	sb_add(w->b, "<", 1);
	sb_add(w->b, name.p, name.len);
	sb_add(w->b, ">", 1);
	free(name.p);
}

/* What -y shows inside <>: the escaped path, or with -yy the endpoints. */
void
fd_label(struct ctl *ctl, struct tri_ptrace_task *t, const char *target,
    struct sbuf *name)
{
	if (ctl->yfd < 2 || !sock_name(t, target, name)) {
		/* a path is bytes the process chose: escape it strace's way */
		sb_quote(name, (const unsigned char *)target, strlen(target));
		memmove(name->p, name->p + 1, name->len - 2);
		name->len -= 2;
		name->p[name->len] = '\0';
	}
}

int
set_once(int *id, const char *name)
{
	if (*id == -2)
		*id = tri_syscalls_set_id(name);
	return *id;
}

static int signals_id = -2, ioctls_id = -2;

static void
decode_one(struct ctl *ctl, struct tri_ptrace_task *t,
    const struct tri_sc_desc *d, int i, long ret)
{
	struct task *k = t->user;
	const struct tri_sc_arg *a = &d->args[i];
	unsigned long long v = k->args[i];
	bool failed = ret < 0 && ret > -4096;
	struct dw w;

	dw_init(&w, ctl, t);
	switch (a->kind) {
	case TRI_SC_K_INT:
		dw_int(&w, (int)v);
		break;
	case TRI_SC_K_UINT:
		dw_uint(&w, (unsigned)v);
		break;
	case TRI_SC_K_LONG:
		dw_int(&w, (long long)v);
		break;
	case TRI_SC_K_ULONG:
		dw_uint(&w, v);
		break;
	case TRI_SC_K_HEX:
		dw_hex(&w, v);
		break;
	case TRI_SC_K_PTR:
		dw_ptr(&w, v);
		break;
	case TRI_SC_K_OCT:
	case TRI_SC_K_OPENMODE:
		dw_oct(&w, v);
		break;
	case TRI_SC_K_FD:
		dw_fd(&w, (int)v);
		break;
	case TRI_SC_K_DIRFD:
		if ((int)v == AT_FDCWD_VAL)
			dw_sym(&w, "AT_FDCWD");
		else
			dw_fd(&w, (int)v);
		break;
	case TRI_SC_K_PATH:
	case TRI_SC_K_STR:
		dw_cstr(&w, (unsigned long)v, a->kind == TRI_SC_K_PATH);
		break;
	case TRI_SC_K_PATHOUT:
		if (failed || v == 0)
			dw_ptr(&w, v);
		else
			dw_cstr(&w, (unsigned long)v, true);
		break;
	case TRI_SC_K_IOPRIO:
		dw_ioprio(&w, (long)v);
		break;
	case TRI_SC_K_BUFIN:
		dw_buf(&w, (unsigned long)v, (long)k->args[a->n], false);
		break;
	case TRI_SC_K_BUFOUT:
	case TRI_SC_K_BUFOUTHEX:
		if (failed)
			dw_ptr(&w, v);
		else
			dw_buf(&w, (unsigned long)v, ret,
			    a->kind == TRI_SC_K_BUFOUTHEX);
		break;
	case TRI_SC_K_FLAGS:
		dw_flags(&w, a->set, (unsigned)v);
		break;
	case TRI_SC_K_ENUM:
		/* a signal by name, SIGRT_2 too */
		if (a->set == set_once(&signals_id, "signals"))
			dw_signal(&w, (int)v);
		else if (a->set == set_once(&ioctls_id, "ioctl_cmds"))
			dw_ioctl(&w, a->set, (unsigned)v);
		else
			dw_enum(&w, a->set, (int)v);
		break;
	case TRI_SC_K_PRCTLARG:
		prctl_arg(&w, i, ret);
		break;
	case TRI_SC_K_FCNTLARG:
		fcntl_arg(&w);
		break;
	case TRI_SC_K_IOCTLARG:
		ioctl_arg(&w, ret);
		break;
	case TRI_SC_K_SOCKPROTO:
		sock_proto(&w);
		break;
	case TRI_SC_K_SOCKOPTNAME:
		sockopt_name(&w);
		break;
	case TRI_SC_K_SOCKOPTVAL:
	case TRI_SC_K_SOCKOPTVALOUT:
		sockopt_val(&w, ret, a->kind == TRI_SC_K_SOCKOPTVALOUT);
		break;
	case TRI_SC_K_INTINOUT:
		dw_intinout(&w, (unsigned long)v, k->has_inlen ? &k->inlen :
		    NULL, failed);
		break;
	case TRI_SC_K_CLONECALL:
		clone_args(&w);
		break;
	default:
		if (v == 0 || (failed && arg_at_exit(d, k->args, i)) ||
		    (a->kind == TRI_SC_K_WSTATUS && ret == 0))
			dw_ptr(&w, v);
		else
			decode_struct(ctl, t, a->kind, (unsigned long)v,
			    k->args[a->n], ret);
		break;
	}
}

/*
 * How many arguments a call has.  futex is the one call of the table
 * whose count depends on another argument (strace shows 3 for a wake,
 * 4 for a wait); a table column for one call would cost more than this.
 */
static int
nargs_of(const struct tri_sc_desc *d, const struct task *k)
{
	if (d == NULL)
		return 6;
	if (strcmp(d->name, "futex") == 0) {
		switch (k->args[1] & FUTEX_CMD_MASK) {
		case FUTEX_WAKE:
		case FUTEX_FD:
			return 3;
		case FUTEX_WAIT:
			return 4;
		}
	}
	/* prctl's count, like the kinds of its arguments, is by option */
	if (d->nargs > 1 && d->args[1].kind == TRI_SC_K_PRCTLARG)
		return prctl_nargs(k->args);
	if (d->nargs > 2 && d->args[2].kind == TRI_SC_K_FCNTLARG)
		return fcntl_nargs(k->args[1]);
	if (d->nargs > 2 && d->args[2].kind == TRI_SC_K_IOCTLARG)
		return ioctl_nargs(k->args[1]);
	/* clone's registers are shown as one list of named fields */
	if (d->args[0].kind == TRI_SC_K_CLONECALL)
		return 1;
	return d->nargs;
}

/*
 * Show the arguments from k->next on: at entry up to the first one that
 * exists only at exit, at exit the rest.
 */
void
decode_args(struct ctl *ctl, struct tri_ptrace_task *t, bool exiting, long ret)
{
	struct task *k = t->user;
	const struct tri_sc_desc *d = tri_syscalls_desc(k->nr);
	int i, n = nargs_of(d, k);

	/* a value-result length: its value at entry, for "[128 => 16]" */
	if (!exiting && k->next == 0) {
		k->has_inlen = false;
		for (i = 0; d && i < n; i++)
			if (d->args[i].kind == TRI_SC_K_INTINOUT && k->args[i] &&
			    peek(t->tid, (unsigned long)k->args[i], &k->inlen,
			    sizeof(k->inlen)) == 0)
				k->has_inlen = true;
	}
	for (i = k->next; i < n; i++) {
		/* JSON is written at the exit: poll's fds with their revents */
		if (d && !exiting && (arg_at_exit(d, k->args, i) ||
		    (ctl->json && d->args[i].kind == TRI_SC_K_POLLFD))) {
			/* strace ends an unfinished line after the comma */
			if (i > 0 && !ctl->json)
				sb_add(&k->line, ", ", 2);
			k->sep = i > 0;
			break;
		}
		/* open's mode means something only when it creates */
		if (d && d->args[i].kind == TRI_SC_K_OPENMODE && i > 0 &&
		    !(k->args[i - 1] & O_CREAT) &&
		    (k->args[i - 1] & O_TMPFILE) != O_TMPFILE)
			continue;
		if (i > 0 && !ctl->json && !(k->sep && i == k->next))
			sb_add(&k->line, ", ", 2);
		if (d)
			decode_one(ctl, t, d, i, ret);
		else
			emit_raw(ctl, t, k->args[i]);
	}
	if (exiting)
		k->sep = false;
	k->next = i;
}

/* IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4) into buf, or false for a class
 * with no name. */
static bool
ioprio_text(char *buf, size_t size, long v)
{
	static int classes = -2;
	const char *n = tri_syscalls_xlat(set_once(&classes,
	    "ioprio_classes"), (unsigned long long)(v >> 13));

	if (n == NULL)
		return false;
	snprintf(buf, size, "IOPRIO_PRIO_VALUE(%s, %ld)", n, v & 0x1fff);
	return true;
}

/* ioprio_set's priority: IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 7). */
void
dw_ioprio(struct dw *w, long v)
{
	char buf[80];

	if (w->j || !ioprio_text(buf, sizeof(buf), v))
		dw_hex(w, (unsigned long long)v);
	else
		dw_sym(w, buf);
}

/* What sched_getscheduler's and ioprio_get's numbers mean, as strace:
 * " (SCHED_OTHER)", " (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4))". */
static void
ret_named(struct sbuf *b, int kind, long ret)
{
	static int policies = -2;
	const char *n;
	char buf[80];

	if (kind == TRI_SC_R_POLICY) {
		if ((n = tri_syscalls_xlat(set_once(&policies,
		    "sched_policies"), (unsigned long long)ret)) != NULL)
			sb_printf(b, " (%s)", n);
	} else if (ioprio_text(buf, sizeof(buf), ret)) {
		sb_printf(b, " (%s)", buf);
	}
}

static const char *
restart_text(long e)
{
	switch (e) {
	case 512: return "To be restarted if SA_RESTART is set";
	case 513: return "To be restarted";
	case 514: return "To be restarted if no handler";
	case 516: return "Interrupted by signal";
	}
	return NULL;
}

void
decode_ret(struct ctl *ctl, struct tri_ptrace_task *t,
    const struct tri_sc_desc *d, long ret)
{
	struct task *k = t->user;
	int kind = d ? d->ret : TRI_SC_R_INT;
	const char *en;

	if (ret < 0 && ret > -4096 && kind != TRI_SC_R_HEX) {
		en = tri_syscalls_errno_name((int)-ret);
		if (restart_text(-ret))
			sb_printf(&k->line, "? %s (%s)", en ? en : "ERESTART",
			    restart_text(-ret));
		else if (en)
			sb_printf(&k->line, "-1 %s (%s)", en, strerror((int)-ret));
		else
			sb_printf(&k->line, "-1 E%ld (%s)", -ret,
			    strerror((int)-ret));
		return;
	}
	switch (kind) {
	case TRI_SC_R_HEX:
		if (ret < 0 && ret > -4096) {
			en = tri_syscalls_errno_name((int)-ret);
			sb_printf(&k->line, "-1 %s (%s)", en ? en : "E?",
			    strerror((int)-ret));
		} else {
			sb_hex(&k->line, (unsigned long)ret);
		}
		break;
	case TRI_SC_R_OCT:
		sb_printf(&k->line, "%#03lo", ret);
		break;
	case TRI_SC_R_POLICY:
	case TRI_SC_R_IOPRIO:
		sb_int(&k->line, ret);
		ret_named(&k->line, kind, ret);
		break;
	case TRI_SC_R_FD:
		if (ctl->yfd) {
			const char *tg = fd_target(t->tgid, ret);
			struct sbuf q = { 0 };

			sb_int(&k->line, ret);
			if (tg) {
				fd_label(ctl, t, tg, &q);
				sb_add(&k->line, "<", 1);
				sb_add(&k->line, q.p, q.len);
				sb_add(&k->line, ">", 1);
				free(q.p);
			}
			break;
		}
		/* FALLTHROUGH */
	default:
		if (d && d->nargs > 2 && d->args[2].kind == TRI_SC_K_FCNTLARG &&
		    fcntl_ret(&k->line, k->args[1], ret))
			break;
		sb_int(&k->line, ret);
		if (d && d->nargs > 1 && d->args[1].kind == TRI_SC_K_PRCTLARG &&
		    (en = prctl_ret_name(k->args[0], ret)) != NULL)
			sb_puts(&k->line, en);
		if (d && d->nargs > 1 && d->args[0].kind == TRI_SC_K_POLLFD &&
		    ret > 0)
			sb_revents(&k->line, t->tid, (unsigned long)k->args[0],
			    k->args[1]);
	}
}
