/* cmd/systrace/trace.c - what to do at each stop: entry, exit, signal, exit. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "systrace.h"

static ssize_t
line_write(void *c, const char *buf, size_t n)
{
	sb_add(c, buf, n);
	return (ssize_t)n;
}

static struct task *
task_of(struct ctl *ctl, struct tri_ptrace_task *t)
{
	cookie_io_functions_t io = { NULL, line_write, NULL, NULL };
	struct task *k = t->user;

	if (k)
		return k;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	if (ctl->json) {
		/* JSON of one call goes to its line, written out at the exit */
		if ((k->jf = fopencookie(&k->line, "w", io)) == NULL) {
			free(k);
			return NULL;
		}
		setvbuf(k->jf, NULL, _IONBF, 0);
	}
	t->user = k;
	return k;
}

void
task_free(struct tri_ptrace_task *t)
{
	struct task *k = t->user;

	if (k == NULL)
		return;
	if (k->jf)
		fclose(k->jf);
	if (k->socks_loaded)
		tri_sock_free(&k->socks);
	free(k->fdpath);
	free(k->line.p);
	free(k);
	t->user = NULL;
}

static double
since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static bool
wanted(const struct ctl *ctl, long nr)
{
	if (ctl->want == NULL)
		return true;
	return nr >= 0 && nr < tri_syscalls_count() && ctl->want[nr];
}

/* The first argument of kind kind, or -1. */
static int
arg_of(const struct tri_sc_desc *d, int kind)
{
	int i;

	if (d == NULL)
		return -1;
	for (i = 0; i < d->nargs; i++)
		if (d->args[i].kind == kind)
			return i;
	return -1;
}

/* --by path: a socket by its endpoints (as -yy shows it), else the path. */
static char *
by_name(struct ctl *ctl, struct tri_ptrace_task *t, const char *target)
{
	struct sbuf b = { 0 };
	int y = ctl->yfd;

	if (ctl->by != BY_PATH || strncmp(target, "socket:[", 8) != 0)
		return strdup(target);
	ctl->yfd = 2;
	fd_label(ctl, t, target, &b);
	ctl->yfd = y;
	return b.p ? b.p : strdup(target);
}

/*
 * --by path: the path argument i, made absolute against its dirfd (the
 * argument before it) or the cwd, so that open("x") and the read of its
 * fd share a row; "" with AT_EMPTY_PATH is the dirfd itself.
 */
static char *
by_path_arg(struct tri_ptrace_task *t, const struct tri_sc_desc *d,
    const struct task *k, int i)
{
	char path[PATH_MAX + 1], cwd[PATH_MAX + 1], link[64], *full;
	const char *base = NULL;
	ssize_t n;
	bool more;
	int dirfd = -100;

	n = read_cstr(t->tid, (unsigned long)k->args[i], path, PATH_MAX, &more);
	if (n < 0)
		return NULL;
	path[n] = '\0';
	if (path[0] == '/')
		return strdup(path);
	while (path[0] == '.' && path[1] == '/')
		memmove(path, path + 2, strlen(path + 2) + 1);
	if (i > 0 && d->args[i - 1].kind == TRI_SC_K_DIRFD)
		dirfd = (int)k->args[i - 1];
	if (dirfd != -100) {
		base = fd_target(t->tgid, dirfd);
	} else {
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)t->tgid);
		if ((n = readlink(link, cwd, sizeof(cwd) - 1)) > 0) {
			cwd[n] = '\0';
			base = cwd;
		}
	}
	if (base == NULL)
		return strdup(path);
	if (path[0] == '\0')
		return strdup(base);
	if (asprintf(&full, "%s%s%s", base, strcmp(base, "/") ? "/" : "",
	    path) < 0)
		return NULL;
	return full;
}

/*
 * --by: the row a call counts in, known at entry: its path argument
 * (--by path), else its first fd argument.  A call with neither that
 * returns an fd (open, socket) gets its row at exit (by_ret_key).
 */
