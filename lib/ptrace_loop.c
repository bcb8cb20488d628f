/* lib/ptrace_loop.c - the tracing loop: seize, syscall stops, clean detach. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "ptrace.h"

#define STOP_SYSCALL	(SIGTRAP | 0x80)	/* PTRACE_O_TRACESYSGOOD */

int
tri_ptrace_loop_init(struct tri_ptrace_loop *l, unsigned long opts,
    bool seccomp)
{
	memset(l, 0, sizeof(*l));
	l->opts = opts | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC;
	if (seccomp)
		l->opts |= PTRACE_O_TRACESECCOMP;
	l->seccomp = seccomp;
	return 0;
}

void
tri_ptrace_loop_free(struct tri_ptrace_loop *l)
{
	free(l->tasks);
	l->tasks = NULL;
	l->ntasks = l->cap = 0;
}

/* The tasks: an open hash on tid with linear probing, tid 0 is empty. */
static size_t
slot(const struct tri_ptrace_loop *l, pid_t tid)
{
	size_t i = ((size_t)tid * 2654435761u) & (l->cap - 1);

	while (l->tasks[i].tid != 0 && l->tasks[i].tid != tid)
		i = (i + 1) & (l->cap - 1);
	return i;
}

struct tri_ptrace_task *
tri_ptrace_task(struct tri_ptrace_loop *l, pid_t tid)
{
	size_t i;

	if (l->cap == 0)
		return NULL;
	i = slot(l, tid);
	return l->tasks[i].tid == tid ? &l->tasks[i] : NULL;
}

static int
grow(struct tri_ptrace_loop *l)
{
	struct tri_ptrace_task *old = l->tasks, *t;
	size_t i, oldcap = l->cap;

	l->cap = oldcap ? oldcap * 2 : 64;
	if ((l->tasks = calloc(l->cap, sizeof(*l->tasks))) == NULL) {
		l->tasks = old;
		l->cap = oldcap;
		return -1;
	}
	for (i = 0; i < oldcap; i++) {
		if (old[i].tid == 0)
			continue;
		t = &l->tasks[slot(l, old[i].tid)];
		*t = old[i];
	}
	free(old);
	return 0;
}

static struct tri_ptrace_task *
add_task(struct tri_ptrace_loop *l, pid_t tid, pid_t tgid)
{
	struct tri_ptrace_task *t;

	if ((t = tri_ptrace_task(l, tid)) != NULL)
		return t;
	if ((l->ntasks + 1) * 2 > l->cap && grow(l) < 0)
		return NULL;
	t = &l->tasks[slot(l, tid)];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tgid;
	l->ntasks++;
	return t;
}

/* Remove t, re-placing the entries after it in its probe run. */
static void
del_task(struct tri_ptrace_loop *l, struct tri_ptrace_task *t)
{
	size_t i = (size_t)(t - l->tasks), j;
	struct tri_ptrace_task moved;

	l->tasks[i].tid = 0;
	l->ntasks--;
	for (j = (i + 1) & (l->cap - 1); l->tasks[j].tid != 0;
	    j = (j + 1) & (l->cap - 1)) {
		moved = l->tasks[j];
		l->tasks[j].tid = 0;
		l->tasks[slot(l, moved.tid)] = moved;
	}
}

/* The thread group of tid, from /proc/TID/status; tid itself if unknown. */
static pid_t
tgid_of(pid_t tid)
{
	struct tri_proc p;
	struct tri_status st;
	pid_t g = tid;

	if (tri_proc_open(&p, tid) < 0)
		return tid;
	if (tri_proc_read_status(&p, &st) == 0 && st.tgid > 0)
		g = st.tgid;
	tri_proc_close(&p);
	return g;
}

static volatile sig_atomic_t *stop_flag;

/* The dispositions before ours, for a launched child to exec with. */
static const int caught[] = { SIGTERM, SIGHUP, SIGPIPE, SIGINT, SIGQUIT };
static struct sigaction given[sizeof(caught) / sizeof(caught[0])];
static bool have_saved;

static void
record_signal(int sig)
{
	if (stop_flag)
		*stop_flag = sig;
}

