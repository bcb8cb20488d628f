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
};

static void usage(int status) __attribute__((noreturn));
static void parse_options(struct ctl *, int, char **);

static void
usage(int status)
{
	FILE *f = status == TRI_EXIT_OK ? stdout : stderr;

	fputs("Usage: ctxswitch [-t] [-p PID[,PID...]] [-i SECONDS] [-n COUNT]"
	    " [-l N]\n"
	    "                 [--json] [--no-header] [--color=WHEN]"
	    " [INTERVAL [COUNT]]\n"
	    "       ctxswitch --top [-t] [-p PID[,PID...]] [-i SECONDS]\n"
	    "       ctxswitch [-i SECONDS] [-o FILE] [--json] -- COMMAND"
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
	    "  -l, --limit N           processes shown without -p (default"
	    " 10)\n"
	    "  -o, --output FILE       run mode: write the report to FILE\n"
	    "      --top               live ncurses view, sorted by switch rate\n"
	    "      --bench             measure the cost of one context switch\n"
	    "      --json              one JSON object per interval\n"
	    "      --no-header         leave out the header line\n"
	    "      --color=WHEN        auto, always or never\n"
	    "  -h, --help              show this help\n"
	    "  -V, --version           show the version\n"
	    "\nWithout -p: the whole system and its busiest processes. After"
	    " the last\ninterval of -p, a verdict on why each process"
	    " switches.\n", f);
	exit(TRI_EXIT_OK);
}

static void
add_targets(struct ctl *ctl, const char *arg)
{
	tri_targets_add_or_exit(&ctl->targets, arg);
}

/* pidstat-style operands: INTERVAL [COUNT]; INTERVAL alone runs on. */
static void
operands(struct ctl *ctl, int argc, char **argv)
{
	double d;

	if (argc > 2 || tri_cli_parse_seconds(argv[0], &d) < 0 ||
	    (argc == 2 && !tri_cli_is_number(argv[1]))) {
		warnx("operands are INTERVAL [COUNT]; to run a program put it"
		    " after --");
		usage(TRI_EXIT_FAIL);
	}
	ctl->sample.interval = tri_cli_seconds_or_exit("interval", argv[0]);
	ctl->sample.count = argc == 2 ?
	    tri_cli_count_or_exit("count", argv[1], 0) : 0;
	ctl->sample_set = true;
}

static void
parse_long(struct ctl *ctl, int c, enum tri_color_mode *color)
{
	switch (c) {
	case OPT_BENCH:
		ctl->bench = true;
		break;
	case OPT_TOP:
		ctl->top = true;
		break;
	case TRI_OPT_COLOR:
		*color = tri_cli_color_or_exit(optarg);
		break;
	case TRI_OPT_JSON:
		ctl->json = true;
		break;
	case TRI_OPT_NO_HEADER:
		ctl->header = false;
		break;
	default:
		usage(TRI_EXIT_FAIL);
	}
}

static void
check_modes(const struct ctl *ctl)
{
	if (ctl->top + ctl->bench + (ctl->argv != NULL) > 1)
		errx(TRI_EXIT_FAIL, "--top, --bench and a command exclude each"
		    " other");
	if (ctl->top && ctl->json)
		errx(TRI_EXIT_FAIL, "--json does not go with --top");
	if (ctl->argv != NULL && ctl->targets.n > 0)
		errx(TRI_EXIT_FAIL, "-p does not go with a command");
	if (ctl->output != NULL && ctl->argv == NULL)
		errx(TRI_EXIT_FAIL, "-o is for run mode (-- COMMAND)");
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bench",	no_argument,		NULL, OPT_BENCH },
		{ "color",	required_argument,	NULL, TRI_OPT_COLOR },
		{ "count",	required_argument,	NULL, 'n' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "json",	no_argument,		NULL, TRI_OPT_JSON },
		{ "limit",	required_argument,	NULL, 'l' },
		{ "no-header",	no_argument,		NULL, TRI_OPT_NO_HEADER },
		{ "output",	required_argument,	NULL, 'o' },
		{ "pid",	required_argument,	NULL, 'p' },
		{ "threads",	no_argument,		NULL, 't' },
		{ "top",	no_argument,		NULL, OPT_TOP },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	enum tri_color_mode color = TRI_COLOR_AUTO;
	int c;

	ctl->header = true;
	ctl->limit = 10;
	ctl->sample.interval = 1;
	ctl->sample.count = 1;
	while ((c = getopt_long(argc, argv, "+hVi:l:n:o:p:t", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(TRI_EXIT_OK);
		case 'i':
			ctl->sample.interval = tri_cli_seconds_or_exit("-i",
			    optarg);
			ctl->sample_set = true;
			break;
		case 'l':
			ctl->limit = tri_cli_count_or_exit("-l", optarg, 0);
			break;
		case 'n':
			ctl->sample.count = tri_cli_count_or_exit("-n", optarg,
			    0);
			ctl->sample_set = true;
			break;
		case 'o':
			ctl->output = optarg;
			break;
		case 'p':
			add_targets(ctl, optarg);
			break;
		case 't':
			ctl->threads = true;
			break;
		case 'V':
			tri_cli_version_exit();
		default:
			parse_long(ctl, c, &color);
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") == 0)
		ctl->argv = argv + optind;
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
	return rc;
}
