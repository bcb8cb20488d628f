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
arg_at_exit(const struct tri_sc_desc *d, int i)
{
	switch (d->args[i].kind) {
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
		return true;
	}
	return false;
}

void
emit_text(struct ctl *ctl, struct task *k, const char *s)
{
	if (ctl->json)
		tri_json_str(&k->j, s);
	else
		sb_puts(&k->line, s);
}

static void
emit_int(struct ctl *ctl, struct task *k, long long v)
{
	if (ctl->json)
		tri_json_int(&k->j, v);
	else
		sb_int(&k->line, v);
}

static void
emit_uint(struct ctl *ctl, struct task *k, unsigned long long v)
{
	if (ctl->json)
		tri_json_uint(&k->j, v);
	else
		sb_uint(&k->line, v);
}

static void
emit_hex(struct ctl *ctl, struct task *k, unsigned long long v)
{
	if (ctl->json)
		tri_json_uint(&k->j, v);
	else
		sb_hex(&k->line, v);
}

static void
emit_ptr(struct ctl *ctl, struct task *k, unsigned long long v)
{
	if (ctl->json)
		tri_json_uint(&k->j, v);
	else if (v == 0)
		sb_puts(&k->line, "NULL");
	else
		sb_hex(&k->line, v);
}

static void
emit_oct(struct ctl *ctl, struct task *k, unsigned long long v)
{
	if (ctl->json)
		tri_json_uint(&k->j, v);
	else
		sb_printf(&k->line, "%#03llo", v);
}

/* Flags as strace writes them (A|B|0x40), or a JSON array of names. */
static void
emit_flags(struct ctl *ctl, struct task *k, int set, unsigned long long v)
{
	const char *names[64];
	unsigned long long rest;
	size_t n, i;
	char hex[24];

	n = tri_syscalls_flags(set, v, names, 64, &rest);
	if (ctl->json) {
		tri_json_arr_begin(&k->j);
		for (i = 0; i < n; i++)
			tri_json_str(&k->j, names[i]);
		if (rest || n == 0) {
			snprintf(hex, sizeof(hex), "%#llx", rest);
			tri_json_str(&k->j, hex);
		}
		tri_json_arr_end(&k->j);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i)
			sb_add(&k->line, "|", 1);
		sb_puts(&k->line, names[i]);
	}
	if (rest || n == 0) {
		if (n)
			sb_add(&k->line, "|", 1);
		if (n == 0 && rest == 0)
			sb_add(&k->line, "0", 1);
		else
			sb_hex(&k->line, rest);
	}
}

static void
emit_enum(struct ctl *ctl, struct task *k, int set, long long v)
{
	const char *n = tri_syscalls_xlat(set, (unsigned long long)v);

	if (n)
		emit_text(ctl, k, n);
	else if (v < 0 || v > 0xffff)
		emit_hex(ctl, k, (unsigned long long)v);
	else
		emit_int(ctl, k, v);
}

/* Read a NUL-terminated string of at most max bytes, page by page (one
 * process_vm_readv may not cross into an unmapped page).  The length,
 * or -1; *more when it did not end within max. */
static ssize_t
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

void
emit_cstr(struct ctl *ctl, struct tri_ptrace_task *t, unsigned long addr,
    bool path)
{
	struct task *k = t->user;
	size_t max = path ? PATH_MAX : ctl->strsize;
	char *buf;
	ssize_t n;
	bool more;

	if (addr == 0) {
		emit_ptr(ctl, k, 0);
		return;
	}
	/* one byte more: a string of exactly max bytes is not cut */
	if ((buf = malloc(max + 2)) == NULL ||
	    (n = read_cstr(t->tid, addr, buf, max + 1, &more)) < 0) {
		free(buf);
		emit_ptr(ctl, k, addr);
		return;
	}
	if ((size_t)n > max) {
		n = (ssize_t)max;
		more = true;
	}
	if (path && ctl->npaths && filter_path_match(ctl, buf, (size_t)n))
		k->pathhit = true;
	if (ctl->json)
		tri_json_strn(&k->j, buf, (size_t)n);
	else
		sb_quote(&k->line, (unsigned char *)buf, (size_t)n);
	if (more && !ctl->json)
		sb_puts(&k->line, "...");
	free(buf);
}

static void emit_buf_as(struct ctl *, struct tri_ptrace_task *, unsigned long,
    long, bool);

void
emit_buf(struct ctl *ctl, struct tri_ptrace_task *t, unsigned long addr,
    long len)
{
	emit_buf_as(ctl, t, addr, len, false);
}

