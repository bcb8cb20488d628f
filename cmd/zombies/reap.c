/* cmd/zombies/reap.c - --reap: SIGCHLD, then wait4 inside the parent. */
#include <err.h>
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "fmt.h"
#include "ptrace.h"
#include "zombies.h"

#define SIGCHLD_GRACE	0.2	/* seconds a parent gets to answer SIGCHLD */

/* What happened to one zombie. */
struct result {
	struct zomb	 z;
	const char	*result;	/* reaped, refused, would-reap, left, gone */
	const char	*via;		/* sigchld, wait4, - */
	char		 note[128];
};

struct reap {
	const struct ctl *ctl;
	struct result	*r;
	size_t		 n;
	int		 fail_errno;	/* set: stop with an error */
	pid_t		 fail_pid;
};

static struct result *
add(struct reap *rp, const struct zomb *z, const char *result,
    const char *via, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct result *
add(struct reap *rp, const struct zomb *z, const char *result,
    const char *via, const char *fmt, ...)
{
	struct result *r = &rp->r[rp->n++];
	va_list ap;

	r->z = *z;
	r->result = result;
	r->via = via;
	va_start(ap, fmt);
	vsnprintf(r->note, sizeof(r->note), fmt, ap);
	va_end(ap);
	return r;
}

static bool
is_traced(const struct tri_zparent *par)
{
	return par->state == 't' || (par->have_status &&
	    par->st.tracerpid > 0);
}

/* Why a parent must not be touched, or NULL. */
static const char *
parent_refusal(const struct ctl *ctl, const struct tri_zparent *par, char *buf,
    size_t size)
{
	if ((par->pid == 1 || par->container_init) && !ctl->force)
		return par->pid == 1 ? "parent is PID 1 (use --force)" :
		    "parent is PID 1 of a container (use --force)";
	if (ctl->force_held)
		return NULL;	/* -F: held_warning() says what it means */
	if (par->state == 'T')
		return "parent is stopped (state T); kill -CONT it first, or"
		    " use --force-held";
	if (is_traced(par)) {
		snprintf(buf, size, "parent is already traced by pid %d; use"
		    " --force-held", par->have_status ?
		    (int)par->st.tracerpid : 0);
		return buf;
	}
	return NULL;
}

/*
 * -F (preap -F): a stopped parent is seized all the same (ptrace works on
 * a stopped process) and put back in its stop; a traced one cannot be
 * seized (one tracer per process), so it gets SIGCHLD, which its tracer
 * passes on when it resumes it, and its zombies are left otherwise.  One
 * warning line on stderr says so before anything is done.
 */
static void
held_warning(const struct ctl *ctl, const struct tri_zparent *par)
{
	if (!ctl->force_held || ctl->dry_run)
		return;
	if (is_traced(par))
		warnx("warning: parent %d is traced by pid %d: --force-held"
		    " sends SIGCHLD only; a second tracer cannot inject wait4",
		    (int)par->pid, par->have_status ?
		    (int)par->st.tracerpid : 0);
	else if (par->state == 'T')
		warnx("warning: parent %d is stopped: --force-held seizes it"
		    " anyway and leaves it stopped", (int)par->pid);
}

/* A stopped parent whose stop the reap ended is stopped again. */
static void
restop(const struct tri_zparent *par, const struct tri_proc *pp)
{
	struct tri_stat st;

	if (par->state == 'T' && tri_proc_read_stat(pp, &st) == 0 &&
	    st.state != 'T' && st.state != 't')
		kill(pp->pid, SIGSTOP);
}

/* Send SIGCHLD through a pidfd, so a reused pid cannot get it. */
static int
send_sigchld(const struct tri_proc *pp)
{
	int fd, r, e;

	if ((fd = (int)syscall(SYS_pidfd_open, pp->pid, 0)) < 0) {
		/* Kernels before 5.3 (and valgrind) lack pidfds: the handle
		 * check right before kill() is the next best guard. */
		if (errno != ENOSYS || tri_proc_check(pp) < 0)
			return -1;
		return kill(pp->pid, SIGCHLD);
	}
	/* The pidfd is ours only if the handle still names the process. */
	if (tri_proc_check(pp) < 0)
		r = -1;
	else
		r = (int)syscall(SYS_pidfd_send_signal, fd, SIGCHLD, NULL, 0);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

/*
 * Whether SIGCHLD can make the parent reap: it catches it, or blocks it
 * (signalfd, sigwait).  With the default disposition the signal does
 * nothing, and the grace would only hold the reap up.
 */
static bool
answers_sigchld(const struct tri_zparent *par)
{
	uint64_t bit = 1ULL << (SIGCHLD - 1);

	return !par->have_status || (par->st.sigcgt & bit) ||
	    (par->st.sigblk & bit);
}

/* Wait up to SIGCHLD_GRACE for the parent to collect the zombies itself. */
static void
after_sigchld(struct reap *rp, const struct tri_proc *pp, struct zomb **pending,
    size_t *n)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	double end = tri_cli_now() + SIGCHLD_GRACE;
	size_t i, left;

	do {
		nanosleep(&ts, NULL);
		for (i = left = 0; i < *n; i++)
			if (pending[i] != NULL && zomb_still(pending[i]))
				left++;
	} while (left > 0 && tri_cli_now() < end && !tri_ptrace_interrupted());
	for (i = 0; i < *n; i++) {
		if (pending[i] == NULL || zomb_still(pending[i]))
			continue;
		if (tri_proc_check(pp) < 0)
			add(rp, pending[i], "gone", "-", "parent exited during "
			    "the reap; init reaps it");
		else
			add(rp, pending[i], "reaped", "sigchld",
			    "the parent reaped it after SIGCHLD");
		pending[i] = NULL;
	}
}

/*
 * The zombie's pid as its parent sees it: in the parent's PID namespace
 * (level levels deep, 1 for the initial one) it has another number.
 */
static pid_t
pid_for_parent(const struct zomb *z, int level)
{
	struct tri_status st;
	struct tri_proc p;
	pid_t pid = z->pid;

	if (level <= 1 || tri_proc_open(&p, z->pid) < 0)
		return pid;
	if (p.starttime == z->start && tri_proc_read_status(&p, &st) == 0 &&
	    st.nspid_n >= level)
		pid = st.nspid[level - 1];
	tri_proc_close(&p);
	return pid;
}

/* Reap one zombie with wait4(pid, NULL, WNOHANG, NULL) inside h. */
static int
inject_wait(struct reap *rp, struct tri_ptrace_hold *h, struct zomb *z,
    int level)
{
	pid_t pid = pid_for_parent(z, level);
	unsigned long args[6] = { (unsigned long)pid, 0, WNOHANG, 0, 0, 0 };
	long ret;

	if (!zomb_still(z)) {
		add(rp, z, "gone", "-", "no longer a zombie");
		return 0;
	}
	if (tri_ptrace_inject(h, __NR_wait4, args, &ret) < 0)
		return -1;
	if (ret == pid)
		add(rp, z, "reaped", "wait4", "wait4 injected into thread %d",
		    (int)h->tid);
	else if (ret == 0)
		add(rp, z, "left", "wait4", "wait4 found it not yet waitable");
	else
		add(rp, z, "left", "wait4", "wait4 failed in the parent: %s",
		    strerror((int)-ret));
	return 0;
}

/*
 * Step 2: hold a thread of the parent (one blocked in a call if there is
 * one: lib/ptrace) and reap inside it.  An interrupt stops it between two
 * zombies; the ones not reached are left.
 */
static void
reap_ptrace(struct reap *rp, const struct tri_proc *pp, int level,
    struct zomb **pending, size_t n)
{
	struct tri_ptrace_hold h = { 0 };
	size_t i;
	pid_t tid;
	int e = 0;

	if ((tid = tri_ptrace_pick_thread(pp->pid)) < 0 ||
	    tri_ptrace_hold(&h, tid, 0) < 0) {
		e = errno;
		if (e == EPERM || e == EACCES) {
			rp->fail_errno = e;
			rp->fail_pid = pp->pid;
			return;
		}
	} else if (tri_proc_check(pp) < 0) {
		/* The pid now names another process: leave it alone. */
		tri_ptrace_release(&h);
		e = ESRCH;
	}
	for (i = 0; e == 0 && i < n && !tri_ptrace_interrupted(); i++)
		if (pending[i] && inject_wait(rp, &h, pending[i], level) == 0)
			pending[i] = NULL;
		else if (pending[i])
			e = errno;
	if (e == 0 || h.held)
		tri_ptrace_release(&h);
	for (i = 0; i < n; i++)
		if (pending[i] != NULL && e == 0)
			add(rp, pending[i], "left", "-", "interrupted");
		else if (pending[i] != NULL)
			add(rp, pending[i], "gone", "-", e == ESRCH ?
			    "parent exited during the reap; init reaps it" :
			    "wait4 injection failed: %s", strerror(e));
}

/* -F on a traced parent: what SIGCHLD did not reap stays. */
static void
left_traced(struct reap *rp, const struct tri_zparent *par,
    struct zomb **pending, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pending[i] != NULL)
			add(rp, pending[i], "left", "sigchld", "parent traced by"
			    " %d: SIGCHLD sent, no wait4 (one tracer only)",
			    par->have_status ? (int)par->st.tracerpid : 0);
}