void
tri_ptrace_catch_signals(volatile sig_atomic_t *flag, bool launched)
{
	struct sigaction sa;

	size_t i;

	stop_flag = flag;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		sa.sa_handler = record_signal;	/* no SA_RESTART: wait4 returns */
		if (launched && (caught[i] == SIGINT || caught[i] == SIGQUIT))
			sa.sa_handler = SIG_IGN;
		sigaction(caught[i], &sa, &given[i]);
	}
	have_saved = true;
}

int
tri_ptrace_launch(struct tri_ptrace_loop *l, const char *path,
    char *const argv[], int (*prep)(void *), void *arg)
{
	struct tri_ptrace_task *t;
	pid_t pid;
	int status;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		/*
		 * Stop first: once the filter is in, a syscall it names
		 * fails with ENOSYS unless a tracer is attached.
		 */
		size_t i;

		/* the program gets the dispositions we were given */
		for (i = 0; have_saved && i < sizeof(caught) / sizeof(caught[0]);
		    i++)
			sigaction(caught[i], &given[i], NULL);
		raise(SIGSTOP);
		if (prep && prep(arg) < 0)
			_exit(126);
		execv(path, argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (waitpid(pid, &status, WSTOPPED) < 0 || !WIFSTOPPED(status)) {
		errno = ECHILD;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
			errno = EPERM;
		return -1;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, l->opts) < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		errno = e;
		return -1;
	}
	if ((t = add_task(l, pid, pid)) == NULL)
		return -1;
	t->hide = true;
	l->child = pid;
	kill(pid, SIGCONT);
	return 0;
}

/* Whether pid is us or one of our ancestors. */
static bool
is_ancestor(pid_t pid)
{
	struct tri_proc p;
	struct tri_stat st;
	pid_t cur = getpid();
	int depth;

	for (depth = 0; cur > 0 && depth < 4096; depth++) {
		if (cur == pid)
			return true;
		if (tri_proc_open(&p, cur) < 0)
			return false;
		if (tri_proc_read_stat(&p, &st) < 0) {
			tri_proc_close(&p);
			return false;
		}
		tri_proc_close(&p);
		cur = st.ppid;
	}
	return false;
}

/* Seize the threads of pid not yet seized; the count of new ones, or -1. */
static int
seize_new(struct tri_ptrace_loop *l, const struct tri_proc *p, pid_t pid)
{
	struct tri_ptrace_task *t;
	pid_t *tids;
	size_t n, i;
	int added = 0;

	if ((tids = tri_proc_tasks(p, &n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (tri_ptrace_task(l, tids[i]))
			continue;
		if (ptrace(PTRACE_SEIZE, tids[i], 0, l->opts) < 0) {
			if (errno == ESRCH)
				continue;	/* a thread that just exited */
			free(tids);
			return -1;
		}
		if ((t = add_task(l, tids[i], pid)) == NULL) {
			free(tids);
			return -1;
		}
		/* a stop to start from: PTRACE_SYSCALL needs one */
		ptrace(PTRACE_INTERRUPT, tids[i], 0, 0);
		added++;
	}
	free(tids);
	return added;
}

int
tri_ptrace_attach(struct tri_ptrace_loop *l, pid_t pid, size_t *n)
{
	struct tri_proc p;
	size_t before = l->ntasks;
	int r, rounds;

	if (is_ancestor(pid)) {
		errno = EDEADLK;
		return -1;
	}
	if (tri_proc_open(&p, pid) < 0)
		return -1;
	/*
	 * A thread that was not yet seized can start another: read task/
	 * again until a pass finds nothing new.  Seized threads report their
	 * clones themselves (PTRACE_O_TRACECLONE).
	 */
	for (rounds = 0; rounds < 100; rounds++) {
		if ((r = seize_new(l, &p, pid)) < 0) {
			int e = errno;

			tri_proc_close(&p);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
	}
	tri_proc_close(&p);
	*n = l->ntasks - before;
	return 0;
}

static void
resume(struct tri_ptrace_loop *l, struct tri_ptrace_task *t, int sig)
{
	int req = PTRACE_SYSCALL;

	/* with the filter, only syscalls it names stop; their exit too */
	if (l->seccomp && !t->in_syscall)
		req = PTRACE_CONT;
	ptrace(req, t->tid, 0, sig);
}

static void
emit(tri_ptrace_fn fn, void *arg, struct tri_ptrace_ev *ev)
{
	if (!ev->task->hide || ev->type == TRI_PTRACE_EV_EXITED)
		fn(ev, arg);
}

static void
syscall_stop(struct tri_ptrace_loop *l, struct tri_ptrace_ev *ev,
    tri_ptrace_fn fn, void *arg)
{
	struct __ptrace_syscall_info info;
	struct tri_ptrace_task *t = ev->task;

	/* the exit of a call the caller filtered out: not even a look */
	if (t->in_syscall && t->skip_exit &&
	    WSTOPSIG(ev->status) == STOP_SYSCALL) {
		t->in_syscall = t->skip_exit = false;
		resume(l, t, 0);
		return;
	}
	t->skip_exit = false;
	/* valgrind does not know this request fills info */
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info), &info) <= 0)
		info.op = PTRACE_SYSCALL_INFO_NONE;
	ev->info = &info;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY ||
	    info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		if (t->hide && (info.entry.nr == __NR_execve
#ifdef __NR_execveat
		    || info.entry.nr == __NR_execveat
#endif
		    ))
			t->hide = false;
		t->in_syscall = true;
		ev->type = TRI_PTRACE_EV_ENTRY;
		emit(fn, arg, ev);
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
		t->in_syscall = false;
		ev->type = TRI_PTRACE_EV_EXIT;
		emit(fn, arg, ev);
	} else {
		t->in_syscall = !t->in_syscall;
	}
	resume(l, t, 0);
}

