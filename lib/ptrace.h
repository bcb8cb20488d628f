/* lib/ptrace.h - seize, stop, inject one syscall, read memory, detach. */
#ifndef TRI_PTRACE_H
#define TRI_PTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * A thread held in a ptrace stop by us.  sig is a signal that arrived
 * while we held it; it is delivered again on release, so the tracee sees
 * nothing of our visit.
 */
struct tri_ptrace_hold {
	pid_t	 tid;
	int	 sig;
	bool	 held;
};

/*
 * Seize tid (PTRACE_SEIZE with opts) and bring it to a stop.  Returns 0
 * with the thread stopped, or -1 with errno: ESRCH (gone), EPERM (needs
 * CAP_SYS_PTRACE, or already traced: check TracerPid first to tell).
 */
int	tri_ptrace_hold(struct tri_ptrace_hold *h, pid_t tid, unsigned long opts);
/* Detach, delivering any held signal.  0 or -1 with errno. */
int	tri_ptrace_release(struct tri_ptrace_hold *h);

/*
 * Run one system call inside a held thread: nr with up to six arguments,
 * at a syscall instruction found in the thread's own code (the one it
 * stopped after, or one in its vDSO), then restore every register exactly
 * as it was.  *ret gets the raw return (-errno on failure in the target).
 * Returns 0, or -1 with errno: ENOSYS on architectures other than x86-64,
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

#endif /* TRI_PTRACE_H */