/* Sort the parent's zombies into refused and to-do. */
static size_t
eligible(struct reap *rp, struct scan *s, const struct tri_zparent *par,
    struct zomb **pending)
{
	const char *why;
	char buf[96], a[32];
	size_t i, n = 0;
	int old;

	why = parent_refusal(rp->ctl, par, buf, sizeof(buf));
	for (i = 0; i < s->nz; i++) {
		if (s->z[i].ppid != par->pid)
			continue;
		old = zomb_is_old(rp->ctl, &s->z[i]);
		if (why != NULL)
			add(rp, &s->z[i], "refused", "-", "%s", why);
		else if (old <= 0)
			add(rp, &s->z[i], "refused", "-", "dead for %s, "
			    "under --min-age %gs", old < 0 ? "an unknown time" :
			    tri_fmt_duration(s->z[i].age, a, sizeof(a)),
			    rp->ctl->min_age);
		else
			pending[n++] = &s->z[i];
	}
	return n;
}

static void
reap_parent(struct reap *rp, struct scan *s, const struct tri_zparent *par,
    struct zomb **pending)
{
	struct tri_proc pp;
	size_t n = eligible(rp, s, par, pending), i;

	if (n == 0)
		return;
	held_warning(rp->ctl, par);
	if (tri_ptrace_interrupted()) {
		for (i = 0; i < n; i++)
			add(rp, pending[i], "left", "-", "interrupted");
		return;
	}
	if (par->gone || tri_proc_open(&pp, par->pid) < 0 ||
	    pp.starttime != par->start) {
		if (!par->gone)
			tri_proc_close(&pp);
		for (i = 0; i < n; i++)
			add(rp, pending[i], "gone", "-", "parent exited; init "
			    "reaps it");
		return;
	}
	if (rp->ctl->dry_run) {
		for (i = 0; i < n; i++)
			add(rp, pending[i], "would-reap", "sigchld,wait4",
			    "SIGCHLD to %d, then wait4 injected", (int)par->pid);
	} else if (send_sigchld(&pp) == 0 || errno != ESRCH) {
		/* Without CAP_KILL the ptrace step says what is missing. */
		if (answers_sigchld(par))
			after_sigchld(rp, &pp, pending, &n);
		if (tri_ptrace_interrupted())
			for (i = 0; i < n; i++)
				if (pending[i] != NULL)
					add(rp, pending[i], "left", "-",
					    "interrupted");
		if (!tri_ptrace_interrupted() && is_traced(par))
			left_traced(rp, par, pending, n);
		else if (!tri_ptrace_interrupted())
			reap_ptrace(rp, &pp, par->have_status ?
			    par->st.nspid_n : 1, pending, n);
		restop(par, &pp);
	} else {
		for (i = 0; i < n; i++)
			add(rp, pending[i], "gone", "-", "parent exited during "
			    "the reap; init reaps it");
	}
	tri_proc_close(&pp);
}

