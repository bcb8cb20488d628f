/* lib/ptrace.h - seize, stop, inject one syscall, read memory, detach. */
#ifndef TRI_PTRACE_H
#define TRI_PTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Signals that would end the tool (INT, TERM, HUP, QUIT, PIPE, ALRM, USR1,
 * USR2, XCPU, XFSZ) and stop it (TSTP, TTIN, TTOU) are blocked in the
 * calling thread while it holds a tracee, so the tool always restores and
 * detaches before it acts on one.  tri_ptrace_hold guards and
 * tri_ptrace_release unguards by itself; a command whose operation spans
 * several holds (a reap of many parents) guards the whole of it too.
 * Guards nest; the last unguard takes the ending signals that arrived,
 * remembers the first for tri_ptrace_interrupted, restores the old mask
 * and raises again a stop signal that arrived, so ^Z still suspends.
 * The guard covers the calling thread only: call it from the thread that
 * traces, while no other thread of the tool leaves those signals open.
 */
void	tri_ptrace_guard(void);
/* Returns the first ending signal that arrived while guarded, or 0. */
int	tri_ptrace_unguard(void);
/*
 * The ending signal that arrived while guarded (pending now, or taken by
 * the last unguard), or 0: the caller finishes the step it is in, says
 * what was done, and exits 128 + that signal.
 */
int	tri_ptrace_interrupted(void);

/*
 * A thread held in a ptrace stop by us.  sigs are signals that arrived
 * while we held it; they are delivered again on release, so the tracee
 * sees nothing of our visit.  restart is set while the thread waits, at
 * a syscall-exit stop, to enter again the system call it was blocked in.
 */
#define TRI_PTRACE_MAXSIG	8
struct tri_ptrace_hold {
	pid_t	 tid;
	int	 sig;			/* the first of sigs, or 0 */
	int	 nsig;
	int	 sigs[TRI_PTRACE_MAXSIG];
	bool	 held;
	bool	 restart;
};

/*
 * Seize tid (PTRACE_SEIZE with opts and PTRACE_O_TRACESYSGOOD) and bring
 * it to a stop, inside a guard (above).  Returns 0 with the thread
 * stopped, or -1 with errno: ESRCH (gone), EPERM (needs CAP_SYS_PTRACE,
 * or already traced: check TracerPid first to tell).
 */
int	tri_ptrace_hold(struct tri_ptrace_hold *h, pid_t tid, unsigned long opts);
/* Detach, delivering any held signals, and unguard.  0 or -1 with errno. */
int	tri_ptrace_release(struct tri_ptrace_hold *h);

/*
 * The thread of process pid to inject into: one blocked in a system call
 * (there the injected call replaces a restart of the thread's own call,
 * the safest place, see tri_ptrace_inject), else any live thread.
 * Returns the tid, or -1 with errno (ESRCH: no live thread).
 */
pid_t	tri_ptrace_pick_thread(pid_t pid);

/*
 * Run one system call inside a held thread: nr with up to six arguments,
 * then restore every register as it was.  The call runs between two
 * syscall-stops (PTRACE_SYSCALL): no single-step, no trap flag, so
 * nothing is left pending in the thread if the tool dies.
 *
 * Where: a thread stopped in a restartable system call (blocked in read,
 * nanosleep, wait4, futex, ...) is let restart it, and at the entry stop
 * the number and arguments are swapped for ours; at the exit stop its
 * registers are set to enter its own call again.  Any other thread runs
 * the call at the syscall instruction it stopped after, or at one in its
 * vDSO.  Only between setting our registers and restoring them (the
 * injected call and one or two stops) does the thread's state differ
 * from its own; SIGKILL of the tool in that window leaves the thread
 * with our registers: its blocked call returns our result (first case),
 * or it runs on in the vDSO with our registers and most likely crashes.
 *
 * *ret gets the raw return (-errno on failure in the target).  Returns
 * 0, or -1 with errno: ENOSYS on architectures other than x86-64,
 * ENOEXEC when no syscall instruction is found, ESRCH when the thread
 * died.  The thread stays held.
 */
int	tri_ptrace_inject(struct tri_ptrace_hold *h, long nr,
	    const unsigned long args[6], long *ret);

/*
 * Read len bytes at addr of process pid (process_vm_readv; no stop
 * needed).  Returns the count read, or -1 with errno.
 */
ssize_t	tri_ptrace_read_mem(pid_t pid, unsigned long addr, void *buf,
	    size_t len);

/*
 * waitpid(tid, status, __WALL) retried on EINTR.  Returns the pid or -1.
 */
pid_t	tri_ptrace_wait(pid_t tid, int *status);