static char *
by_key(struct ctl *ctl, struct tri_ptrace_task *t, const struct tri_sc_desc *d,
    const struct task *k)
{
	const char *p;
	char key[64];
	int i;

	if (ctl->by == BY_PATH && (i = arg_of(d, TRI_SC_K_PATH)) >= 0)
		return by_path_arg(t, d, k, i);
	/* fd -1: no file (an anonymous mmap, close(-1)) */
	if ((i = arg_of(d, TRI_SC_K_FD)) < 0 || (int)k->args[i] < 0)
		return NULL;
	if (ctl->by == BY_FD) {
		snprintf(key, sizeof(key), "%d", (int)k->args[i]);
		return strdup(key);
	}
	if ((p = fd_target(t->tgid, (int)k->args[i])) != NULL)
		return by_name(ctl, t, p);
	/* an fd that names nothing (closed, never opened) by number */
	snprintf(key, sizeof(key), "fd %d", (int)k->args[i]);
	return strdup(key);
}

/*
 * A call that returned an fd: with no row yet, the fd's; --by path, an
 * open's row is the opened file as its fd names it (open("/lib/x") and
 * the reads of /usr/lib/x share one).
 */
static void
by_ret(struct ctl *ctl, struct tri_ptrace_task *t, struct task *k, long ret)
{
	const struct tri_sc_desc *d = tri_syscalls_desc(k->nr);
	const char *p;
	char key[64], *n = NULL;

	if (d == NULL || d->ret != TRI_SC_R_FD)
		return;
	if (k->fdpath && !(ctl->by == BY_PATH && arg_of(d, TRI_SC_K_PATH) >= 0))
		return;
	if (ctl->by == BY_FD) {
		snprintf(key, sizeof(key), "%ld", ret);
		n = strdup(key);
	} else if ((p = fd_target(t->tgid, ret)) != NULL) {
		n = by_name(ctl, t, p);
	}
	if (n == NULL)
		return;
	free(k->fdpath);
	k->fdpath = n;
}

static void
json_head(struct ctl *ctl, struct tri_ptrace_task *t, struct task *k)
{
	k->cut = false;
	tri_json_init(&k->j, k->jf, false);
	tri_json_obj_begin(&k->j);
	tri_json_schema(&k->j, "systrace");
	tri_json_kstr(&k->j, "type", "syscall");
	tri_json_kfixed(&k->j, "time_unix", (double)k->t0_real.tv_sec +
	    (double)k->t0_real.tv_nsec / 1e9, 6);
	tri_json_kint(&k->j, "pid", t->tgid);
	tri_json_kint(&k->j, "tid", t->tid);
	tri_json_kstr(&k->j, "name", tri_syscalls_name(k->nr));
	tri_json_kint(&k->j, "nr", k->nr);
	tri_json_key(&k->j, "args");
	tri_json_arr_begin(&k->j);
}

static void start_call(struct ctl *, struct tri_ptrace_task *, struct task *);

/* restart_syscall says which call it resumes, as strace does. */
static void
restarted(struct task *k)
{
	static long restart = -2;

	if (restart == -2)
		restart = tri_syscalls_nr("restart_syscall");
	if (k->nr != restart)
		return;
	if (k->prev >= 0)
		sb_printf(&k->line, "<... resuming interrupted %s ...>",
		    tri_syscalls_name(k->prev));
	else
		sb_puts(&k->line, "<... resuming interrupted call ...>");
}

static void
on_entry(struct ctl *ctl, struct tri_ptrace_ev *ev)
{
	struct tri_ptrace_task *t = ev->task;
	struct task *k = task_of(ctl, t);
	int i;

	if (k == NULL)
		return;
	k->prev = k->seen ? k->nr : -1;
	k->seen = true;
	k->nr = (long)ev->info->entry.nr;
	k->active = true;
	k->want = wanted(ctl, k->nr);
	if (!k->want) {
		t->skip_exit = true;
		return;
	}
	for (i = 0; i < 6; i++)
		k->args[i] = ev->info->entry.args[i];
	k->next = 0;
	k->sep = false;
	k->shown = k->pathhit = false;
	k->line.len = 0;
	k->st0 = ev->stime;
	if (ctl->tstamp || ctl->json)
		clock_gettime(CLOCK_REALTIME, &k->t0_real);
	start_call(ctl, t, k);
	/* the call's time starts when we let it run, not with our decoding */
	clock_gettime(CLOCK_MONOTONIC, &k->t0);
}