/* A new task announced by a fork, vfork or clone event of its parent. */
static void
new_task(struct tri_ptrace_loop *l, pid_t tid, struct tri_ptrace_ev *ev,
    tri_ptrace_fn fn, void *arg)
{
	struct tri_ptrace_task *t;
	struct tri_ptrace_ev nev;

	if (tri_ptrace_task(l, tid))
		return;			/* its own stop came first */
	if ((t = add_task(l, tid, tgid_of(tid))) == NULL)
		return;
	t->hide = ev->task->hide;
	memset(&nev, 0, sizeof(nev));
	nev.type = TRI_PTRACE_EV_NEW;
	nev.task = t;
	emit(fn, arg, &nev);
}

static void
exec_event(struct tri_ptrace_loop *l, struct tri_ptrace_ev *ev,
    tri_ptrace_fn fn, void *arg)
{
	struct tri_ptrace_task *t = ev->task, *old, saved;
	unsigned long msg = 0;
	pid_t tid = t->tid;

	ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg);
	ev->old_tid = (pid_t)msg;
	if (ev->old_tid != tid && (old = tri_ptrace_task(l, ev->old_tid))) {
		/* a thread other than the leader ran execve: it is the leader now */
		ev->type = TRI_PTRACE_EV_SUPERSEDED;
		emit(fn, arg, ev);
		saved = *old;
		del_task(l, old);
		t = tri_ptrace_task(l, tid);
		saved.tid = tid;
		*t = saved;
		ev->task = t;
	}
	t->hide = false;
	ev->type = TRI_PTRACE_EV_EXEC;
	emit(fn, arg, ev);
}

static void
event_stop(struct tri_ptrace_loop *l, struct tri_ptrace_ev *ev, int status,
    tri_ptrace_fn fn, void *arg)
{
	struct tri_ptrace_task *t = ev->task;
	int event = status >> 16, sig = WSTOPSIG(status);
	unsigned long msg = 0;

	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) == 0)
			new_task(l, (pid_t)msg, ev, fn, arg);
		break;
	case PTRACE_EVENT_EXEC:
		exec_event(l, ev, fn, arg);
		t = ev->task;
		break;
	case PTRACE_EVENT_SECCOMP:
		syscall_stop(l, ev, fn, arg);
		return;
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU) {
			/* a group stop: stay stopped as without us, until SIGCONT */
			ptrace(PTRACE_LISTEN, t->tid, 0, 0);
			return;
		}
		break;
	}
	resume(l, t, 0);
}

static void
signal_stop(struct tri_ptrace_loop *l, struct tri_ptrace_ev *ev, int sig,
    tri_ptrace_fn fn, void *arg)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GETSIGINFO, ev->task->tid, 0, &si) == 0) {
		ev->si = &si;
		ev->type = TRI_PTRACE_EV_SIGNAL;
		emit(fn, arg, ev);
	}
	resume(l, ev->task, sig);
}