/* The tracing loop (lib/ptrace_loop.c). */
#include <signal.h>
#include <sys/time.h>

struct __ptrace_syscall_info;	/* <sys/ptrace.h> */

/* One traced thread.  user belongs to the caller of tri_ptrace_run. */
struct tri_ptrace_task {
	pid_t	 tid;
	pid_t	 tgid;
	bool	 hide;		/* the launched child before its execve */
	bool	 in_syscall;	/* between entry and exit */
	bool	 skip_exit;	/* set at entry: the exit needs no event */
	bool	 detaching;
	void	*user;
};

enum tri_ptrace_evtype {
	TRI_PTRACE_EV_ENTRY,		/* syscall entry (or seccomp stop) */
	TRI_PTRACE_EV_EXIT,		/* syscall exit */
	TRI_PTRACE_EV_SIGNAL,		/* a signal about to be delivered */
	TRI_PTRACE_EV_EXITED,		/* the thread exited or was killed */
	TRI_PTRACE_EV_NEW,		/* a thread or child is now traced */
	TRI_PTRACE_EV_EXEC,		/* execve succeeded (old_tid: who ran it) */
	TRI_PTRACE_EV_SUPERSEDED,	/* the leader, replaced by an exec */
	TRI_PTRACE_EV_DETACHED,		/* let go after an interrupt */
};

/* What tri_ptrace_run hands its callback.  Valid during the call only. */
struct tri_ptrace_ev {
	enum tri_ptrace_evtype		 type;
	struct tri_ptrace_task		*task;
	struct __ptrace_syscall_info	*info;	/* ENTRY, EXIT */
	siginfo_t			*si;	/* SIGNAL */
	int				 status; /* EXITED: the wait status */
	pid_t				 old_tid; /* EXEC */
	struct timeval			 stime;	/* the process's system time */
};

typedef void (*tri_ptrace_fn)(struct tri_ptrace_ev *ev, void *arg);

struct tri_ptrace_loop {
	unsigned long		 opts;		/* PTRACE_O_* for every seize */
	bool			 seccomp;	/* stop only where the filter says */
	bool			 rusage;	/* fill ev->stime (wait4 rusage) */
	pid_t			 child;		/* the launched program, or 0 */
	int			 child_status;	/* its wait status when it ended */
	bool			 child_done;
	volatile sig_atomic_t	*stop;		/* set by a signal: detach all */
	struct tri_ptrace_task	*tasks;		/* open hash by tid */
	size_t			 ntasks, cap;
};

/*
 * Set l up: opts are added to PTRACE_O_TRACESYSGOOD (and TRACESECCOMP
 * with seccomp, TRACEEXEC always).  Returns 0.
 */
int	tri_ptrace_loop_init(struct tri_ptrace_loop *l, unsigned long opts,
	    bool seccomp);
void	tri_ptrace_loop_free(struct tri_ptrace_loop *l);
/*
 * Catch SIGINT, SIGTERM, SIGHUP (and SIGQUIT, SIGPIPE) without SA_RESTART:
 * the loop notices, detaches from every tracee and returns.  With
 * launched, SIGINT and SIGQUIT are ignored instead: the terminal sends
 * them to the program too, which decides (as strace does).  *flag gets
 * the signal number.
 */
void	tri_ptrace_catch_signals(volatile sig_atomic_t *flag, bool launched);
/*
 * Start path with argv traced: the child stops itself, and once seized
 * runs prep(arg) (a seccomp filter) and execs; what it does before the
 * execve is hidden.  Returns 0 with l->child set, or -1 with errno (a
 * failure of prep or exec is the child's exit: 126, or 127 for ENOENT).
 */
int	tri_ptrace_launch(struct tri_ptrace_loop *l, const char *path,
	    char *const argv[], int (*prep)(void *), void *arg);
/*
 * Seize every thread of pid, including those it starts while we do.
 * *n gets how many.  Returns 0, or -1 with errno: ESRCH, EPERM (needs
 * CAP_SYS_PTRACE or already traced), EDEADLK for ourselves or an
 * ancestor (tracing it would deadlock on our own output).
 */
int	tri_ptrace_attach(struct tri_ptrace_loop *l, pid_t pid, size_t *n);
/*
 * Run until no tracee is left, or until *l->stop is set: then detach from
 * every tracee, leaving it running (a signal it was stopped with is
 * delivered).  fn sees each event.  Returns 0, or -1 with errno.
 */
int	tri_ptrace_run(struct tri_ptrace_loop *l, tri_ptrace_fn fn, void *arg);
/* The task of tid, or NULL. */
struct tri_ptrace_task *tri_ptrace_task(struct tri_ptrace_loop *l, pid_t tid);

#endif /* TRI_PTRACE_H */
