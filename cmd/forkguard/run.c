/* cmd/forkguard/run.c - run mode: the command in its fence, sampled until it ends or bombs. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "forkguard.h"

#define RUN_INTERVAL	0.01	/* a cgroup read per sample is cheap */
#define SCAN_INTERVAL	0.05	/* without a cgroup each sample scans /proc */

struct run {
	const struct ctl	*ctl;
	struct tri_cgroup_fence	 f;
	bool			 fenced;
	struct child		 c;
	struct detector		 d;
	struct lineage		 lin;
	struct contained	 con;
	bool			 bomb, contained;
	double			 t_detect;
	int			 sig;
	int			 sfd;
};

static double t_start;

/* Seconds since the command started. */
static double
since(void)
{
	return tri_cli_now() - t_start;
}

/* /proc/stat "processes": forks since boot, machine-wide. */
static uint64_t
machine_forks(void)
{
	static char buf[65536];
	char path[64], *s;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/stat", tri_proc_root());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((s = strstr(buf, "\nprocesses ")) == NULL)
		return 0;
	return strtoull(s + 11, NULL, 10);
}

static void
take(struct run *r, struct sample *s)
{
	struct tri_cgroup_pids p;

	memset(s, 0, sizeof(*s));
	s->t = since();
	s->forks = machine_forks();
	if (!r->fenced) {
		s->tasks = fallback_count(getpid());
	} else if (tri_cgroup_fence_read(&r->f, &p) == 0) {
		s->tasks = p.current;
		s->refused = p.events_max;
	}
}

/* Block the signals we wait for; they arrive on a signalfd. */
static int
signals_open(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Wait one interval; note a terminating signal. */
static void
wait_tick(struct run *r, double interval)
{
	struct pollfd pfd = { r->sfd, POLLIN, 0 };
	struct signalfd_siginfo si;

	if (poll(&pfd, 1, (int)(interval * 1000 + 0.5)) <= 0)
		return;
	while (read(r->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD && r->sig == 0)
			r->sig = (int)si.ssi_signo;
}

static void
stop_it(struct run *r, bool kill_it)
{
	if (r->fenced)
		contain(&r->f, &r->c, r->t_detect, since, &r->lin, &r->con,
		    kill_it);
	else
		fallback_contain(getpid(), &r->c, r->t_detect, since, &r->lin,
		    &r->con);
	r->contained = kill_it;
}

/* Sample until the command and everything it left are gone, or a bomb. */
static void
supervise(struct run *r)
{
	const struct ctl *ctl = r->ctl;
	double iv = ctl->interval > 0 ? ctl->interval : r->fenced ?
	    RUN_INTERVAL : SCAN_INTERVAL;
	struct sample s;

	for (;;) {
		reap(&r->c);
		take(r, &s);
		if (!r->bomb && detect_feed(&r->d, &s)) {
			r->bomb = true;
			r->t_detect = s.t;
			if (ctl->action != ACT_REPORT) {
				stop_it(r, ctl->action == ACT_KILL);
				return;
			}
			warnx("bomb detected after %.2f s: %s (--action report: "
			    "left running)", s.t, r->d.why);
		}
		if (r->sig) {
			r->t_detect = s.t;
			stop_it(r, true);
			return;
		}
		if (r->c.reaped && s.tasks == 0)
			return;
		wait_tick(r, iv);
	}
}

static int
finish(struct run *r, FILE *out)
{
	struct tri_cgroup_pids p;
	struct run_report rr;

	memset(&rr, 0, sizeof(rr));
	rr.ctl = r->ctl;
	rr.fence = r->fenced ? &r->f : NULL;
	rr.det = &r->d;
	rr.child = &r->c;
	rr.bomb = r->bomb;
	rr.t_detect = r->t_detect;
	rr.t_end = since();
	rr.t0 = t_start;
	rr.peak = r->d.peak;
	if (r->fenced && tri_cgroup_fence_read(&r->f, &p) == 0 && p.has_peak) {
		rr.has_peak = true;
		rr.peak = p.peak;
	}
	rr.lin = r->bomb || r->sig ? &r->lin : NULL;
	rr.con = r->bomb || r->sig ? &r->con : NULL;
	rr.signal = r->sig;
	if (r->bomb)
		rr.exit_status = TRI_EXIT_FOUND;
	else if (r->sig)
		rr.exit_status = 128 + r->sig;
	else
		rr.exit_status = child_exit(&r->c);
	report_run(out, &rr);
	if (r->fenced && !(r->bomb && r->ctl->action == ACT_FREEZE))
		fence_close(&r->f, &r->c);
	return rr.exit_status;
}

int
run_mode(const struct ctl *ctl)
{
	static struct run r;
	FILE *out = stderr;
	int sp;

	r.ctl = ctl;
	if (ctl->output && (out = tri_cli_fopen_out(ctl->output)) == NULL)
		err(TRI_EXIT_FAIL, "%s", ctl->output);
	r.fenced = ctl->fence != FP_NONE && fence_open(ctl, &r.f) == 0;
	if (!r.fenced)
		fallback_warn(ctl->fence == FP_NONE ? "--fence=none" :
		    "see above");
	/* Orphans of the command come to us: we reap them, they stay ours. */
	prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
	if ((r.sfd = signals_open()) < 0)
		err(TRI_EXIT_FAIL, "signalfd");
	detect_init(&r.d, ctl->max_rate);
	if (!r.fenced)
		r.d.cap = ctl->max_procs;	/* nothing enforces it: act on it */
	t_start = tri_cli_now();
	if ((sp = spawn(ctl, r.fenced ? &r.f : NULL, r.fenced ? 0 :
	    fallback_nproc(ctl), &r.c)) < 0) {
		if (sp == -1)
			warn("fork");
		r.sig = SIGTERM;	/* nothing ran: clean up, then fail */
		stop_it(&r, true);
		if (r.fenced)
			fence_close(&r.f, &r.c);
		return TRI_EXIT_FAIL;
	}
	supervise(&r);
	return finish(&r, out);
}
