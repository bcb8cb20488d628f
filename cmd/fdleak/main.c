/* cmd/fdleak/main.c - what a process holds open, and whether it is leaking. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "fdleak.h"

enum {
	OPT_CLOSE = TRI_OPT_FIRST_FREE,
	OPT_FORCE,
	OPT_MAX_PCT,
	OPT_PEERS,
	OPT_TOP,
};

static void usage(int status) __attribute__((noreturn));
static void parse_options(struct ctl *, int, char **);

static void
usage(int status)
{
	FILE *f = status == TRI_EXIT_OK ? stdout : stderr;

	fputs("Usage: fdleak [--peers] [--json] [--no-header] -p PID[,PID...]\n"
	    "       fdleak -s|--summary [-c] [--max-pct PCT] -p PID[,PID...]\n"
	    "       fdleak --top[=N]\n"
	    "       fdleak -w|--watch [-i SECONDS] [-n COUNT] [-c] -p PID\n"
	    "       fdleak [-f] -- COMMAND [ARGS...]\n"
	    "       fdleak --close FD [--force] -p PID\n", f);
	if (status != TRI_EXIT_OK)
		exit(status);
	fputs("\nList the open fds of a process, its headroom against its\n"
	    "RLIMIT_NOFILE, and whether it leaks fds over time.\n\n"
	    "Options:\n"
	    "  -p, --pid PID[,PID...]  processes by pid or name (like pidof)\n"
	    "  -s, --summary           only the count against the soft and hard limit\n"
	    "      --top[=N]           the N processes (default 10) closest to their limit\n"
	    "  -w, --watch             sample the fd table and report what grows\n"
	    "  -i, --interval SECONDS  time between samples (default 1)\n"
	    "  -n, --count COUNT       samples to take (default: until interrupted)\n"
	    "  -c, --check             exit 1 on a leak or usage over --max-pct\n"
	    "      --max-pct PCT       the usage --check allows (default 80)\n"
	    "  -f, --follow            run mode: report children as they exit too\n"
	    "      --close FD          close FD inside the process (ptrace)\n"
	    "      --force             allow --close of fds 0, 1 and 2\n"
	    "      --peers             search every process for pipe and unix peers\n"
	    "      --json              print JSON\n"
	    "      --no-header         no header line and no summary\n"
	    "      --color=WHEN        auto, always or never\n"
	    "  -h, --help              print this help\n"
	    "  -V, --version           print the version\n", f);
	exit(TRI_EXIT_OK);
}

static void
add_targets(struct ctl *c, const char *arg)
{
	tri_targets_add_or_exit(&c->targets, arg);
}

static double
parse_pct(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 100))
		errx(TRI_EXIT_FAIL, "--max-pct: %s: not a percentage (0-100)",
		    s);
	return v;
}

static void
set_mode(struct ctl *c, enum mode m)
{
	if (c->mode != M_LIST && c->mode != m) {
		warnx("--summary, --top, --watch and --close exclude each other");
		usage(TRI_EXIT_FAIL);
	}
	c->mode = m;
}

static void
parse_number_opt(struct ctl *c, int ch, const char *arg)
{
	int fd;

	if (ch == 'i') {
		c->sample.interval = tri_cli_seconds_or_exit("-i", arg);
	} else if (ch == 'n') {
		c->sample.count = tri_cli_count_or_exit("-n", arg, 1);
		c->count_given = true;
	} else if (ch == OPT_CLOSE) {
		if (tri_cli_parse_int(arg, 0, INT_MAX, &fd) < 0)
			errx(TRI_EXIT_FAIL, "--close: %s: not an fd number", arg);
		c->close_fd = fd;
		set_mode(c, M_CLOSE);
	} else if (ch == OPT_TOP) {
		if (tri_cli_parse_int(arg, 1, INT_MAX, &c->top) < 0)
			errx(TRI_EXIT_FAIL, "--top: %s: not a count", arg);
	}
}

static const struct option longopts[] = {
	{ "check",	no_argument,		NULL, 'c' },
	{ "close",	required_argument,	NULL, OPT_CLOSE },
	{ "color",	required_argument,	NULL, TRI_OPT_COLOR },
	{ "count",	required_argument,	NULL, 'n' },
	{ "follow",	no_argument,		NULL, 'f' },
	{ "force",	no_argument,		NULL, OPT_FORCE },
	{ "help",	no_argument,		NULL, 'h' },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "json",	no_argument,		NULL, TRI_OPT_JSON },
	{ "max-pct",	required_argument,	NULL, OPT_MAX_PCT },
	{ "no-header",	no_argument,		NULL, TRI_OPT_NO_HEADER },
	{ "peers",	no_argument,		NULL, OPT_PEERS },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "summary",	no_argument,		NULL, 's' },
	{ "top",	optional_argument,	NULL, OPT_TOP },
	{ "version",	no_argument,		NULL, 'V' },
	{ "watch",	no_argument,		NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

/* Rules between options, checked once all are read. */
static void
check_options(struct ctl *c, int argc, char **argv)
{
	if (optind < argc) {
		if (c->targets.n || c->mode != M_LIST) {
			warnx("a command to run excludes -p and the other modes");
			usage(TRI_EXIT_FAIL);
		}
		c->mode = M_RUN;
		c->argv = argv + optind;
		return;
	}
	if (c->follow)
		errx(TRI_EXIT_FAIL, "-f: only with a command to run");
	if (c->mode == M_TOP)
		return;
	if (c->targets.n == 0) {
		warnx("no target: give -p PID or a command after --");
		usage(TRI_EXIT_FAIL);
	}
	if ((c->mode == M_WATCH || c->mode == M_CLOSE) && c->targets.n > 1)
		errx(TRI_EXIT_FAIL, "%s takes one process; -p named %zu",
		    c->mode == M_WATCH ? "--watch" : "--close", c->targets.n);
	if (c->mode == M_WATCH && c->count_given && c->sample.count < 2)
		errx(TRI_EXIT_FAIL, "--watch: -n must be at least 2");
}