/* What an entry shows: the call's name and the arguments known so far. */
static void
start_call(struct ctl *ctl, struct tri_ptrace_task *t, struct task *k)
{
	const struct tri_sc_desc *d;

	d = tri_syscalls_desc(k->nr);
	if (ctl->by != BY_NONE) {
		free(k->fdpath);
		k->fdpath = by_key(ctl, t, d, k);
	}
	if (!ctl->trace_lines)
		return;
	if (ctl->json) {
		json_head(ctl, t, k);
	} else {
		out_prefix(ctl, &k->line, t->tid, &k->t0_real);
		sb_puts(&k->line, tri_syscalls_name(k->nr));
		sb_add(&k->line, "(", 1);
		restarted(k);
	}
	decode_args(ctl, t, false, 0);
	if (ctl->delayed || ctl->json || (ctl->npaths && !k->pathhit))
		return;
	out_line(ctl, &k->line);
	ctl->printing = t;
	k->shown = true;
	k->line.len = 0;
}

static bool
keep(const struct ctl *ctl, const struct task *k, long ret, double wall)
{
	bool failed = ret < 0 && ret > -4096;

	if (ctl->only_ok && failed)
		return false;
	if (ctl->only_fail && !failed)
		return false;
	if (ctl->slower > 0 && wall < ctl->slower)
		return false;
	if (ctl->npaths && !k->pathhit)
		return false;
	return true;
}

/* "<... read resumed>" when another line came between entry and exit. */
static void
resumed(struct ctl *ctl, struct tri_ptrace_task *t, struct task *k)
{
	struct sbuf h = { 0 };
	struct timespec rt;

	if (ctl->printing == t)
		return;
	clock_gettime(CLOCK_REALTIME, &rt);
	out_prefix(ctl, &h, t->tid, &rt);
	sb_printf(&h, "<... %s resumed>", tri_syscalls_name(k->nr));
	out_line(ctl, &h);
	free(h.p);
}

static void
json_tail(struct ctl *ctl, struct task *k, const struct tri_sc_desc *d,
    long ret, bool known, double wall)
{
	int i, n = d ? d->nargs : 6;
	const char *en;

	tri_json_arr_end(&k->j);
	/* a string cut at -s, or elements left out, as the text's "..." */
	if (k->cut)
		tri_json_kbool(&k->j, "truncated", true);
	tri_json_key(&k->j, "raw");
	tri_json_arr_begin(&k->j);
	for (i = 0; i < n; i++)
		tri_json_uint(&k->j, k->args[i]);
	tri_json_arr_end(&k->j);
	en = known && ret < 0 && ret > -4096 &&
	    (d == NULL || d->ret != TRI_SC_R_HEX) ?
	    tri_syscalls_errno_name((int)-ret) : NULL;
	/* as the text: -1 and the errno's name */
	tri_json_kint_or_null(&k->j, "return", known, en ? -1 : ret);
	if (en)
		tri_json_kstr(&k->j, "errno", en);
	else {
		tri_json_key(&k->j, "errno");
		tri_json_null(&k->j);
	}
	tri_json_kfixed(&k->j, "duration_seconds", wall, 9);
	tri_json_obj_end(&k->j);
	tri_json_end(&k->j);
}

/* Finish the line of t's call: ret known, or "= ?" when it never returned. */
static void
finish(struct ctl *ctl, struct tri_ptrace_task *t, struct task *k, long ret,
    bool known, double wall)
{
	const struct tri_sc_desc *d = tri_syscalls_desc(k->nr);

	decode_args(ctl, t, true, known ? ret : -38);
	if (ctl->json) {
		json_tail(ctl, k, d, ret, known, wall);
		out_line(ctl, &k->line);
		k->line.len = 0;
		return;
	}
	if (k->shown)
		resumed(ctl, t, k);
	sb_puts(&k->line, known ? ") = " : ") = ?");
	if (known)
		decode_ret(ctl, t, d, ret);
	if (ctl->timing && known)
		sb_printf(&k->line, " <%.6f>", wall);
	sb_add(&k->line, "\n", 1);
	if (ctl->printing == t)
		fwrite(k->line.p, 1, k->line.len, ctl->out);
	else
		out_line(ctl, &k->line);
	ctl->printing = NULL;
	k->line.len = 0;
}

