/* cmd/ctxswitch/main.c - context switches per thread, their cause and cost. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxswitch.h"

enum {
	OPT_TOP = TRI_OPT_FIRST_FREE,
	OPT_BENCH,
	OPT_PROM,
	OPT_RAW,
};

/* No '+': options may follow the operands; '--' ends them (run mode). */
static const char shortopts[] = "hVC:i:lL:n:Oo:p:tu:U:w:";

static void usage(int status) __attribute__((noreturn));
static void parse_options(struct ctl *, int, char **);

static void
usage(int status)
{
	FILE *f = status == TRI_EXIT_OK ? stdout : stderr;

	fputs("Usage: ctxswitch [-t] [-l] [-O] [-p PID[,PID...]] [-i SECONDS]"
	    " [-n COUNT]\n"
	    "                 [-u USER[,USER...]] [-C COMM] [-L N]"
	    " [-o COLUMNS]\n"
	    "                 [--json | --prom] [--raw] [--no-header]"
	    " [--color[=WHEN]]\n"
	    "                 [INTERVAL [COUNT]]\n"
	    "       ctxswitch --top [-t] [-p PID[,PID...]] [-i SECONDS]"
	    " [-o COLUMNS]\n"
	    "       ctxswitch [-i SECONDS] [-w FILE] [--json] -- COMMAND"
	    " [ARG...]\n"
	    "       ctxswitch --bench [-n REPS] [-p PID] [--json]\n", f);
	if (status != TRI_EXIT_OK)
		exit(status);
	fputs("\nContext switches per second of processes and threads, why"
	    " they happen,\nand what a switch costs on this machine.\n\n"
	    "  -p, --pid PID[,PID...]  watch these processes (pids or names)\n"
	    "  -t, --threads           a row per thread, with its name\n"
	    "  -i, --interval SECONDS  time between samples (default 1)\n"
	    "  -n, --count COUNT       number of intervals, 0 = until"
	    " interrupted;\n"
	    "                          with --bench, repetitions (default 5)\n"
	    "  -l, --cmdline           the command line instead of the name"
	    " (pidstat -l)\n"
	    "  -O, --one-line          one line per process and sample, Unix"
	    " time first,\n"
	    "                          header once, no verdict (pidstat -h)\n"
	    "  -u, --user USER[,USER]  system view: processes of these users"
	    " (also -U)\n"
	    "  -C, --comm REGEX        system view: processes whose name"
	    " matches\n"
	    "  -L, --limit N           processes shown without -p (default 10,"
	    " 0 all)\n"
	    "  -o, --output COLUMNS    the table's columns, in order (+COL"
	    " adds one;\n"
	    "                          -o help lists them)\n"
	    "  -w, --write FILE        run mode: write the report to FILE\n"
	    "      --top               live ncurses view, sorted by switch rate\n"
	    "      --bench             measure the cost of one context switch\n"
	    "      --json              one JSON object per line, with a type\n"
	    "      --prom              the last interval as Prometheus metrics\n"
	    "      --raw               one space between cells, a space in a"
	    " name as \\x20\n"
	    "      --no-header         leave out the header line\n"
	    "      --color[=WHEN]      auto, always (no value) or never\n"
	    "  -h, --help              show this help\n"
	    "  -V, --version           show the version\n"
	    "\nWithout -p: the whole system and its busiest processes. After"
	    " the last\ninterval of -p, a verdict on why each process"
	    " switches. A process row sums\nall its threads, where pidstat"
	    " shows the main thread only.\n", f);
	exit(TRI_EXIT_OK);
}

/* pidstat-style operands: INTERVAL [COUNT]; INTERVAL alone runs on. */
static void
operands(struct ctl *ctl, int argc, char **argv)
{
	double d;

	if (argc > 2 || tri_cli_parse_seconds(argv[0], &d) < 0 ||
	    (argc == 2 && !tri_cli_is_number(argv[1])))
		errx(TRI_EXIT_FAIL, "operands are INTERVAL [COUNT]; to run a"
		    " program put it after --");
	ctl->sample.interval = tri_cli_seconds_or_exit("interval", argv[0]);
	ctl->sample.count = argc == 2 ?
	    tri_cli_count_or_exit("count", argv[1], 0) : 0;
	ctl->sample_set = true;
}

