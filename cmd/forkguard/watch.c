/* cmd/forkguard/watch.c - watch mode: follow process creation, find a bomb's lineage, stop it. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "forkguard.h"
#include "procconn.h"
#include "watch.h"

#define SCAN_IV		0.25	/* seconds between /proc scans without events */

static struct watch w;		/* every table, allocated once at the start */
static char outbuf[65536];

static double
mono(void)
{
	return tri_cli_now();
}

/* Our ancestors, PID 1 and ourselves: never touched. */
static void
protect_ancestors(void)
{
	struct tri_stat st;
	struct tri_proc p;
	pid_t pid = getpid();

	w.nprot = 0;
	while (pid > 0 && w.nprot < PROTECT_MAX) {
		w.prot[w.nprot++] = pid;
		if (pid == 1 || tri_proc_open(&p, pid) < 0)
			break;
		if (tri_proc_read_stat(&p, &st) < 0)
			st.ppid = 0;
		tri_proc_close(&p);
		pid = st.ppid;
	}
	if (w.nprot < PROTECT_MAX)
		w.prot[w.nprot++] = 1;
}

bool
watch_protected(pid_t pid)
{
	size_t i;

	if (pid <= 1)
		return true;
	for (i = 0; i < w.nprot; i++)
		if (w.prot[i] == pid)
			return true;
	return false;
}

bool
watch_in_scope(const struct watch *ww, pid_t pid)
{
	char path[4096];
	size_t n = strlen(ww->scope);

	if (!ww->scoped)
		return true;
	if (tri_cgroup_path(pid, "pids", path, sizeof(path)) < 0)
		return false;
	if (n == 1)
		return true;	/* "/": the whole hierarchy */
	return strncmp(path, ww->scope, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/');
}

/* --within: "self" (forkguard's own pids cgroup) or a cgroup path. */
static void
scope_open(const struct ctl *ctl)
{
	if (ctl->within == NULL)
		return;
	w.scoped = true;
	if (strcmp(ctl->within, "self") == 0) {
		if (tri_cgroup_path(getpid(), "pids", w.scope,
		    sizeof(w.scope)) < 0)
			err(TRI_EXIT_FAIL, "--within self: our pids cgroup");
	} else {
		snprintf(w.scope, sizeof(w.scope), "%s", ctl->within);
	}
	while (strlen(w.scope) > 1 && w.scope[strlen(w.scope) - 1] == '/')
		w.scope[strlen(w.scope) - 1] = '\0';
}

static int
tables_alloc(void)
{
	unsigned long long pm = 32768;

	if (tri_proc_sysctl("sys/kernel/pid_max", &pm, 1) != 1 || pm < 1024)
		pm = 32768;
	if (pm > 4194304)
		pm = 4194304;
	w.pid_max = (size_t)pm + 1;
	w.procs = calloc(w.pid_max, sizeof(*w.procs));
	w.lins = calloc(LIN_MAX, sizeof(*w.lins));
	w.seen = calloc(w.pid_max, sizeof(*w.seen));
	w.members = calloc(w.pid_max, sizeof(*w.members));
	if (!w.procs || !w.lins || !w.seen || !w.members)
		return -1;
	return 0;
}

static int
signals_open(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void
start_line(const struct ctl *ctl)
{
	struct tri_json j;

	if (!ctl->json) {
		printf("forkguard: watching process creation (%s), --max-rate "
		    "%.0f tasks/s%s\n", w.nlfd >= 0 ? "proc connector" :
		    "/proc scans", ctl->max_rate, !ctl->kill ? "" :
		    ctl->dry_run ? ", --kill --dry-run" : ", --kill");
		fflush(stdout);
		return;
	}
	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kstr(&j, "type", "start");
	tri_json_kstr(&j, "schema", SCHEMA);
	tri_json_kstr(&j, "source", w.nlfd >= 0 ? "proc connector" : "scan");
	tri_json_kdouble(&j, "max_rate", ctl->max_rate);
	tri_json_kbool(&j, "kill", ctl->kill);
	tri_json_kbool(&j, "dry_run", ctl->dry_run);
	tri_json_obj_end(&j);
	tri_json_end(&j);
	fflush(stdout);
}

/* The quarantine for --kill: pids.max 0, so nothing in it can fork. */
static void
quarantine_open(const struct ctl *ctl)
{
	char name[64];

	w.have_q = false;
	if (!ctl->kill || ctl->dry_run)
		return;
	snprintf(name, sizeof(name), "forkguard-quarantine-%d", (int)getpid());
	if (tri_cgroup_fence_create(&w.q, name, TRI_FENCE_AUTO) < 0) {
		warn("no quarantine cgroup (a bomb will be stopped one process "
		    "at a time)");
		return;
	}
	if (tri_cgroup_fence_set_max(&w.q, 0) < 0) {
		warn("quarantine pids.max");
		tri_cgroup_fence_remove(&w.q);
		return;
	}
	w.have_q = true;
}

static bool
drain_signals(int sfd)
{
	struct signalfd_siginfo si;
	bool got = false;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		got = true;
	return got;
}

int
watch_mode(const struct ctl *ctl)
{
	struct pollfd pfd[2];
	double next_scan = 0;
	const char *scan_env;
	int sfd, timeout;

	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	if (tables_alloc() < 0)
		err(TRI_EXIT_FAIL, "allocating the process tables");
	protect_ancestors();
	w.ctl = ctl;
	scope_open(ctl);
	w.nlfd = -1;
	scan_env = getenv("FORKGUARD_SCAN");
	if ((scan_env == NULL || *scan_env == '\0') &&
	    (w.nlfd = tri_procconn_open(1 << 22)) < 0)
		warn("proc connector (older kernels need CAP_NET_ADMIN); "
		    "scanning /proc instead");
	if (w.nlfd >= 0)
		fcntl(w.nlfd, F_SETFL, O_NONBLOCK);
	/* A bomb's hundreds of runnable tasks must not starve the watcher. */
	setpriority(PRIO_PROCESS, 0, -10);
	quarantine_open(ctl);
	if ((sfd = signals_open()) < 0)
		err(TRI_EXIT_FAIL, "signalfd");
	/* From here on nothing is allocated; a full pid space cannot stop us. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		warn("mlockall (needs CAP_IPC_LOCK); memory may be paged out");
	scan_proc(&w, mono(), true);
	start_line(ctl);
	pfd[0] = (struct pollfd){ sfd, POLLIN, 0 };
	pfd[1] = (struct pollfd){ w.nlfd, POLLIN, 0 };
	while (!(ctl->count && w.bombs >= ctl->count)) {
		timeout = (int)((ctl->interval > 0 ? ctl->interval : SCAN_IV) *
		    1000);
		if (poll(pfd, w.nlfd >= 0 ? 2 : 1, timeout) < 0 &&
		    errno != EINTR)
			break;
		if (drain_signals(sfd))
			break;
		track_drain(&w, mono());
		if (w.nlfd < 0 || w.lost || mono() >= next_scan) {
			/* Without events a scan finds the forks; with them it
			 * only corrects what was lost. */
			scan_proc(&w, mono(), w.nlfd < 0 || w.lost);
			w.lost = false;
			next_scan = mono() + (w.nlfd >= 0 ? 2.0 : 0);
		}
		judge(&w, mono());
	}
	tri_procconn_close(w.nlfd);
	if (w.have_q)
		tri_cgroup_fence_remove(&w.q);
	fflush(stdout);
	return w.bombs > 0 ? TRI_EXIT_FOUND : TRI_EXIT_OK;
}
