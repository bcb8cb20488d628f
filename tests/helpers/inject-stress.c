/* tests/helpers/inject-stress.c - interrupt fdleak --close or zombies --reap at random moments and check the target.
 *
 * inject-stress -m close|reap -b BINDIR -t TARGET -n TRIALS -s SIG[,SIG...]
 *               [-B] [-r SEED] [-d DIR]
 *
 * Starts TARGET (tests/helpers/inject-target) with -f or -z, then runs
 * TRIALS times "BINDIR/fdleak --close FD -p PID" (FD 100, 101, ...) or
 * "BINDIR/zombies -r -m 0 -p PID", each killed with one of the SIGs
 * (in turn) after a delay drawn uniformly from 0 to the command's own
 * run time (the longest of three uninterrupted runs).  -B makes the
 * target's main thread busy instead of blocked in read().
 *
 * After each trial the target must be alive, no task of it in t or T,
 * TracerPid 0 in every task, every compute counter advancing, no check
 * failed; for close, the fd must be open exactly when the command did
 * not report it closed.  A failed trial prints "trial N harmed the
 * target: why" (no "FAIL": a CI log viewer that looks for it would show
 * these tolerated SIGKILL harms instead of the real failure) and,
 * under SIGKILL (where the tool cannot clean up), the target is replaced
 * and the run goes on.  Last line:
 *   "trials N survived S died D corrupt C stopped T traced R misreported M"
 * and the exit status is 0 only when every trial passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct status {
	uint64_t	 progress[8];
	uint64_t	 bad;
};

struct opts {
	const char	*mode, *bindir, *target, *dir;
	int		 trials, nsigs, sigs[8];
	bool		 busy;
	unsigned	 seed;
};

struct target {
	pid_t		 pid;
	char		 file[512];
	struct status	*st;
	int		 ncounters;
};

struct tally {
	int	 survived, died, corrupt, stopped, traced, misreported;
	int	 exits[256];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int
sig_named(const char *s)
{
	static const struct { const char *n; int sig; } t[] = {
		{ "INT", SIGINT }, { "TERM", SIGTERM }, { "HUP", SIGHUP },
		{ "QUIT", SIGQUIT }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].n) == 0)
			return t[i].sig;
	return -1;
}

/* Start the target and map its status file. */
static int
target_start(const struct opts *o, struct target *t, int gen)
{
	char line[64], *argv[8];
	int p[2], fd, argc = 0;
	FILE *f;

	snprintf(t->file, sizeof(t->file), "%s/status.%d", o->dir, gen);
	argv[argc++] = (char *)o->target;
	argv[argc++] = t->file;
	argv[argc++] = strcmp(o->mode, "close") == 0 ? "-f" : "-z";
	argv[argc++] = strcmp(o->mode, "close") == 0 ? "4000" : "8";
	if (o->busy)
		argv[argc++] = "-b";
	argv[argc] = NULL;
	if (pipe(p) < 0)
		return -1;
	if ((t->pid = fork()) == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL ||
	    strncmp(line, "ready ", 6) != 0) {
		fprintf(stderr, "inject-stress: target did not start\n");
		return -1;
	}
	fclose(f);
	if ((fd = open(t->file, O_RDONLY)) < 0)
		return -1;
	t->st = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	t->ncounters = o->busy ? 4 : 3;
	return t->st == MAP_FAILED ? -1 : 0;
}

static void
target_stop(struct target *t)
{
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
	munmap(t->st, 4096);
	unlink(t->file);
}

