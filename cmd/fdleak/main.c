/* cmd/fdleak/main.c - what a process holds open, and whether it is leaking. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdleak.h"

enum {
	OPT_CLOSE = TRI_OPT_FIRST_FREE,
	OPT_DELETED,
	OPT_DIR,
	OPT_FORCE,
	OPT_INET,
	OPT_INTERVAL,
	OPT_MAX_PCT,
	OPT_PEERS,
	OPT_PROM,
	OPT_RAW,
	OPT_TOP,
};

static void usage(int status) __attribute__((noreturn));
static void parse_options(struct ctl *, int, char **);

static void
usage(int status)
{
	FILE *f = status == TRI_EXIT_OK ? stdout : stderr;

	fputs("Usage: fdleak [-x] [-o COLUMNS] [--raw] [-S KEY] [--peers] [--json] -p PID[,PID...]\n"
	    "       fdleak [-i [ADDR]] [-u USER] [+D DIR] [+L1] [FILE...]\n"
	    "       fdleak -s|--summary [-c] [--max-pct PCT] [--prom] -p PID[,PID...]\n"
	    "       fdleak --top[=N] [-u USER] [--prom]\n"
	    "       fdleak -w|--watch [-i SECONDS] [-n COUNT] [-c] -p PID\n"
	    "       fdleak [-f] -- COMMAND [ARGS...]\n"
	    "       fdleak --close FD [--force] -p PID\n", f);
	if (status != TRI_EXIT_OK)
		exit(status);
	fputs("\nList the open fds of a process, its headroom against its\n"
	    "RLIMIT_NOFILE, and whether it leaks fds over time; or, without\n"
	    "-p, which processes hold a file, a port or a deleted file.\n\n"
	    "Options:\n"
	    "  -p, --pid PID[,PID...]  processes by pid or name (like pidof)\n"
	    "  -u, --user USER[,USER]  processes of these users (effective uid)\n"
	    "  -i, --inet[=ADDR]       who has sockets [46][tcp|udp][@HOST][:PORT]\n"
	    "                          (with --watch, a number is the interval)\n"
	    "  FILE...                 who holds these files\n"
	    "      +D, --dir DIR       who holds anything under DIR\n"
	    "      +L1, --deleted      who holds deleted files, and the bytes pinned\n"
	    "  -x, --extra             also cwd, rtd, txt and mem rows (as lsof)\n"
	    "  -o, --output COLUMNS    columns of the table (+COL adds one)\n"
	    "      --raw               columns separated by one space, unaligned\n"
	    "  -S, --sort KEY          pid, fd, type, size; --top: count, percent, pid\n"
	    "  -s, --summary           only the count against the soft and hard limit\n"
	    "      --top[=N]           the N processes (default 10) closest to their limit\n"
	    "  -w, --watch             sample the fd table and report what grows\n"
	    "      --interval SECONDS  time between samples (default 1)\n"
	    "  -n, --count COUNT       samples to take (default: until interrupted)\n"
	    "  -c, --check             exit 1 on a leak or usage over --max-pct\n"
	    "      --max-pct PCT       the usage --check allows (default 80)\n"
	    "  -f, --follow            run mode: report children as they exit too\n"
	    "      --close FD          close FD inside the process (ptrace)\n"
	    "      --force             allow --close of fds 0, 1 and 2\n"
	    "      --peers             search every process for pipe and unix peers\n"
	    "      --json              print JSON\n"
	    "      --prom              --summary, --top: Prometheus text format\n"
	    "      --no-header         no header line and no summary\n"
	    "      --color[=WHEN]      auto, always (no WHEN) or never\n"
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
	if (c->mode != M_LIST && c->mode != m)
		errx(TRI_EXIT_FAIL, "--summary, --top, --watch and --close "
		    "exclude each other");
	c->mode = m;
}

static void
parse_number_opt(struct ctl *c, int ch, const char *arg)
{
	int fd;

	if (ch == OPT_INTERVAL) {
		c->sample.interval = tri_cli_seconds_or_exit("--interval", arg);
	} else if (ch == 'n') {
		c->sample.count = tri_cli_count_or_exit("-n", arg, 1);
		c->count_given = true;
	} else if (ch == OPT_CLOSE) {
		if (tri_cli_parse_int(arg, 0, INT_MAX, &fd) < 0)
			errx(TRI_EXIT_FAIL, "--close: %s: not an fd number",
			    tri_cli_is_number(arg) ? arg : "bad value");
		c->close_fd = fd;
		set_mode(c, M_CLOSE);
	} else if (ch == OPT_TOP) {
		/* --top=0 would print two empty tables: refused */
		if (tri_cli_parse_int(arg, 1, INT_MAX, &c->top) < 0)
			errx(TRI_EXIT_FAIL, "--top: %s: not a count of 1 or more",
			    tri_cli_is_number(arg) ? arg : "bad value");
	}
}