static void
set_comm(struct ctl *ctl, const char *arg)
{
	char *esc;

	if (ctl->comm_set)
		regfree(&ctl->comm_re);
	if (arg[0] == '\0' || regcomp(&ctl->comm_re, arg, REG_EXTENDED |
	    REG_NOSUB) != 0) {
		esc = tri_out_escape_dup(arg, strlen(arg));
		errx(TRI_EXIT_FAIL, "-C %s: not a regular expression",
		    esc ? esc : "?");
	}
	ctl->comm_set = true;
}

static void
parse_long(struct ctl *ctl, int c, char **argv, enum tri_color_mode *color)
{
	switch (c) {
	case OPT_BENCH:
		ctl->bench = true;
		break;
	case OPT_PROM:
		ctl->prom = true;
		break;
	case OPT_RAW:
		ctl->raw = true;
		break;
	case OPT_TOP:
		ctl->top = true;
		break;
	case TRI_OPT_COLOR:
		*color = optarg ? tri_cli_color_or_exit(optarg) :
		    TRI_COLOR_ALWAYS;
		break;
	case TRI_OPT_JSON:
		ctl->json = true;
		break;
	case TRI_OPT_NO_HEADER:
		ctl->header = false;
		break;
	default:
		tri_cli_bad_option(argv, shortopts);
	}
}

static void
check_modes(const struct ctl *ctl)
{
	if (ctl->top + ctl->bench + (ctl->argv != NULL) > 1)
		errx(TRI_EXIT_FAIL, "--top, --bench and a command exclude each"
		    " other");
	if ((ctl->top && (ctl->json || ctl->prom)) || (ctl->json && ctl->prom))
		errx(TRI_EXIT_FAIL, "--json, --prom and --top exclude each"
		    " other");
	if (ctl->prom && (ctl->argv != NULL || ctl->bench))
		errx(TRI_EXIT_FAIL, "--prom is for the -p and system views");
	if (ctl->argv != NULL && ctl->targets.n > 0)
		errx(TRI_EXIT_FAIL, "-p does not go with a command");
	if (ctl->report != NULL && ctl->argv == NULL)
		errx(TRI_EXIT_FAIL, "-w is for run mode (-- COMMAND)");
	if (ctl->cols_set && (ctl->bench || ctl->prom || ctl->argv != NULL))
		errx(TRI_EXIT_FAIL, "-o selects the columns of the tables and"
		    " --top: not with --bench, --prom or a command");
	if ((ctl->users.n > 0 || ctl->comm_set) && (ctl->targets.n > 0 ||
	    ctl->top || ctl->bench || ctl->argv != NULL))
		errx(TRI_EXIT_FAIL, "-u and -C select the processes of the"
		    " system view: not with -p, --top, --bench or a command");
}

/*
 * Where "--" ends the options (run mode), or argc.  It is looked for
 * before getopt so that operands and options may come in any order
 * before it, and the program's own options after it stay untouched.
 */
static int
find_dashdash(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i;
		/* the argument of an option that takes one is not "--" */
		if (argv[i][0] == '-' && argv[i][1] != '-' && argv[i][1] != '\0'
		    && argv[i][2] == '\0' && strchr("CiLnopuUw", argv[i][1]))
			i++;
		else if (strncmp(argv[i], "--", 2) == 0 && !strchr(argv[i], '=')
		    && strstr(" --comm --count --interval --limit --output"
		    " --pid --user --write ", argv[i]) != NULL)
			i++;
	}
	return argc;
}