static void
on_return(struct ctl *ctl, struct tri_ptrace_ev *ev)
{
	struct tri_ptrace_task *t = ev->task;
	struct task *k = t->user;
	long ret = (long)ev->info->exit.rval;
	long in = 0, out = 0;
	double wall, secs;

	if (k == NULL || !k->active)
		return;			/* the first stop after we attached */
	k->active = false;
	if (!k->want)
		return;
	wall = since(&k->t0);
	if (ctl->summary) {
		secs = wall;
		if (!ctl->wall)
			secs = (double)(ev->stime.tv_sec - k->st0.tv_sec) +
			    (double)(ev->stime.tv_usec - k->st0.tv_usec) / 1e6;
		if (ret > 0) {
			unsigned c = tri_syscalls_classes(k->nr);
			const char *n = tri_syscalls_name(k->nr);

			if ((c & (TRI_SC_C_DESC | TRI_SC_C_NETWORK)) &&
			    (strstr(n, "read") || strstr(n, "recv")))
				in = ret;
			else if ((c & (TRI_SC_C_DESC | TRI_SC_C_NETWORK)) &&
			    (strstr(n, "write") || strstr(n, "send")))
				out = ret;
		}
		if (ctl->by != BY_NONE && ret >= 0)
			by_ret(ctl, t, k, ret);
		summary_add(ctl, t, k->nr, ret, secs, wall, in, out);
	}
	if (!ctl->trace_lines)
		return;
	if (!keep(ctl, k, ret, wall)) {
		k->line.len = 0;
		if (ctl->printing == t) {
			/* shown at entry (-P matched): it must end */
			finish(ctl, t, k, ret, true, wall);
		}
		return;
	}
	finish(ctl, t, k, ret, true, wall);
}

static void
on_exited(struct ctl *ctl, struct tri_ptrace_ev *ev)
{
	struct tri_ptrace_task *t = ev->task;
	struct task *k = t->user;

	if (k && k->active && k->want) {
		/* a call that never returned is not counted, as in strace -c */
		if (ctl->trace_lines && (k->shown || keep(ctl, k, 0,
		    since(&k->t0))))
			finish(ctl, t, k, 0, false, since(&k->t0));
	}
	if (ctl->trace_lines)
		out_exit(ctl, t, ev->status);
	if (ctl->printing == t)
		ctl->printing = NULL;
	task_free(t);
}

static void
on_superseded(struct ctl *ctl, struct tri_ptrace_ev *ev)
{
	struct tri_ptrace_task *t = ev->task;
	struct task *k = t->user;
	struct sbuf l = { 0 };
	struct timespec rt;

	if (k && k->active && k->want && ctl->trace_lines)
		finish(ctl, t, k, 0, false, since(&k->t0));
	if (ctl->trace_lines && !ctl->json) {
		clock_gettime(CLOCK_REALTIME, &rt);
		out_prefix(ctl, &l, t->tid, &rt);
		sb_printf(&l, "+++ superseded by execve in pid %d +++\n",
		    (int)ev->old_tid);
		out_line(ctl, &l);
		free(l.p);
	}
	if (ctl->printing == t)
		ctl->printing = NULL;
	task_free(t);
}

void
trace_event(struct tri_ptrace_ev *ev, void *arg)
{
	struct ctl *ctl = arg;

	ctl->multi = (ctl->to_file && ctl->follow) || ctl->loop.ntasks > 1;
	switch (ev->type) {
	case TRI_PTRACE_EV_ENTRY:
		on_entry(ctl, ev);
		break;
	case TRI_PTRACE_EV_EXIT:
		on_return(ctl, ev);
		break;
	case TRI_PTRACE_EV_SIGNAL:
		if (ctl->trace_lines && !ctl->npaths && !ctl->only_fail &&
		    !ctl->only_ok)
			out_signal(ctl, ev->task, ev->si);
		break;
	case TRI_PTRACE_EV_EXITED:
		on_exited(ctl, ev);
		break;
	case TRI_PTRACE_EV_SUPERSEDED:
		on_superseded(ctl, ev);
		break;
	case TRI_PTRACE_EV_DETACHED:
		if (ctl->printing == ev->task) {
			fputs(" <detached ...>\n", ctl->out);
			ctl->printing = NULL;
		}
		task_free(ev->task);
		break;
	case TRI_PTRACE_EV_NEW:
	case TRI_PTRACE_EV_EXEC:
		break;
	}
}
