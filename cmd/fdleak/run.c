/* cmd/fdleak/run.c - run mode: the fds a program still holds when it exits. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptrace.h"
#include "fdleak.h"

/*
 * Each traced process gets a baseline: its fds when we first see it (the
 * command right after its exec, a child at its first stop after fork, when
 * its table is still the parent's).  At its PTRACE_EVENT_EXIT stop the
 * kernel has not closed the table yet, so fd/ still shows what it held;
 * the fds not in the baseline are its own, left open.
 */
struct fdid {
	int			 fd;
	unsigned long long	 id;
};

struct tracee {
	pid_t		 pid;
	bool		 leader;	/* a process, not a thread */
	bool		 based;		/* baseline taken */
	struct fdid	*base;
	size_t		 nbase;
};

struct tracer {
	const struct ctl *c;
	struct tracee	*v;
	size_t		 n;
	pid_t		 main;
	int		 main_status;
	bool		 main_done;
};

static unsigned long long
link_id(const char *s, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct tracee *
tracee_get(struct tracer *t, pid_t pid)
{
	struct tracee *nv;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].pid == pid)
			return &t->v[i];
	if ((nv = realloc(t->v, (t->n + 1) * sizeof(*nv))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	t->v = nv;
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	t->v[t->n].pid = pid;
	return &t->v[t->n++];
}

static void
tracee_drop(struct tracer *t, pid_t pid)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].pid == pid) {
			free(t->v[i].base);
			t->v[i] = t->v[--t->n];
			return;
		}
}

/* Read the fd numbers and link identities of pid. */
static void
baseline(struct tracee *te)
{
	struct tri_proc p;
	struct tri_status st;
	char buf[PATH_MAX];
	size_t n, i;
	ssize_t l;
	int fddir, *fds;

	te->based = true;
	if (tri_proc_open(&p, te->pid) < 0)
		return;
	te->leader = tri_proc_read_status(&p, &st) == 0 && st.tgid == te->pid;
	if (te->leader && (fddir = tri_proc_fd_opendir(&p, false)) >= 0) {
		if ((fds = tri_proc_fd_list(fddir, &n)) != NULL) {
			te->base = calloc(n ? n : 1, sizeof(*te->base));
			for (i = 0; te->base && i < n; i++) {
				l = tri_proc_fd_link(fddir, fds[i], buf,
				    sizeof(buf));
				te->base[te->nbase++] = (struct fdid){ fds[i],
				    l < 0 ? 0 : link_id(buf, (size_t)l) };
			}
			free(fds);
		}
		close(fddir);
	}
	tri_proc_close(&p);
}

static bool
inherited(const struct tracee *te, const struct fdent *e)
{
	unsigned long long id = link_id(e->link, e->linklen);
	size_t i;

	/* the link text of a deleted file lost its suffix in classify */
	if (e->deleted) {
		char buf[PATH_MAX + 16];

		snprintf(buf, sizeof(buf), "%s (deleted)", e->link);
		id = link_id(buf, strlen(buf));
	}
	for (i = 0; i < te->nbase; i++)
		if (te->base[i].fd == e->fd)
			return te->base[i].id == id;
	return false;
}