/* Run the command once; returns its wait status, *out its output. */
static int
run_tool(const struct opts *o, const struct target *t, int fd, int sig,
    double delay, char *out, size_t outsz)
{
	char bin[512], pidarg[32], fdarg[32];
	int p[2], status;
	ssize_t n, len = 0;
	pid_t c;

	snprintf(pidarg, sizeof(pidarg), "%d", (int)t->pid);
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	if (pipe(p) < 0)
		return -1;
	if ((c = fork()) == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (strcmp(o->mode, "close") == 0) {
			snprintf(bin, sizeof(bin), "%s/fdleak", o->bindir);
			execl(bin, "fdleak", "--close", fdarg, "-p", pidarg,
			    (char *)NULL);
		} else {
			snprintf(bin, sizeof(bin), "%s/zombies", o->bindir);
			execl(bin, "zombies", "-r", "-m", "0", "-p", pidarg,
			    (char *)NULL);
		}
		_exit(127);
	}
	close(p[1]);
	if (sig > 0) {
		sleep_s(delay);
		kill(c, sig);
	}
	while ((n = read(p[0], out + len, outsz - 1 - (size_t)len)) > 0)
		len += n;
	out[len] = '\0';
	close(p[0]);
	while (waitpid(c, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Count the tasks of pid in state t or T, and those with a tracer. */
static void
task_states(pid_t pid, int *stopped, int *traced)
{
	char path[320], buf[4096], *s;
	struct dirent *d;
	DIR *dir;
	FILE *f;

	*stopped = *traced = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status",
		    (int)pid, d->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(buf, sizeof(buf), f)) {
			if (strncmp(buf, "State:", 6) == 0) {
				for (s = buf + 6; *s == ' ' || *s == '\t'; s++)
					;
				*stopped += *s == 't' || *s == 'T';
			}
			if (strncmp(buf, "TracerPid:", 10) == 0)
				*traced += atoi(buf + 10) != 0;
		}
		fclose(f);
	}
	closedir(dir);
}

static bool
fd_open(pid_t pid, int fd)
{
	char path[128];
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	return lstat(path, &sb) == 0;
}

/* Every compute counter moves within 5 s (a loaded machine can starve a thread for a while). */
static bool
advancing(const struct target *t)
{
	uint64_t before[8];
	double end = now() + 5.0;
	int i, moved;

	for (i = 0; i < t->ncounters; i++)
		before[i] = __atomic_load_n(&t->st->progress[i],
		    __ATOMIC_RELAXED);
	do {
		sleep_s(0.002);
		for (i = moved = 0; i < t->ncounters; i++)
			moved += __atomic_load_n(&t->st->progress[i],
			    __ATOMIC_RELAXED) != before[i];
	} while (moved < t->ncounters && now() < end);
	return moved == t->ncounters;
}

/* Check the target after one trial; a reason on failure, else NULL. */
static const char *
check(const struct opts *o, struct target *t, struct tally *y, int fd,
    int sig, const char *out)
{
	int stopped = 0, traced = 0, status;
	double end = now() + 0.1;

	if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
		y->died++;
		t->pid = -1;
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGTRAP ?
		    "target died of SIGTRAP" : "target died";
	}
	if (__atomic_load_n(&t->st->bad, __ATOMIC_SEQ_CST) != 0) {
		y->corrupt++;
		return t->st->bad == 3 ? "target's blocked read() returned" :
		    "target's registers or memory changed";
	}
	/* A detach wakes the tracee at once; allow the wake-up to land. */
	do
		task_states(t->pid, &stopped, &traced);
	while ((stopped || traced) && now() < end && (sleep_s(0.001), 1));
	if (stopped) {
		y->stopped++;
		return "a task of the target is stopped (t or T)";
	}
	if (traced) {
		y->traced++;
		return "a task of the target is still traced";
	}
	if (!advancing(t)) {
		static char buf[96];

		if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
			y->died++;
			t->pid = -1;
			snprintf(buf, sizeof(buf), "target died (%s)",
			    WIFSIGNALED(status) ? sigdescr_np(WTERMSIG(status)) :
			    "exited");
			return buf;
		}
		y->stopped++;
		return "the target's counters stopped";
	}
	/* Under SIGKILL the command cannot say anything: skip that check. */
	if (strcmp(o->mode, "close") == 0 && sig != SIGKILL) {
		bool said = strstr(out, "closed fd") != NULL;
		bool open = fd_open(t->pid, fd);

		if (said == open) {
			y->misreported++;
			return said ? "said closed, but the fd is open" :
			    "the fd is gone, but the output did not say so";
		}
	}
	return NULL;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	char *s, *tok;
	int c;

	o->seed = (unsigned)getpid();
	o->dir = "/tmp";
	while ((c = getopt(argc, argv, "Bb:d:m:n:r:s:t:")) != -1) {
		switch (c) {
		case 'B': o->busy = true; break;
		case 'b': o->bindir = optarg; break;
		case 'd': o->dir = optarg; break;
		case 'm': o->mode = optarg; break;
		case 'n': o->trials = atoi(optarg); break;
		case 'r': o->seed = (unsigned)atoi(optarg); break;
		case 's':
			s = strdup(optarg);
			for (tok = strtok(s, ","); tok && o->nsigs < 8;
			    tok = strtok(NULL, ","))
				if ((o->sigs[o->nsigs++] = sig_named(tok)) < 0)
					exit(2);
			break;
		case 't': o->target = optarg; break;
		default: exit(2);
		}
	}
	if (!o->mode || !o->bindir || !o->target || o->trials <= 0 ||
	    o->nsigs == 0) {
		fprintf(stderr, "usage: inject-stress -m close|reap -b BINDIR "
		    "-t TARGET -n TRIALS -s SIG[,SIG...] [-B] [-r SEED] "
		    "[-d DIR]\n");
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct target t;
	struct tally y = { 0 };
	char out[8192];
	const char *why;
	double longest = 0, t0;
	int fd = 100, gen = 0, failed = 0, i, status;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	parse(argc, argv, &o);
	srand(o.seed);
	if (target_start(&o, &t, gen++) < 0)
		return 2;
	for (i = 0; i < 3; i++) {
		t0 = now();
		run_tool(&o, &t, fd++, 0, 0, out, sizeof(out));
		if (now() - t0 > longest)
			longest = now() - t0;
	}
	printf("# %s: uninterrupted run takes %.1f ms; seed %u\n", o.mode,
	    longest * 1e3, o.seed);
	for (i = 0; i < o.trials; i++) {
		int sig = o.sigs[i % o.nsigs];
		double delay = longest * rand() / (double)RAND_MAX;

		if (t.pid < 0 && target_start(&o, &t, gen++) < 0)
			return 2;
		status = run_tool(&o, &t, fd, sig, delay, out, sizeof(out));
		y.exits[WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status)]++;
		if ((why = check(&o, &t, &y, fd, sig, out)) != NULL) {
			printf("trial %d harmed the target: SIG%s after %.2f ms: %s; the command "
			    "said: %.200s\n", i + 1, sigabbrev_np(sig),
			    delay * 1e3, why, out);
			failed++;
			if (t.pid > 0)
				target_stop(&t);
			t.pid = -1;
		} else
			y.survived++;
		fd++;
	}
	printf("# exit statuses:");
	for (i = 0; i < 256; i++)
		if (y.exits[i])
			printf(" %d:%d", i, y.exits[i]);
	printf("\ntrials %d survived %d died %d corrupt %d stopped %d traced %d "
	    "misreported %d\n", o.trials, y.survived, y.died, y.corrupt,
	    y.stopped, y.traced, y.misreported);
	if (t.pid > 0)
		target_stop(&t);
	return failed ? 1 : 0;
}
