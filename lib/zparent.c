/* lib/zparent.c - a parent that leaves zombies: its facts, and the verdict. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgroup.h"
#include "exe.h"
#include "proc.h"
#include "sig.h"
#include "zparent.h"

/*
 * The first cause that explains the zombies, most certain first.  A Go
 * runtime catches SIGCHLD, so Go is tested before the signal
 * dispositions.
 */
void
tri_zparent_verdict(struct tri_zparent *par)
{
	uint64_t bit = TRI_SIG_BIT(SIGCHLD);
	const char *v, *f;

	if (par->gone) {
		v = "exited: its zombies pass to init or a subreaper";
		f = "none needed; init reaps them";
	} else if (par->state == 'T') {
		v = "is stopped (state T), so it cannot run its wait()";
		f = "continue it: kill -CONT PID";
	} else if (par->state == 't' || (par->have_status &&
	    par->st.tracerpid > 0)) {
		v = "is held by a tracer (TracerPid set) and cannot wait()";
		f = "detach the debugger or tracer from it";
	} else if (par->container_init) {
		v = "is PID 1 of a container and does not reap adopted children";
		f = "run the container with an init (docker run --init, tini)";
	} else if (par->go) {
		v = "is a Go program: exec.Cmd.Start() without Wait()";
		f = "call cmd.Wait() (or Process.Wait()) for every Start()";
	} else if (par->have_status && (par->st.sigign & bit)) {
		v = "ignores SIGCHLD now, but these children died before that";
		f = "reap them once: zombies --reap -p PID";
	} else if (par->sysnr == 61 || par->sysnr == 247) {
		v = "is in wait() for another child, not for these";
		f = "wait for any child (waitpid(-1, ...)), not one pid";
	} else if (par->have_status && (par->st.sigblk & bit)) {
		v = "blocks SIGCHLD and never collects these children";
		f = "call waitpid(-1, &st, WNOHANG) after each SIGCHLD read "
		    "from its signalfd/sigwait loop";
	} else if (par->have_status && (par->st.sigcgt & bit)) {
		v = "catches SIGCHLD but its handler does not wait()";
		f = "loop waitpid(-1, &st, WNOHANG) until 0 in the SIGCHLD "
		    "handler";
	} else {
		v = "never calls wait() for its children (SIGCHLD default)";
		f = "waitpid() each child, or set SIGCHLD to SIG_IGN when "
		    "statuses are not needed";
	}
	snprintf(par->verdict, sizeof(par->verdict), "%s", v);
	snprintf(par->fix, sizeof(par->fix), "%s", f);
}

/* The pids.max that binds the parent's cgroup, if any. */
static void
parent_cgroup(struct tri_zparent *par)
{
	char dir[512];
	uint64_t lim, cur;

	if (tri_cgroup_dir(par->pid, "pids", dir, sizeof(dir), NULL) < 0 ||
	    tri_cgroup_limit(dir, "pids.max", &lim, par->cg_at,
	    sizeof(par->cg_at)) < 0 || lim == TRI_CGROUP_MAX)
		return;
	if (tri_cgroup_read_u64(par->cg_at, "pids.current", &cur) < 0)
		return;
	par->cg_limited = true;
	par->pids_max = lim;
	par->pids_cur = cur;
}

/* What the parent is doing: its wait channel and system call. */
static void
parent_activity(struct tri_zparent *par, const struct tri_proc *p)
{
	struct tri_syscall sc;

	if (tri_proc_read_wchan(p, 0, par->wchan, sizeof(par->wchan)) < 0)
		par->wchan[0] = '\0';
	if (tri_proc_read_syscall(p, 0, &sc) < 0)
		return;
	par->sysnr = sc.nr;
	if (sc.nr == TRI_SYSCALL_RUNNING)
		snprintf(par->syscall, sizeof(par->syscall), "running");
	else if (sc.nr == TRI_SYSCALL_NONE)
		snprintf(par->syscall, sizeof(par->syscall), "none");
	else
		tri_proc_syscall_name(sc.nr, par->syscall,
		    sizeof(par->syscall));
}

int
tri_zparent_diagnose(struct tri_zparent *par)
{
	struct tri_proc p;

	if (par->gone || tri_proc_open(&p, par->pid) < 0 ||
	    p.starttime != par->start) {
		if (!par->gone)
			tri_proc_close(&p);
		par->gone = true;
		tri_zparent_verdict(par);
		return 0;
	}
	if (tri_proc_read_status(&p, &par->st) == 0) {
		par->have_status = true;
		par->state = par->st.state;
		par->container_init = par->st.nspid_n > 1 &&
		    par->st.nspid[par->st.nspid_n - 1] == 1;
	}
	par->cmdline = tri_proc_read_cmdline(&p, &par->cmdline_len);
	parent_activity(par, &p);
	if (tri_exe_is_go(&p, &par->go, par->go_version,
	    sizeof(par->go_version)) < 0)
		par->go = false;
	parent_cgroup(par);
	if (tri_proc_check(&p) < 0)
		par->gone = true;
	tri_proc_close(&p);
	tri_zparent_verdict(par);
	return 0;
}

void
tri_zparent_free(struct tri_zparent *par)
{
	free(par->cmdline);
	par->cmdline = NULL;
	par->cmdline_len = 0;
}