static void
print_text(const struct ctl *ctl, const struct reap *rp)
{
	struct tri_table t;
	char st[96];
	size_t i, reaped = 0, via_sig = 0;

	tri_table_init(&t);
	tri_table_col(&t, "PID", TRI_RIGHT);
	tri_table_col(&t, "PPID", TRI_RIGHT);
	tri_table_col(&t, "RESULT", TRI_LEFT);
	tri_table_col(&t, "VIA", TRI_LEFT);
	tri_table_col(&t, "STATUS", TRI_LEFT);
	tri_table_col(&t, "NOTE", TRI_LEFT);
	tri_table_col(&t, "NAME", TRI_LEFT);
	for (i = 0; i < rp->n; i++) {
		tri_table_cellf(&t, "%d", (int)rp->r[i].z.pid);
		tri_table_cellf(&t, "%d", (int)rp->r[i].z.ppid);
		tri_table_cell_raw(&t, rp->r[i].result);
		tri_table_cell_raw(&t, rp->r[i].via);
		tri_table_cell_raw(&t, fmt_status(&rp->r[i].z, st, sizeof(st)));
		tri_table_cell_raw(&t, rp->r[i].note);
		tri_table_cell(&t, rp->r[i].z.comm, strlen(rp->r[i].z.comm));
		reaped += strcmp(rp->r[i].result, ctl->dry_run ?
		    "would-reap" : "reaped") == 0;
		via_sig += strcmp(rp->r[i].via, "sigchld") == 0;
	}
	if (rp->n > 0)
		zombies_print_table(ctl, &t, NULL, ctl->header);
	tri_table_free(&t);
	if (ctl->dry_run)
		printf("dry run: would reap %zu of %zu zombies\n", reaped,
		    rp->n);
	else
		printf("reaped %zu of %zu zombies (%zu by SIGCHLD, %zu by "
		    "wait4)\n", reaped, rp->n, via_sig, reaped - via_sig);
}

