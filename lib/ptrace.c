/* lib/ptrace.c - seize, stop, inject one syscall, read memory, detach. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "ptrace.h"

pid_t
tri_ptrace_wait(pid_t tid, int *status)
{
	pid_t r;

	do
		r = waitpid(tid, status, __WALL);
	while (r < 0 && errno == EINTR);
	return r;
}

/*
 * Wait for the next stop.  A signal-delivery stop of a signal other than
 * the one we expect is remembered in h->sig for release.  Returns the
 * status of a stop, or -1 ESRCH when the thread exited.
 */
static int
next_stop(struct tri_ptrace_hold *h, int *status)
{
	if (tri_ptrace_wait(h->tid, status) < 0)
		return -1;
	if (WIFEXITED(*status) || WIFSIGNALED(*status)) {
		h->held = false;
		errno = ESRCH;
		return -1;
	}
	return 0;
}

int
tri_ptrace_hold(struct tri_ptrace_hold *h, pid_t tid, unsigned long opts)
{
	int status;

	memset(h, 0, sizeof(*h));
	h->tid = tid;
	if (ptrace(PTRACE_SEIZE, tid, 0, opts) < 0)
		return -1;
	h->held = true;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		goto fail;
	if (next_stop(h, &status) < 0)
		return -1;
	/*
	 * Either the interrupt's event stop, or a signal that was on its way:
	 * keep that signal for release and use this stop as ours.
	 */
	if (WIFSTOPPED(status) && (status >> 16) != PTRACE_EVENT_STOP)
		h->sig = WSTOPSIG(status);
	return 0;
fail:
	{
		int e = errno;

		ptrace(PTRACE_DETACH, tid, 0, 0);
		h->held = false;
		errno = e;
	}
	return -1;
}

int
tri_ptrace_release(struct tri_ptrace_hold *h)
{
	if (!h->held)
		return 0;
	h->held = false;
	return (int)ptrace(PTRACE_DETACH, h->tid, 0, (void *)(long)h->sig);
}

ssize_t
tri_ptrace_read_mem(pid_t pid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

#if defined(__x86_64__)

/* Find "syscall" (0f 05) in the thread's [vdso], which every process maps. */
static unsigned long
vdso_syscall(pid_t tid)
{
	unsigned long lo = 0, hi = 0, a;
	char path[64], line[512];
	unsigned char *code;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/maps", tri_proc_root(), (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &lo,
		    &hi) == 2)
			break;
	fclose(f);
	if (hi <= lo || hi - lo > (1 << 20) || (code = malloc(hi - lo)) == NULL)
		return 0;
	a = 0;
	if (tri_ptrace_read_mem(tid, lo, code, hi - lo) == (ssize_t)(hi - lo))
		for (size_t i = 0; i + 1 < hi - lo; i++)
			if (code[i] == 0x0f && code[i + 1] == 0x05) {
				a = lo + i;
				break;
			}
	free(code);
	return a;
}

/* Where to run a syscall: right where the thread stopped, or the vDSO. */
static unsigned long
syscall_site(pid_t tid, const struct user_regs_struct *r)
{
	unsigned char b[2];

	if (r->rip >= 2 && tri_ptrace_read_mem(tid, r->rip - 2, b, 2) == 2 &&
	    b[0] == 0x0f && b[1] == 0x05)
		return r->rip - 2;
	return vdso_syscall(tid);
}

/* Single-step over the syscall; signals arriving meanwhile are kept. */
static int
step(struct tri_ptrace_hold *h)
{
	int status, tries;

	for (tries = 0; tries < 64; tries++) {
		if (ptrace(PTRACE_SINGLESTEP, h->tid, 0, 0) < 0)
			return -1;
		if (next_stop(h, &status) < 0)
			return -1;
		if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP &&
		    (status >> 16) == 0)
			return 0;
		/* Another signal or an event stop came first: the
		 * instruction has not run yet.  Keep the signal, go again. */
		if (WIFSTOPPED(status) && (status >> 16) == 0 && h->sig == 0)
			h->sig = WSTOPSIG(status);
	}
	errno = EAGAIN;
	return -1;
}

int
tri_ptrace_inject(struct tri_ptrace_hold *h, long nr,
    const unsigned long args[6], long *ret)
{
	struct user_regs_struct saved, r;
	unsigned long site;
	int e;

	if (ptrace(PTRACE_GETREGS, h->tid, 0, &saved) < 0)
		return -1;
	if ((site = syscall_site(h->tid, &saved)) == 0) {
		errno = ENOEXEC;
		return -1;
	}
	r = saved;
	r.rax = (unsigned long)nr;
	r.rdi = args[0]; r.rsi = args[1]; r.rdx = args[2];
	r.r10 = args[3]; r.r8 = args[4]; r.r9 = args[5];
	r.rip = site;
	/* orig_rax -1: the kernel must not treat this as a syscall to restart. */
	r.orig_rax = (unsigned long)-1;
	if (ptrace(PTRACE_SETREGS, h->tid, 0, &r) < 0)
		return -1;
	if (step(h) < 0 || ptrace(PTRACE_GETREGS, h->tid, 0, &r) < 0) {
		e = errno;
		if (h->held)
			ptrace(PTRACE_SETREGS, h->tid, 0, &saved);
		errno = e;
		return -1;
	}
	*ret = (long)r.rax;
	/* Every register back, including a pending restart of the syscall
	 * the thread was in (its orig_rax and -ERESTART* rax). */
	return (int)ptrace(PTRACE_SETREGS, h->tid, 0, &saved);
}

#else

int
tri_ptrace_inject(struct tri_ptrace_hold *h, long nr,
    const unsigned long args[6], long *ret)
{
	errno = ENOSYS;
	return -1;
}

#endif
