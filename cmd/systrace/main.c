/* cmd/systrace/main.c - trace system calls as strace does, faster, in JSON. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "proc.h"
#include "systrace.h"

enum {
	OPT_BY = TRI_OPT_FIRST_FREE,
	OPT_SLOWER,
	OPT_NO_SECCOMP,
};

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fputs("Usage: systrace [-c | -C] [-f] [-r] [-T] [-t] [-v] [-w] [-y] "
	    "[-z | -Z] [-e expr] [-o file]\n"
	    "                [-P path] [-s size] [-S key] [--by fd|path] "
	    "[--slower-than time]\n"
	    "                [--json] [--no-header] [--no-seccomp] [--color[=when]]\n"
	    "                -p pid[,pid...] | -- command [arg...]\n", f);
	if (status != 0)
		exit(status);
	fputs("\nTrace the system calls and signals of a program or of running"
	    " processes,\nin strace's format or as JSON; every thread of a"
	    " process is traced.\n\n"
	    "  -p, --pid PID[,PID]       attach to processes (pids or names)\n"
	    "  -f, --follow-forks        trace child processes too\n"
	    "  -o, --output FILE         write the trace to FILE, not stderr\n"
	    "  -e, --trace EXPR          trace=NAME,... or %file %network"
	    " %process %memory\n"
	    "                            %signal %ipc %desc %creds; !"
	    " negates\n"
	    "  -P, --trace-path PATH     only calls that touch PATH\n"
	    "  -z, --successful-only     only calls that succeeded\n"
	    "  -Z, --failed-only         only calls that failed\n"
	    "      --slower-than TIME    only calls that took longer (0.01, 10ms)\n"
	    "  -s, --string-limit N      show at most N bytes of a string"
	    " (32)\n"
	    "  -v, --no-abbrev           environment and structures in full\n"
	    "  -y, --decode-fds          fds with their path; twice: socket"
	    " endpoints\n"
	    "  -t, --absolute-timestamps time of day; twice: microseconds;"
	    " thrice: epoch\n"
	    "  -r, --relative-timestamps time since the previous line\n"
	    "  -T, --syscall-times       time spent in each call\n"
	    "  -c, --summary-only        a table of counts, errors, time and"
	    " latency\n"
	    "  -C, --summary             the table after the trace\n"
	    "  -S, --summary-sort-by KEY time, calls, errors, name, avg, p99,"
	    " max, nothing\n"
	    "  -w, --summary-wall-clock  the table counts wall time, not system"
	    " time\n"
	    "      --by fd|path          the table by file descriptor or by"
	    " file\n"
	    "      --json                one JSON object per event\n"
	    "      --no-header           the tables without their header lines\n"
	    "      --no-seccomp          never filter in the kernel\n"
	    "      --color[=WHEN]        auto, always (no value) or never\n"
	    "  -h, --help                this help\n"
	    "  -V, --version             the version\n", f);
	exit(0);
}

static void
bad_option(const char *opt, const char *arg, const char *why)
{
	char *e = tri_out_escape_dup(arg, strlen(arg));

	warnx("%s %s: %s", opt, e ? e : "?", why);
	free(e);
	exit(TRI_EXIT_FAIL);
}

static void
add_path(struct ctl *ctl, const char *p)
{
	char **v = realloc(ctl->paths, (ctl->npaths + 1) * sizeof(*v));

	if (v == NULL)
		err(TRI_EXIT_FAIL, "realloc");
	ctl->paths = v;
	ctl->paths[ctl->npaths++] = (char *)p;
}

/* A duration: seconds, or a number with s, ms, us or ns after it. */
static int
parse_duration(const char *arg, double *out)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1 },
	};
	size_t n = strlen(arg), i, u;
	char num[64];

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		u = strlen(units[i].unit);
		if (n > u && n - u < sizeof(num) &&
		    strcmp(arg + n - u, units[i].unit) == 0) {
			memcpy(num, arg, n - u);
			num[n - u] = '\0';
			if (tri_cli_parse_seconds(num, out) < 0)
				return -1;
			*out *= units[i].scale;
			return 0;
		}
	}
	return tri_cli_parse_seconds(arg, out);
}