static void
print_json(const struct reap *rp)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "zombies");
	tri_json_key(&j, "reap");
	tri_json_arr_begin(&j);
	for (i = 0; i < rp->n; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", rp->r[i].z.pid);
		tri_json_kint(&j, "ppid", rp->r[i].z.ppid);
		tri_json_kstr(&j, "comm", rp->r[i].z.comm);
		tri_json_kstr(&j, "result", rp->r[i].result);
		tri_json_kstr(&j, "via", rp->r[i].via);
		tri_json_kint_or_null(&j, "exit_code", rp->r[i].z.have_status,
		    rp->r[i].z.status);
		tri_json_kstr(&j, "note", rp->r[i].note);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

/*
 * Reap every zombie in scope, parent by parent.  Returns the exit status:
 * 0 all reaped (or nothing to do), 1 some refused or left, 2 failure.
 */
int
reap_run(const struct ctl *ctl, struct scan *s)
{
	struct reap rp = { .ctl = ctl };
	struct zomb **pending;
	size_t i;
	int rc = TRI_EXIT_OK, sig;

	/* Each zombie gets at most one result line. */
	rp.r = calloc(s->nz + 1, sizeof(*rp.r));
	pending = calloc(s->nz + 1, sizeof(*pending));
	if (rp.r == NULL || pending == NULL)
		err(TRI_EXIT_FAIL, "reap");
	scan_age_fallback(ctl, s);
	/* Guarded from the first parent to the last (lib/ptrace): a ^C
	 * ends the reap between two zombies, never inside a parent. */
	tri_ptrace_guard();
	for (i = 0; i < s->np && rp.fail_errno == 0; i++)
		reap_parent(&rp, s, &s->p[i], pending);
	/* What was reaped is said and flushed while still guarded, so a
	 * signal that comes now cannot lose it in stdout's buffer. */
	if (rp.fail_errno == 0) {
		if (ctl->json)
			print_json(&rp);
		else
			print_text(ctl, &rp);
		fflush(stdout);
	}
	sig = tri_ptrace_unguard();
	if (rp.fail_errno != 0) {
		errno = rp.fail_errno;
		fflush(stdout);
		errx(TRI_EXIT_FAIL, "pid %d: ptrace: %s (%s)", (int)rp.fail_pid,
		    strerror(rp.fail_errno), tri_caps_hint(CAP_SYS_PTRACE));
	}
	for (i = 0; i < rp.n; i++)
		if (strcmp(rp.r[i].result, "reaped") != 0 &&
		    strcmp(rp.r[i].result, "would-reap") != 0 &&
		    strcmp(rp.r[i].result, "gone") != 0)
			rc = TRI_EXIT_FOUND;
	free(rp.r);
	free(pending);
	if (sig != 0) {
		warnx("interrupted by SIG%s: the zombies above are all that "
		    "was done", sigabbrev_np(sig));
		return 128 + sig;
	}
	return rc;
}