/* A buffer; hex: every byte as \xHH, as strace shows random bytes. */
static void
emit_buf_as(struct ctl *ctl, struct tri_ptrace_task *t, unsigned long addr,
    long len, bool hex)
{
	struct task *k = t->user;
	size_t n = len > 0 ? (size_t)len : 0, show;
	char *buf;
	ssize_t r, i;

	show = n < ctl->strsize ? n : ctl->strsize;
	if ((buf = malloc(show + 1)) == NULL ||
	    (r = show ? tri_ptrace_read_mem(t->tid, addr, buf, show) : 0) < 0) {
		free(buf);
		emit_ptr(ctl, k, addr);
		return;
	}
	if (ctl->json) {
		tri_json_strn(&k->j, buf, (size_t)r);
	} else if (hex) {
		sb_add(&k->line, "\"", 1);
		for (i = 0; i < r; i++)
			sb_printf(&k->line, "\\x%02x", (unsigned char)buf[i]);
		sb_add(&k->line, "\"", 1);
	} else {
		sb_quote(&k->line, (unsigned char *)buf, (size_t)r);
	}
	if (n > show && !ctl->json)
		sb_puts(&k->line, "...");
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

void
emit_fd(struct ctl *ctl, struct tri_ptrace_task *t, long fd)
{
	struct task *k = t->user;
	const char *target = NULL;
	struct sbuf name = { 0 };

	if (fd >= 0 && (ctl->yfd || ctl->npaths))
		target = fd_target(t->tgid, fd);
	if (target && ctl->npaths && filter_path_match(ctl, target,
	    strlen(target)))
		k->pathhit = true;
	if (!ctl->yfd || target == NULL) {
		emit_int(ctl, k, fd);
		return;
	}
	fd_label(ctl, t, target, &name);
	if (ctl->json) {
		tri_json_obj_begin(&k->j);
		tri_json_kint(&k->j, "fd", fd);
		tri_json_kstr(&k->j, "path", target);
		tri_json_obj_end(&k->j);
	} else {
		sb_printf(&k->line, "%ld<", fd);
		sb_add(&k->line, name.p, name.len);
		sb_add(&k->line, ">", 1);
	}
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

static void
decode_one(struct ctl *ctl, struct tri_ptrace_task *t,
    const struct tri_sc_desc *d, int i, long ret)
{
	struct task *k = t->user;
	const struct tri_sc_arg *a = &d->args[i];
	unsigned long long v = k->args[i];
	bool failed = ret < 0 && ret > -4096;

	switch (a->kind) {
	case TRI_SC_K_INT:
		emit_int(ctl, k, (int)v);
		break;
	case TRI_SC_K_UINT:
		emit_uint(ctl, k, (unsigned)v);
		break;
	case TRI_SC_K_LONG:
		emit_int(ctl, k, (long long)v);
		break;
	case TRI_SC_K_ULONG:
		emit_uint(ctl, k, v);
		break;
	case TRI_SC_K_HEX:
		emit_hex(ctl, k, v);
		break;
	case TRI_SC_K_PTR:
		emit_ptr(ctl, k, v);
		break;
	case TRI_SC_K_OCT:
	case TRI_SC_K_OPENMODE:
		emit_oct(ctl, k, v);
		break;
	case TRI_SC_K_FD:
		emit_fd(ctl, t, (int)v);
		break;
	case TRI_SC_K_DIRFD:
		if ((int)v == AT_FDCWD_VAL)
			emit_text(ctl, k, "AT_FDCWD");
		else
			emit_fd(ctl, t, (int)v);
		break;
	case TRI_SC_K_PATH:
	case TRI_SC_K_STR:
		emit_cstr(ctl, t, (unsigned long)v, a->kind == TRI_SC_K_PATH);
		break;
	case TRI_SC_K_BUFIN:
		emit_buf(ctl, t, (unsigned long)v, (long)k->args[a->n]);
		break;
	case TRI_SC_K_BUFOUT:
	case TRI_SC_K_BUFOUTHEX:
		if (failed)
			emit_ptr(ctl, k, v);
		else
			emit_buf_as(ctl, t, (unsigned long)v, ret,
			    a->kind == TRI_SC_K_BUFOUTHEX);
		break;
	case TRI_SC_K_FLAGS:
		emit_flags(ctl, k, a->set, (unsigned)v);
		break;
	case TRI_SC_K_ENUM:
		emit_enum(ctl, k, a->set, (int)v);
		break;
	default:
		if (v == 0 || (failed && arg_at_exit(d, i)) ||
		    (a->kind == TRI_SC_K_WSTATUS && ret == 0))
			emit_ptr(ctl, k, v);
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

	for (i = k->next; i < n; i++) {
		if (d && !exiting && arg_at_exit(d, i)) {
			/* strace ends an unfinished line after the comma */
			if (i > 0 && !ctl->json)
				sb_add(&k->line, ", ", 2);
			k->sep = i > 0;
			break;
		}
		/* open's mode means something only when it creates */
		if (d && d->args[i].kind == TRI_SC_K_OPENMODE && i > 0 &&
		    !(k->args[i - 1] & (O_CREAT | __O_TMPFILE)))
			continue;
		if (i > 0 && !ctl->json && !(k->sep && i == k->next))
			sb_add(&k->line, ", ", 2);
		if (d)
			decode_one(ctl, t, d, i, ret);
		else
			emit_hex(ctl, k, k->args[i]);
	}
	if (exiting)
		k->sep = false;
	k->next = i;
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
		sb_int(&k->line, ret);
	}
}