static void
parse_option(struct ctl *ctl, int c, const char *arg)
{
	int n;

	switch (c) {
	case 'C': ctl->summary = ctl->summary_too = true; break;
	case 'c': ctl->summary = true; break;
	case 'e':
		if (filter_expr(ctl, arg) < 0)
			exit(TRI_EXIT_FAIL);
		break;
	case 'f': ctl->follow = true; break;
	case 'h': usage(0);
	case 'o': ctl->outfile = arg; break;
	case 'P': add_path(ctl, arg); break;
	case 'p': tri_targets_add_or_exit(&ctl->targets, arg); break;
	case 'r': ctl->relative = true; break;
	case 'S':
		if (summary_sort_key(arg, &ctl->sort) < 0)
			bad_option("-S", arg, "not time, calls, errors, name, avg, "
			    "p99, max or nothing");
		break;
	case 's':
		if (tri_cli_parse_int(arg, 0, 1 << 20, &n) < 0)
			bad_option("-s", arg, "not a number of bytes");
		ctl->strsize = (unsigned)n;
		break;
	case 'T': ctl->timing = true; break;
	case 't': ctl->tstamp++; break;
	case 'V': tri_cli_version_exit();
	case 'v': ctl->verbose = true; break;
	case 'w': ctl->wall = true; break;
	case 'y': ctl->yfd++; break;
	case 'Z': ctl->only_fail = true; break;
	case 'z': ctl->only_ok = true; break;
	case OPT_BY:
		if (strcmp(arg, "fd") == 0)
			ctl->by = BY_FD;
		else if (strcmp(arg, "path") == 0)
			ctl->by = BY_PATH;
		else
			bad_option("--by", arg, "not fd or path");
		break;
	case OPT_NO_SECCOMP: ctl->no_seccomp = true; break;
	case OPT_SLOWER:
		if (parse_duration(arg, &ctl->slower) < 0)
			bad_option("--slower-than", arg,
			    "not a duration (0.01, 10ms, 500us)");
		break;
	case TRI_OPT_COLOR:
		ctl->color = arg ? tri_cli_color_or_exit(arg) : TRI_COLOR_ALWAYS;
		break;
	case TRI_OPT_NO_HEADER: ctl->header = false; break;
	case TRI_OPT_JSON: ctl->json = true; break;
	default: usage(TRI_EXIT_FAIL);
	}
}

/* One line for a usage error (man 7 triage, DIAGNOSTICS). */
static void
check_options(const struct ctl *ctl, bool command)
{
	const char *bad = NULL;

	if (ctl->targets.n == 0 && !command)
		bad = "a command to run or -p PID is required";
	else if (ctl->targets.n > 0 && command)
		bad = "-p and a command do not go together";
	else if (ctl->only_ok && ctl->only_fail)
		bad = "-z and -Z do not go together";
	else if (ctl->by != BY_NONE && !ctl->summary)
		bad = "--by goes with -c or -C";
	if (bad)
		errx(TRI_EXIT_FAIL, "%s", bad);
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "absolute-timestamps", no_argument, NULL, 't' },
		{ "by",			required_argument, NULL, OPT_BY },
		{ "color",		optional_argument, NULL, TRI_OPT_COLOR },
		{ "decode-fds",		no_argument,	   NULL, 'y' },
		{ "failed-only",	no_argument,	   NULL, 'Z' },
		{ "follow-forks",	no_argument,	   NULL, 'f' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "json",		no_argument,	   NULL, TRI_OPT_JSON },
		{ "no-abbrev",		no_argument,	   NULL, 'v' },
		{ "no-header",		no_argument,	   NULL, TRI_OPT_NO_HEADER },
		{ "no-seccomp",		no_argument,	   NULL, OPT_NO_SECCOMP },
		{ "output",		required_argument, NULL, 'o' },
		{ "pid",		required_argument, NULL, 'p' },
		{ "relative-timestamps", no_argument,	   NULL, 'r' },
		{ "slower-than",	required_argument, NULL, OPT_SLOWER },
		{ "string-limit",	required_argument, NULL, 's' },
		{ "successful-only",	no_argument,	   NULL, 'z' },
		{ "summary",		no_argument,	   NULL, 'C' },
		{ "summary-only",	no_argument,	   NULL, 'c' },
		{ "summary-sort-by",	required_argument, NULL, 'S' },
		{ "summary-wall-clock",	no_argument,	   NULL, 'w' },
		{ "syscall-times",	no_argument,	   NULL, 'T' },
		{ "trace",		required_argument, NULL, 'e' },
		{ "trace-path",		required_argument, NULL, 'P' },
		{ "version",		no_argument,	   NULL, 'V' },
		{ NULL,			0,		   NULL, 0 },
	};
	static const char shortopts[] = "+Cce:fho:P:p:rS:s:TtVvwyZz";
	int c;

	ctl->strsize = 32;
	ctl->header = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?')
			tri_cli_bad_option(argv, shortopts);
		parse_option(ctl, c, optarg);
	}
	ctl->argv = argv + optind;
	check_options(ctl, optind < argc);
	tri_out_color_init(ctl->color);
}

/* The program as execvp(3) would find it; NULL when there is none. */
static char *
find_program(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];
	struct stat st;

	if (strchr(name, '/'))
		return stat(name, &st) == 0 ? strdup(name) : NULL;
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; *p; p = end) {
		size_t n;

		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? p : ".", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return strdup(buf);
		if (*end == ':')
			end++;
	}
	errno = ENOENT;
	return NULL;
}

static int
install_filter(void *arg)
{
	struct ctl *ctl = arg;

	return tri_syscalls_seccomp_load(ctl->want,
	    (size_t)tri_syscalls_count());
}