static void
run_report_json(const struct tracee *te, const struct fdtab *tab, int status,
    const bool *leak)
{
	char desc[64];
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stderr, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "fdleak");
	tri_json_kstr(&j, "type", "exit");
	tri_json_kint(&j, "pid", te->pid);
	tri_json_kstr(&j, "comm", tab->comm);
	tri_json_kstr(&j, "status", tri_proc_describe_status(status, desc,
	    sizeof(desc)));
	tri_json_kuint(&j, "inherited", te->nbase);
	tri_json_key(&j, "leaked");
	tri_json_arr_begin(&j);
	for (i = 0; i < tab->n; i++)
		if (leak[i])
			list_json_fd(&j, &tab->v[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
run_report_text(const struct tracee *te, const struct fdtab *tab, int status,
    const bool *leak, size_t nleak)
{
	char desc[64], fl[128], target[PATH_MAX + 2048];
	const struct fdent *e;
	size_t i;

	fprintf(stderr, "fdleak: pid %d (", (int)te->pid);
	tri_out_fescape(stderr, tab->comm, strlen(tab->comm));
	fprintf(stderr, ") %s with %zu fd%s open beyond the %zu it "
	    "inherited%s\n", tri_proc_describe_status(status, desc,
	    sizeof(desc)), nleak, nleak == 1 ? "" : "s", te->nbase,
	    nleak ? ":" : "");
	for (i = 0; i < tab->n; i++) {
		if (!leak[i])
			continue;
		e = &tab->v[i];
		fprintf(stderr, "fdleak:   fd %d %s %s %s ", e->fd, e->type,
		    fdent_access(e), fdent_flags(e, fl, sizeof(fl)));
		fdent_target(e, target, sizeof(target));
		tri_out_fescape(stderr, target, strlen(target));
		putc('\n', stderr);
	}
}

/* At the exit stop: what pid holds beyond its baseline. */
static void
report_exit(struct tracer *t, struct tracee *te)
{
	struct sockcache sc = { .lock = PTHREAD_MUTEX_INITIALIZER };
	unsigned long msg = 0;
	struct tri_proc p;
	struct fdtab tab;
	size_t i, nleak = 0;
	bool *leak;

	if (!te->based || !te->leader)
		return;
	ptrace(PTRACE_GETEVENTMSG, te->pid, 0, &msg);
	if (tri_proc_open(&p, te->pid) < 0)
		return;
	if (fdtab_read(&tab, &p, &sc) == 0) {
		peers_resolve(&tab, 1, false);
		if ((leak = calloc(tab.n + 1, sizeof(*leak))) == NULL)
			err(TRI_EXIT_FAIL, "memory");
		for (i = 0; i < tab.n; i++)
			if (!inherited(te, &tab.v[i]))
				leak[i] = true, nleak++;
		if (t->c->json)
			run_report_json(te, &tab, (int)msg, leak);
		else
			run_report_text(te, &tab, (int)msg, leak, nleak);
		free(leak);
		fdtab_free(&tab);
	}
	sockcache_free(&sc);
	tri_proc_close(&p);
}

static void
on_stop(struct tracer *t, pid_t pid, int status)
{
	struct tracee *te = tracee_get(t, pid);
	int ev = status >> 16, sig = WSTOPSIG(status);

	if (ev == PTRACE_EVENT_EXEC && !te->based)
		baseline(te);
	else if (ev == PTRACE_EVENT_EXIT)
		report_exit(t, te);
	if (ev != 0) {
		sig = 0;
	} else if (!te->based && pid != t->main) {
		/* a new child's first stop: our SIGSTOP, not its own */
		baseline(te);
		if (sig == SIGSTOP)
			sig = 0;
	} else if (sig == SIGTRAP)
		sig = 0;
	ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
}

static void
on_end(struct tracer *t, pid_t pid, int status)
{
	if (pid == t->main) {
		t->main_status = status;
		t->main_done = true;
	}
	tracee_drop(t, pid);
}

static void
trace_loop(struct tracer *t)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;		/* ECHILD: every tracee is gone */
		}
		if (WIFSTOPPED(status))
			on_stop(t, pid, status);
		else if (WIFEXITED(status) || WIFSIGNALED(status))
			on_end(t, pid, status);
		if (t->main_done && !t->c->follow)
			break;
	}
}

static int
start(const struct ctl *c)
{
	pid_t pid;
	int status;

	if ((pid = fork()) < 0)
		err(TRI_EXIT_FAIL, "fork");
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			err(TRI_EXIT_FAIL, "ptrace");
		raise(SIGSTOP);
		execvp(c->argv[0], c->argv);
		warn("%s", c->argv[0]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (tri_ptrace_wait(pid, &status) < 0 || !WIFSTOPPED(status))
		err(TRI_EXIT_FAIL, "%s: did not start", c->argv[0]);
	return pid;
}

int
run_command(const struct ctl *c)
{
	unsigned long opts = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC |
	    PTRACE_O_EXITKILL;
	struct tracer t = { .c = c };
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	size_t i;

	if (c->follow)
		opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE;
	fflush(stdout);
	t.main = start(c);
	/* Like system(3): ^C is for the program; we report and follow it. */
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	if (ptrace(PTRACE_SETOPTIONS, t.main, 0, opts) < 0 ||
	    ptrace(PTRACE_CONT, t.main, 0, 0) < 0)
		err(TRI_EXIT_FAIL, "pid %d: ptrace", (int)t.main);
	tracee_get(&t, t.main);
	trace_loop(&t);
	for (i = 0; i < t.n; i++)
		free(t.v[i].base);
	free(t.v);
	if (!t.main_done)
		return TRI_EXIT_FAIL;
	if (WIFSIGNALED(t.main_status))
		return 128 + WTERMSIG(t.main_status);
	return WEXITSTATUS(t.main_status);
}