static void
parse_short(struct ctl *ctl, int c)
{
	switch (c) {
	case 'C':
		set_comm(ctl, optarg);
		break;
	case 'i':
		ctl->sample.interval = tri_cli_seconds_or_exit("-i", optarg);
		ctl->sample_set = true;
		break;
	case 'l':
		ctl->cmdline = true;
		break;
	case 'L':
		ctl->limit = tri_cli_count_or_exit("-L", optarg, 0);
		break;
	case 'n':
		ctl->sample.count = tri_cli_count_or_exit("-n", optarg, 0);
		ctl->sample_set = true;
		break;
	case 'O':
		ctl->one_line = true;
		break;
	case 'o':
		if (cs_cols_parse(&ctl->cols, optarg) < 0)
			exit(TRI_EXIT_FAIL);
		ctl->cols_set = true;
		break;
	case 'p':
		tri_targets_add_or_exit(&ctl->targets, optarg);
		break;
	case 't':
		ctl->threads = true;
		break;
	case 'u':
	case 'U':	/* pidstat's spelling */
		tri_users_add_or_exit(&ctl->users, optarg);
		break;
	case 'w':
		ctl->report = optarg;
		break;
	}
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bench",	no_argument,		NULL, OPT_BENCH },
		{ "cmdline",	no_argument,		NULL, 'l' },
		{ "color",	optional_argument,	NULL, TRI_OPT_COLOR },
		{ "comm",	required_argument,	NULL, 'C' },
		{ "count",	required_argument,	NULL, 'n' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "json",	no_argument,		NULL, TRI_OPT_JSON },
		{ "limit",	required_argument,	NULL, 'L' },
		{ "no-header",	no_argument,		NULL, TRI_OPT_NO_HEADER },
		{ "one-line",	no_argument,		NULL, 'O' },
		{ "output",	required_argument,	NULL, 'o' },
		{ "pid",	required_argument,	NULL, 'p' },
		{ "prom",	no_argument,		NULL, OPT_PROM },
		{ "raw",	no_argument,		NULL, OPT_RAW },
		{ "threads",	no_argument,		NULL, 't' },
		{ "top",	no_argument,		NULL, OPT_TOP },
		{ "user",	required_argument,	NULL, 'u' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "write",	required_argument,	NULL, 'w' },
		{ NULL,		0,			NULL, 0 }
	};
	enum tri_color_mode color = TRI_COLOR_AUTO;
	int c, end = find_dashdash(argc, argv);

	ctl->header = true;
	cs_cols_default(&ctl->cols);
	ctl->limit = 10;
	ctl->sample.interval = 1;
	ctl->sample.count = 1;
	opterr = 0;
	while ((c = getopt_long(end, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h')
			usage(TRI_EXIT_OK);
		if (c == 'V')
			tri_cli_version_exit();
		if (c >= TRI_OPT_JSON || c == '?')
			parse_long(ctl, c, argv, &color);
		else
			parse_short(ctl, c);
	}
	if (end < argc && end + 1 == argc)
		errx(TRI_EXIT_FAIL, "'--' needs a command to run after it");
	if (end < argc && optind < end)
		errx(TRI_EXIT_FAIL, "INTERVAL [COUNT] does not go with a command");
	if (end < argc)
		ctl->argv = argv + end + 1;
	else if (optind < argc)
		operands(ctl, argc - optind, argv + optind);
	check_modes(ctl);
	tri_out_color_init(color);
}

/* Each mode is a file: bench.c, top.c, run.c, watch.c. */
int
main(int argc, char **argv)
{
	struct ctl ctl;
	int rc;

	tri_cli_init();
	memset(&ctl, 0, sizeof(ctl));
	parse_options(&ctl, argc, argv);
	if (ctl.bench)
		rc = cs_bench(&ctl);
	else if (ctl.top)
		rc = cs_top(&ctl);
	else if (ctl.argv != NULL)
		rc = cs_run(&ctl);
	else if (ctl.targets.n)
		rc = cs_watch_targets(&ctl);	/* and the verdict, why.c */
	else
		rc = cs_watch_system(&ctl);
	tri_targets_free(&ctl.targets);
	tri_users_free(&ctl.users);
	if (ctl.comm_set)
		regfree(&ctl.comm_re);
	return rc;
}