static void
launch(struct ctl *ctl)
{
	char *path = find_program(ctl->argv[0]);
	char *e;

	if (path == NULL) {
		e = tri_out_escape_dup(ctl->argv[0], strlen(ctl->argv[0]));
		warnx("%s: command not found", e ? e : "?");
		free(e);
		exit(127);
	}
	if (tri_ptrace_launch(&ctl->loop, path, ctl->argv,
	    ctl->seccomp ? install_filter : NULL, ctl) < 0) {
		if (errno == EPERM)
			warnx("%s: starting traced: %s (%s)", path, strerror(errno),
			    tri_caps_hint(CAP_SYS_PTRACE));
		else
			warn("%s: starting traced", path);
		exit(TRI_EXIT_FAIL);
	}
	free(path);
}

/* Why attaching pid was refused, in one line. */
static void
attach_refused(pid_t pid, int e)
{
	struct tri_status st;
	struct tri_proc p;
	bool known = false;

	if (tri_proc_open(&p, pid) == 0) {
		known = tri_proc_read_status(&p, &st) == 0;
		tri_proc_close(&p);
	}
	if (known && st.state == 'Z')
		warnx("attach %d: a zombie has nothing to trace", (int)pid);
	else if (known && st.tracerpid > 0)
		warnx("attach %d: already traced by pid %d", (int)pid,
		    (int)st.tracerpid);
	else
		warnx("attach %d: %s (%s)", (int)pid, strerror(e),
		    tri_caps_hint(CAP_SYS_PTRACE));
}

static void
attach(struct ctl *ctl)
{
	size_t i, n;
	pid_t pid;

	for (i = 0; i < ctl->targets.n; i++) {
		pid = ctl->targets.pids[i];
		if (tri_ptrace_attach(&ctl->loop, pid, &n) == 0) {
			fprintf(stderr, "systrace: Process %d attached with %zu "
			    "thread%s\n", (int)pid, n, n == 1 ? "" : "s");
			continue;
		}
		if (errno == EPERM || errno == EACCES)
			attach_refused(pid, errno);
		else if (errno == EDEADLK)
			warnx("attach %d: refusing to trace systrace itself or an "
			    "ancestor", (int)pid);
		else if (errno == ESRCH)
			warnx("pid %d: no such process", (int)pid);
		else
			warn("attach %d", (int)pid);
		/* leave nothing traced behind */
		ctl->stop = SIGTERM;
		tri_ptrace_run(&ctl->loop, trace_event, ctl);
		exit(TRI_EXIT_FAIL);
	}
}

static void
setup(struct ctl *ctl)
{
	unsigned long opts = PTRACE_O_TRACECLONE;
	bool launched = ctl->targets.n == 0;

	if (ctl->follow)
		opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
	/* children inherit the filter: safe only when they are traced too */
	ctl->seccomp = launched && ctl->want_set && ctl->follow &&
	    !ctl->no_seccomp;
	tri_ptrace_loop_init(&ctl->loop, opts, ctl->seccomp);
	ctl->loop.rusage = ctl->summary && !ctl->wall;
	ctl->loop.stop = &ctl->stop;
	ctl->trace_lines = !ctl->summary || ctl->summary_too;
	ctl->delayed = ctl->json || ctl->only_ok || ctl->only_fail ||
	    ctl->slower > 0;
	ctl->to_file = ctl->outfile != NULL;
	if ((ctl->out = out_open(ctl->outfile)) == NULL)
		err(TRI_EXIT_FAIL, "%s", ctl->outfile ? ctl->outfile : "stderr");
	tri_ptrace_catch_signals(&ctl->stop, launched);
}

/* The program's status as a shell gives it: 128+N when killed by N. */
static int
child_exit(struct ctl *ctl)
{
	int status;
	pid_t c = ctl->loop.child;

	if (!ctl->loop.child_done && ctl->stop == SIGPIPE) {
		/* our output was closed (| head): let the program run on */
		return 128 + SIGPIPE;
	}
	if (!ctl->loop.child_done) {
		/* we were told to stop: the program gets the same signal */
		kill(c, ctl->stop ? ctl->stop : SIGTERM);
		if (waitpid(c, &status, 0) != c)
			return TRI_EXIT_FAIL;
	} else {
		status = ctl->loop.child_status;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int
main(int argc, char **argv)
{
	struct ctl ctl = { 0 };
	int status = TRI_EXIT_OK;
	size_t i;

	tri_cli_init();
	if (tri_syscalls_init() < 0)
		err(TRI_EXIT_FAIL, "syscall names (libseccomp)");
	parse_options(&ctl, argc, argv);
	setup(&ctl);
	if (ctl.targets.n == 0)
		launch(&ctl);
	else
		attach(&ctl);
	if (tri_ptrace_run(&ctl.loop, trace_event, &ctl) < 0)
		warn("wait");
	out_close_open_line(&ctl);
	if (ctl.summary)
		summary_print(&ctl);
	fflush(ctl.out);
	if (ctl.loop.child)
		status = child_exit(&ctl);
	else if (ctl.stop)
		for (i = 0; i < ctl.targets.n; i++)
			fprintf(stderr, "systrace: Process %d detached\n",
			    (int)ctl.targets.pids[i]);
	fclose(ctl.out);
	tri_ptrace_loop_free(&ctl.loop);
	tri_targets_free(&ctl.targets);
	free(ctl.want);
	free(ctl.paths);
	return status;
}