static const struct option longopts[] = {
	{ "check",	no_argument,		NULL, 'c' },
	{ "close",	required_argument,	NULL, OPT_CLOSE },
	{ "color",	optional_argument,	NULL, TRI_OPT_COLOR },
	{ "count",	required_argument,	NULL, 'n' },
	{ "deleted",	no_argument,		NULL, OPT_DELETED },
	{ "dir",	required_argument,	NULL, OPT_DIR },
	{ "extra",	no_argument,		NULL, 'x' },
	{ "follow",	no_argument,		NULL, 'f' },
	{ "force",	no_argument,		NULL, OPT_FORCE },
	{ "help",	no_argument,		NULL, 'h' },
	{ "inet",	optional_argument,	NULL, OPT_INET },
	{ "interval",	required_argument,	NULL, OPT_INTERVAL },
	{ "json",	no_argument,		NULL, TRI_OPT_JSON },
	{ "max-pct",	required_argument,	NULL, OPT_MAX_PCT },
	{ "no-header",	no_argument,		NULL, TRI_OPT_NO_HEADER },
	{ "output",	required_argument,	NULL, 'o' },
	{ "peers",	no_argument,		NULL, OPT_PEERS },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "prom",	no_argument,		NULL, OPT_PROM },
	{ "raw",	no_argument,		NULL, OPT_RAW },
	{ "sort",	required_argument,	NULL, 'S' },
	{ "summary",	no_argument,		NULL, 's' },
	{ "top",	optional_argument,	NULL, OPT_TOP },
	{ "user",	required_argument,	NULL, 'u' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "watch",	no_argument,		NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static const char shortopts[] = "cfhi:n:o:p:sS:u:Vwx";

static void
inet_or_exit(struct ctl *c, const char *arg)
{
	char *esc;

	if (inet_parse(&c->inet, arg) < 0) {
		esc = tri_out_escape_dup(arg, strlen(arg));
		errx(TRI_EXIT_FAIL, "-i %s: not [46][tcp|udp][@HOST][:PORT]",
		    esc ? esc : "?");
	}
}

/*
 * -i: with --watch a number is the interval (as it always was); else the
 * lsof selector.  Decided once every option is read.
 */
static void
check_inet(struct ctl *c, const char *iarg)
{
	if (iarg == NULL)
		return;
	if (c->mode == M_WATCH && iarg[0] != '\0' &&
	    strspn(iarg, "0123456789.") == strlen(iarg)) {
		c->sample.interval = tri_cli_seconds_or_exit("-i", iarg);
		return;
	}
	inet_or_exit(c, iarg);
}

/* Rules between options, checked once all are read. */
static void
check_options(struct ctl *c, int argc, char **argv, char **cmd)
{
	bool who = c->inet.on || c->dir || c->deleted || optind < argc;

	if (cmd) {
		if (c->targets.n || c->mode != M_LIST || who)
			errx(TRI_EXIT_FAIL, "a command to run excludes -p, "
			    "files and the other modes");
		if (*cmd == NULL)
			errx(TRI_EXIT_FAIL, "no command after --");
		c->mode = M_RUN;
		c->argv = cmd;
		return;
	}
	if (c->follow)
		errx(TRI_EXIT_FAIL, "-f: only with a command to run");
	c->files = argv + optind;
	c->nfiles = (size_t)(argc - optind);
	if (who || (c->users.n && c->mode == M_LIST)) {
		if (c->mode != M_LIST)
			errx(TRI_EXIT_FAIL, "-i, FILE, +D and +L1 are for the "
			    "listing, not --summary, --top, --watch or --close");
		c->mode = M_WHO;
	}
	if (c->prom && c->mode != M_SUMMARY && c->mode != M_TOP)
		errx(TRI_EXIT_FAIL, "--prom: only with --summary or --top");
	if (c->prom && c->json)
		errx(TRI_EXIT_FAIL, "--prom and --json exclude each other");
	if (c->sort_arg)
		c->sort = tri_cli_sort_or_exit(c->sort_arg, c->mode == M_TOP ?
		    top_sort_keys : sort_keys);
	if (c->cols_arg && cols_parse(&c->cols, c->cols_arg,
	    c->mode == M_TOP) < 0)
		exit(TRI_EXIT_FAIL);
	if (c->mode == M_TOP || c->mode == M_WHO)
		return;
	if (c->targets.n == 0) {
		warnx("no target: give -p PID, -u USER, a FILE, -i or a "
		    "command after --");
		exit(TRI_EXIT_FAIL);
	}
	if ((c->mode == M_WATCH || c->mode == M_CLOSE) && c->targets.n > 1)
		errx(TRI_EXIT_FAIL, "%s takes one process; -p named %zu",
		    c->mode == M_WATCH ? "--watch" : "--close", c->targets.n);
	if (c->mode == M_WATCH && c->count_given && c->sample.count < 2)
		errx(TRI_EXIT_FAIL, "--watch: -n must be at least 2");
}

/*
 * lsof's spellings, +D DIR and +L1, and a bare -i (no address: every
 * internet socket) become long options getopt knows; the first "--"
 * ends the options, and what follows is the command to run.
 */
static char **
rewrite_args(int *argc, char **argv)
{
	int i;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			*argc = i;
			return argv + i + 1;
		}
		if (strcmp(argv[i], "+D") == 0)
			argv[i] = (char *)"--dir";
		else if (strcmp(argv[i], "+L1") == 0 ||
		    strcmp(argv[i], "+L") == 0)
			argv[i] = (char *)"--deleted";
		else if (strcmp(argv[i], "-i") == 0 && (i + 1 == *argc ||
		    (argv[i + 1][0] == '-' && argv[i + 1][1] != '\0')))
			argv[i] = (char *)"--inet";
		else if (strcmp(argv[i], "-p") == 0 || strcmp(argv[i], "-u") ==
		    0 || strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "-S") ==
		    0 || strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "-i") ==
		    0)
			i++;	/* its argument may be "--" no more than a name */
	}
	return NULL;
}

