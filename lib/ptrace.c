/* lib/ptrace.c - seize, stop, inject one syscall, read memory, detach. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
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

/* == The guard: no ending signal acts while a tracee is held. == */

static int guard_depth;
static int guard_caught;
static sigset_t guard_saved;

static const int ending_sigs[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2,
	SIGXCPU, SIGXFSZ,
};
static const int stop_sigs[] = { SIGTSTP, SIGTTIN, SIGTTOU };

static void
guard_set(sigset_t *s, bool stops)
{
	size_t i;

	sigemptyset(s);
	for (i = 0; i < sizeof(ending_sigs) / sizeof(ending_sigs[0]); i++)
		sigaddset(s, ending_sigs[i]);
	for (i = 0; stops && i < sizeof(stop_sigs) / sizeof(stop_sigs[0]); i++)
		sigaddset(s, stop_sigs[i]);
}

void
tri_ptrace_guard(void)
{
	sigset_t s;

	if (guard_depth++ > 0)
		return;
	guard_set(&s, true);
	pthread_sigmask(SIG_BLOCK, &s, &guard_saved);
}

int
tri_ptrace_unguard(void)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t s;
	int sig, e = errno;

	if (guard_depth == 0 || --guard_depth > 0)
		return guard_caught;
	/* Take the ending signals now, so the default action does not kill
	 * the tool before it says what it did. */
	guard_set(&s, false);
	while ((sig = sigtimedwait(&s, NULL, &zero)) > 0)
		if (guard_caught == 0)
			guard_caught = sig;
	/* A ^Z that came meanwhile is still pending: it acts once the mask
	 * is back, with the tracee already gone. */
	pthread_sigmask(SIG_SETMASK, &guard_saved, NULL);
	errno = e;
	return guard_caught;
}

int
tri_ptrace_interrupted(void)
{
	sigset_t pend;
	size_t i;

	if (guard_caught != 0 || guard_depth == 0)
		return guard_caught;
	if (sigpending(&pend) < 0)
		return 0;
	for (i = 0; i < sizeof(ending_sigs) / sizeof(ending_sigs[0]); i++)
		if (sigismember(&pend, ending_sigs[i]) == 1)
			return ending_sigs[i];
	return 0;
}

/* == Holding a thread. == */

/* Remember a signal that arrived while held, to deliver it on release. */
static void
keep_signal(struct tri_ptrace_hold *h, int sig)
{
	int i;

	for (i = 0; i < h->nsig; i++)
		if (h->sigs[i] == sig && sig < SIGRTMIN)
			return;		/* a standard signal does not queue */
	if (h->nsig < TRI_PTRACE_MAXSIG)
		h->sigs[h->nsig++] = sig;
	h->sig = h->sigs[0];
}

/*
 * Wait for the next stop.  Returns 0 with *status of a stop, or -1 ESRCH
 * when the thread exited.
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

/* A stop that is a signal on its way to the thread (not ours). */
static bool
is_signal_stop(int status)
{
	return WIFSTOPPED(status) && (status >> 16) == 0 &&
	    WSTOPSIG(status) != (SIGTRAP | 0x80);
}

int
tri_ptrace_hold(struct tri_ptrace_hold *h, pid_t tid, unsigned long opts)
{
	int status, e;

	memset(h, 0, sizeof(*h));
	h->tid = tid;
	tri_ptrace_guard();
	if (ptrace(PTRACE_SEIZE, tid, 0, opts | PTRACE_O_TRACESYSGOOD) < 0)
		goto fail;
	h->held = true;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		goto fail;
	if (next_stop(h, &status) < 0)
		goto fail;
	/*
	 * Either the interrupt's event stop, or a signal that was on its way:
	 * keep that signal for release and use this stop as ours.  The
	 * interrupt's own stop may then come later; the stop loops below
	 * pass over it.
	 */
	if (is_signal_stop(status))
		keep_signal(h, WSTOPSIG(status));
	return 0;
fail:
	e = errno;
	if (h->held)
		ptrace(PTRACE_DETACH, tid, 0, 0);
	h->held = false;
	tri_ptrace_unguard();
	errno = e;
	return -1;
}

int
tri_ptrace_release(struct tri_ptrace_hold *h)
{
	int r = 0, e = 0, i;

	if (h->held) {
		h->held = false;
		r = (int)ptrace(PTRACE_DETACH, h->tid, 0,
		    (void *)(long)h->sig);
		e = errno;
		/* Only one signal rides on the detach; the others follow. */
		for (i = 1; r == 0 && i < h->nsig; i++)
			syscall(SYS_tkill, h->tid, h->sigs[i]);
		tri_ptrace_unguard();
	}
	errno = e;
	return r;
}