static void
parse_options(struct ctl *c, int argc, char **argv)
{
	enum tri_color_mode color = TRI_COLOR_AUTO;
	int ch;

	while ((ch = getopt_long(argc, argv, "+cfhi:n:p:sVw", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': c->check = true; break;
		case 'f': c->follow = true; break;
		case 'h': usage(TRI_EXIT_OK);
		case 'i': case 'n': case OPT_CLOSE:
			parse_number_opt(c, ch, optarg);
			break;
		case 'p': add_targets(c, optarg); break;
		case 's': set_mode(c, M_SUMMARY); break;
		case 'V': tri_cli_version_exit();
		case 'w': set_mode(c, M_WATCH); break;
		case OPT_FORCE: c->force = true; break;
		case OPT_MAX_PCT: c->max_pct = parse_pct(optarg); break;
		case OPT_PEERS: c->peers = true; break;
		case OPT_TOP:
			set_mode(c, M_TOP);
			if (optarg)
				parse_number_opt(c, ch, optarg);
			else if (optind < argc && tri_cli_is_number(argv[optind]))
				parse_number_opt(c, ch, argv[optind++]);
			break;
		case TRI_OPT_JSON: c->json = true; break;
		case TRI_OPT_NO_HEADER: c->header = false; break;
		case TRI_OPT_COLOR:
			color = tri_cli_color_or_exit(optarg);
			break;
		default: usage(TRI_EXIT_FAIL);
		}
	}
	tri_out_color_init(color);
	check_options(c, argc, argv);
}

int
main(int argc, char **argv)
{
	struct ctl c = {
		.header = true,
		.max_pct = 80,
		.top = 10,
		.sample = { .interval = 1, .count = 0 },
	};
	int rc;

	tri_cli_init();
	parse_options(&c, argc, argv);
	/*
	 * One file per mode.  Each reads fd tables with fdtab.c, names what
	 * an fd points to with target.c and finds the other ends of pipes
	 * and unix sockets with peers.c.
	 */
	switch (c.mode) {
	case M_SUMMARY:	rc = summary_run(&c); break;	/* summary.c */
	case M_TOP:	rc = top_run(&c); break;	/* top.c */
	case M_WATCH:	rc = watch_run(&c); break;	/* watch.c */
	case M_RUN:	rc = run_command(&c); break;	/* run.c */
	case M_CLOSE:	rc = close_run(&c); break;	/* close.c */
	default:	rc = list_run(&c); break;	/* list.c */
	}
	tri_targets_free(&c.targets);
	if (fflush(stdout) == EOF && errno != EPIPE)
		err(TRI_EXIT_FAIL, "stdout");
	return rc;
}