static void
exited(struct tri_ptrace_loop *l, struct tri_ptrace_ev *ev, int status,
    tri_ptrace_fn fn, void *arg)
{
	ev->type = TRI_PTRACE_EV_EXITED;
	ev->status = status;
	if (ev->task->tid == l->child) {
		l->child_status = status;
		l->child_done = true;
	}
	emit(fn, arg, ev);
	del_task(l, ev->task);
}

/* One wait status of tid, taken apart. */
static void
dispatch(struct tri_ptrace_loop *l, pid_t tid, int status,
    const struct rusage *ru, tri_ptrace_fn fn, void *arg)
{
	struct tri_ptrace_ev ev;
	struct tri_ptrace_task *t;

	if ((t = tri_ptrace_task(l, tid)) == NULL) {
		if (!WIFSTOPPED(status))
			return;
		/* a new child's first stop, before its parent's event */
		if ((t = add_task(l, tid, tgid_of(tid))) == NULL)
			return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.task = t;
	if (ru)
		ev.stime = ru->ru_stime;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		exited(l, &ev, status, fn, arg);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (WSTOPSIG(status) == STOP_SYSCALL) {
		ev.status = status;
		syscall_stop(l, &ev, fn, arg);
	}
	else if (status >> 16)
		event_stop(l, &ev, status, fn, arg);
	else
		signal_stop(l, &ev, WSTOPSIG(status), fn, arg);
}

/* Tell the caller t is let go, so it can free what it keeps on it. */
static void
forget(struct tri_ptrace_loop *l, struct tri_ptrace_task *t,
    tri_ptrace_fn fn, void *arg)
{
	struct tri_ptrace_ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRI_PTRACE_EV_DETACHED;
	ev.task = t;
	fn(&ev, arg);
	del_task(l, t);
}

/* Detach t at its current stop, giving back a signal it stopped with. */
static void
detach_at(struct tri_ptrace_loop *l, struct tri_ptrace_task *t, int status,
    tri_ptrace_fn fn, void *arg)
{
	int sig = 0, event = status >> 16;
	siginfo_t si;

	if (WSTOPSIG(status) != STOP_SYSCALL && event == 0 &&
	    ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) == 0)
		sig = WSTOPSIG(status);
	ptrace(PTRACE_DETACH, t->tid, 0, sig);
	forget(l, t, fn, arg);
}

/*
 * Interrupt every tracee, and detach each at the stop it reports.  A
 * stop already queued (a syscall exit, a signal) is where it is
 * detached; a group stop is detached as it is, stopped as it would be
 * without us.  New children reported meanwhile are detached too.
 */
static int
detach_all(struct tri_ptrace_loop *l, tri_ptrace_fn fn, void *arg)
{
	struct tri_ptrace_task *t;
	unsigned long msg;
	size_t i;
	pid_t tid;
	int status;

	for (i = 0; i < l->cap; i++)
		if (l->tasks[i].tid != 0) {
			l->tasks[i].detaching = true;
			ptrace(PTRACE_INTERRUPT, l->tasks[i].tid, 0, 0);
		}
	while (l->ntasks > 0) {
		tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;			/* ECHILD: nothing left */
		}
		t = tri_ptrace_task(l, tid);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (t)
				forget(l, t, fn, arg);
			if (tid == l->child) {
				l->child_status = status;
				l->child_done = true;
			}
			continue;
		}
		if (t == NULL && (t = add_task(l, tid, tid)) == NULL)
			continue;
		switch (status >> 16) {
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE:
			if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 &&
			    tri_ptrace_task(l, (pid_t)msg) == NULL)
				add_task(l, (pid_t)msg, (pid_t)msg);
			break;
		}
		detach_at(l, t, status, fn, arg);
	}
	/* gone without a word (ECHILD): nothing to detach, only to forget */
	for (i = 0; i < l->cap && l->ntasks > 0; i++)
		if (l->tasks[i].tid != 0)
			forget(l, &l->tasks[i--], fn, arg);
	return 0;
}

int
tri_ptrace_run(struct tri_ptrace_loop *l, tri_ptrace_fn fn, void *arg)
{
	struct rusage ru;
	pid_t tid;
	int status;

	while (l->ntasks > 0) {
		if (l->stop && *l->stop)
			return detach_all(l, fn, arg);
		tid = wait4(-1, &status, __WALL, l->rusage ? &ru : NULL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			return -1;
		}
		dispatch(l, tid, status, l->rusage ? &ru : NULL, fn, arg);
	}
	return 0;
}