ssize_t
tri_ptrace_read_mem(pid_t pid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

pid_t
tri_ptrace_pick_thread(pid_t pid)
{
	struct tri_syscall sc;
	struct tri_stat st;
	struct tri_proc p;
	pid_t *tids, live = 0, blocked = 0;
	size_t n, i;

	if (tri_proc_open(&p, pid) < 0)
		return -1;
	if ((tids = tri_proc_tasks(&p, &n)) == NULL) {
		tri_proc_close(&p);
		return -1;
	}
	for (i = 0; i < n && blocked == 0; i++) {
		if (tri_proc_read_task_stat(&p, tids[i], &st) < 0 ||
		    st.state == 'Z' || st.state == 'X')
			continue;
		if (live == 0)
			live = tids[i];
		if (tri_proc_read_syscall(&p, tids[i], &sc) == 0 && sc.nr >= 0)
			blocked = tids[i];
	}
	free(tids);
	tri_proc_close(&p);
	if (blocked == 0 && live == 0) {
		errno = ESRCH;
		return -1;
	}
	return blocked ? blocked : live;
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

/* The kernel's restart codes (include/linux/errno.h; not for user space). */
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ERESTART_RESTARTBLOCK	516

/* Stopped inside a system call that the kernel restarts when resumed. */
static bool
restartable(const struct user_regs_struct *r)
{
	long rax = (long)r->rax;

	return (long)r->orig_rax >= 0 && (rax == -ERESTARTSYS ||
	    rax == -ERESTARTNOINTR || rax == -ERESTARTNOHAND ||
	    rax == -ERESTART_RESTARTBLOCK);
}

/*
 * Resume to the next syscall-stop.  On the way, a signal is taken from
 * the thread and kept for release (it must not run a handler on our
 * registers); the interrupt's event stop is passed over.
 */
static int
to_syscall_stop(struct tri_ptrace_hold *h)
{
	int status, tries;

	for (tries = 0; tries < 64; tries++) {
		if (ptrace(PTRACE_SYSCALL, h->tid, 0, 0) < 0)
			return -1;
		if (next_stop(h, &status) < 0)
			return -1;
		if (WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80))
			return 0;
		if (is_signal_stop(status))
			keep_signal(h, WSTOPSIG(status));
	}
	errno = EAGAIN;
	return -1;
}

static void
set_args(struct user_regs_struct *r, const unsigned long a[6])
{
	r->rdi = a[0];
	r->rsi = a[1];
	r->rdx = a[2];
	r->r10 = a[3];
	r->r8 = a[4];
	r->r9 = a[5];
}

/*
 * The thread restarts its own call: swap it for ours at the entry stop,
 * and at the exit stop set it up to enter its own call again (what the
 * kernel's restart does: back over the syscall instruction, the number
 * in rax).
 */
static int
inject_at_restart(struct tri_ptrace_hold *h, long nr,
    const unsigned long args[6], long *ret)
{
	struct user_regs_struct entry, r;

	if (to_syscall_stop(h) < 0 ||
	    ptrace(PTRACE_GETREGS, h->tid, 0, &entry) < 0)
		return -1;
	r = entry;
	r.orig_rax = (unsigned long)nr;
	set_args(&r, args);
	entry.rip -= 2;
	entry.rax = entry.orig_rax;
	entry.orig_rax = (unsigned long)-1;
	/* From here to the restore, the thread holds our registers. */
	if (ptrace(PTRACE_SETREGS, h->tid, 0, &r) < 0)
		return -1;
	if (to_syscall_stop(h) < 0 ||
	    ptrace(PTRACE_GETREGS, h->tid, 0, &r) < 0)
		goto fail;
	*ret = (long)r.rax;
	if (ptrace(PTRACE_SETREGS, h->tid, 0, &entry) < 0)
		goto fail;
	h->restart = true;
	return 0;
fail:
	{
		int e = errno;

		if (h->held)
			ptrace(PTRACE_SETREGS, h->tid, 0, &entry);
		errno = e;
	}
	return -1;
}

/* Run the call at a syscall instruction, then put every register back. */
static int
inject_at_site(struct tri_ptrace_hold *h, const struct user_regs_struct *saved,
    long nr, const unsigned long args[6], long *ret)
{
	struct user_regs_struct r = *saved;
	unsigned long site;

	if ((site = syscall_site(h->tid, saved)) == 0) {
		errno = ENOEXEC;
		return -1;
	}
	r.rax = (unsigned long)nr;
	set_args(&r, args);
	r.rip = site;
	/* orig_rax -1: resuming from this stop must not restart a call. */
	r.orig_rax = (unsigned long)-1;
	/* From here to the restore, the thread holds our registers. */
	if (ptrace(PTRACE_SETREGS, h->tid, 0, &r) < 0)
		return -1;
	if (to_syscall_stop(h) < 0 || to_syscall_stop(h) < 0 ||
	    ptrace(PTRACE_GETREGS, h->tid, 0, &r) < 0) {
		int e = errno;

		if (h->held)
			ptrace(PTRACE_SETREGS, h->tid, 0, saved);
		errno = e;
		return -1;
	}
	*ret = (long)r.rax;
	/* Every register back, including a pending restart of the syscall
	 * the thread was in (its orig_rax and -ERESTART* rax). */
	return (int)ptrace(PTRACE_SETREGS, h->tid, 0, saved);
}

int
tri_ptrace_inject(struct tri_ptrace_hold *h, long nr,
    const unsigned long args[6], long *ret)
{
	struct user_regs_struct saved;

	if (ptrace(PTRACE_GETREGS, h->tid, 0, &saved) < 0)
		return -1;
	if (h->restart || restartable(&saved))
		return inject_at_restart(h, nr, args, ret);
	return inject_at_site(h, &saved, nr, args, ret);
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