static void
parse_options(struct ctl *c, int argc, char **argv)
{
	enum tri_color_mode color = TRI_COLOR_AUTO;
	const char *iarg = NULL;
	char **cmd;
	int ch;

	cmd = rewrite_args(&argc, argv);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': c->check = true; break;
		case 'f': c->follow = true; break;
		case 'h': usage(TRI_EXIT_OK);
		case 'i': iarg = optarg; break;
		case 'n': case OPT_CLOSE: case OPT_INTERVAL:
			parse_number_opt(c, ch, optarg);
			break;
		case 'o': c->cols_arg = optarg; break;
		case 'p': add_targets(c, optarg); break;
		case 's': set_mode(c, M_SUMMARY); break;
		case 'S': c->sort_arg = optarg; break;
		case 'u': tri_users_add_or_exit(&c->users, optarg); break;
		case 'V': tri_cli_version_exit();
		case 'w': set_mode(c, M_WATCH); break;
		case 'x': c->extra = true; break;
		case OPT_DELETED: c->deleted = true; break;
		case OPT_DIR: c->dir = optarg; break;
		case OPT_FORCE: c->force = true; break;
		case OPT_INET: inet_or_exit(c, optarg ? optarg : ""); break;
		case OPT_MAX_PCT: c->max_pct = parse_pct(optarg); break;
		case OPT_PEERS: c->peers = true; break;
		case OPT_PROM: c->prom = true; break;
		case OPT_RAW: c->raw = true; break;
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
			color = optarg ? tri_cli_color_or_exit(optarg) :
			    TRI_COLOR_ALWAYS;
			break;
		default: tri_cli_bad_option(argv, shortopts);
		}
	}
	tri_out_color_init(color);
	check_inet(c, iarg);
	check_options(c, argc, argv, cmd);
}

int
main(int argc, char **argv)
{
	struct ctl c = {
		.header = true,
		.max_pct = 80,
		.top = 10,
	.sort = -1,
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
	case M_WHO:	rc = who_run(&c); break;	/* who.c */
	default:	rc = list_run(&c); break;	/* list.c */
	}
	tri_targets_free(&c.targets);
	tri_users_free(&c.users);
	/* a write error (a full disk) is reported once, by tri_cli_init's
	 * exit check */
	return rc;
}
