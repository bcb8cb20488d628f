/* cmd/forkguard/main.c - contain fork bombs, and say which limit a fork will hit. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkguard.h"

#define DEF_MAX_PROCS	1024
#define DEF_MAX_RATE	200.0
#define MAX_PROCS_LIMIT	4194304		/* PID_MAX_LIMIT */

enum {
	OPT_DRY_RUN = TRI_OPT_FIRST_FREE,
	OPT_FENCE,
	OPT_KEEP_CAPS,
	OPT_WITHIN,
	OPT_PROM,
	OPT_RAW,
};

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fputs("Usage: forkguard [-m max-procs] [-r max-rate] [-a action] "
	    "[--fence=kind] [--keep-caps]\n"
	    "                 [-i seconds] [-W file] [--json] [--color[=when]] "
	    "-- command [arg...]\n"
	    "       forkguard -w [-k [--dry-run]] [--within=cgroup] [-r max-rate]"
	    " [-i seconds]\n"
	    "                 [-n count] [--json]\n"
	    "       forkguard -l [-p pid[,pid...] | -u user] [-o columns] [--raw]"
	    "\n                 [--json | --prom] [--no-header]\n", f);
	if (status != 0)
		exit(status);
	fputs("\nRun a command inside a new cgroup that fences its tasks; detect"
	    " a fork bomb by\nits growth, freeze and kill it at once, and say"
	    " who forked.  Watch the whole\nmachine for bombs; list every limit"
	    " a fork would meet.\n\n"
	    "  -m, --max-procs N      the fence's pids.max (default 1024)\n"
	    "  -r, --max-rate R       a bomb grows faster than R tasks/s"
	    " (default 200)\n"
	    "  -a, --action ACTION    kill (default), freeze or report\n"
	    "      --fence=KIND       auto (default), v1, v2 or none"
	    " (RLIMIT_NPROC)\n"
	    "      --keep-caps        keep capabilities and allow setuid in"
	    " the command\n"
	    "  -W, --write FILE       write the report to FILE, not stderr\n"
	    "  -w, --watch            watch the machine for bombs\n"
	    "  -k, --kill             with --watch: quarantine and kill a"
	    " bomb\n"
	    "      --dry-run          with --kill: say what would be done\n"
	    "      --within CGROUP    --watch only processes in this pids"
	    " cgroup (or self)\n"
	    "  -n, --count N          --watch ends after N bombs\n"
	    "  -i, --interval SECS    seconds between samples\n"
	    "  -l, --limits           every limit a fork would meet, the"
	    " tightest named\n"
	    "  -p, --pid PID[,PID]    --limits of these processes"
	    " (default: forkguard)\n"
	    "  -u, --user USER        --limits of a user's processes\n"
	    "  -o, --output COLUMNS   --limits' columns, in order (-o help)\n"
	    "      --raw              --limits unaligned, a space in a cell as"
	    " \\x20\n"
	    "      --json             JSON output\n"
	    "      --prom             --limits as Prometheus text\n"
	    "      --no-header        no header line in --limits\n"
	    "      --color[=WHEN]     auto, always (no value) or never\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n", f);
	exit(0);
}

/* One line and exit 2: a bad value needs no usage text. */
static void bad_value(const char *opt, const char *arg, const char *want)
    __attribute__((noreturn));

static void
bad_value(const char *opt, const char *arg, const char *want)
{
	char *esc = tri_out_escape_dup(arg, strlen(arg));

	errx(TRI_EXIT_FAIL, "%s %s: %s", opt, esc ? esc : "?", want);
}

static unsigned long
parse_max_procs(const char *arg)
{
	unsigned long long v;

	if (tri_cli_parse_ull(arg, 1, MAX_PROCS_LIMIT, &v) < 0)
		bad_value("--max-procs", arg, "not a number of tasks from 1 to "
		    "4194304");
	return (unsigned long)v;
}

static double
parse_rate(const char *arg)
{
	double v;

	if (tri_cli_parse_seconds(arg, &v) < 0)
		bad_value("--max-rate", arg, "not a positive number of tasks "
		    "per second");
	return v;
}

static enum action
parse_action(const char *arg)
{
	if (strcmp(arg, "kill") == 0)
		return ACT_KILL;
	if (strcmp(arg, "freeze") == 0)
		return ACT_FREEZE;
	if (strcmp(arg, "report") == 0)
		return ACT_REPORT;
	bad_value("--action", arg, "not kill, freeze or report");
}

static enum fence_pick
parse_fence(const char *arg)
{
	if (strcmp(arg, "auto") == 0)
		return FP_AUTO;
	if (strcmp(arg, "v1") == 0)
		return FP_V1;
	if (strcmp(arg, "v2") == 0)
		return FP_V2;
	if (strcmp(arg, "none") == 0)
		return FP_NONE;
	bad_value("--fence", arg, "not auto, v1, v2 or none");
}

static uid_t
parse_user(const char *arg)
{
	unsigned long long v;
	struct passwd *pw;

	if (tri_cli_is_number(arg) && tri_cli_parse_ull(arg, 0, 0xfffffffe,
	    &v) == 0)
		return (uid_t)v;
	if ((pw = getpwnam(arg)) == NULL)
		bad_value("-u", arg, "no such user");
	return pw->pw_uid;
}

/* What goes with what; one line and the usage on a mismatch. */
static void
check_options(const struct ctl *ctl, bool run_opts, bool sampling)
{
	const char *bad = NULL;
	int modes = ctl->watch + ctl->limits + (ctl->argv != NULL);

	if (modes == 0)
		bad = "a command after --, --watch or --limits is required";
	else if (modes > 1)
		bad = "a command, --watch and --limits do not go together";
	else if (ctl->targets.n > 0 && ctl->user_set)
		bad = "-p and -u do not go together";
	else if (ctl->kill && !ctl->watch)
		bad = "--kill goes with --watch";
	else if (ctl->dry_run && !ctl->kill)
		bad = "--dry-run goes with --watch --kill";
	else if ((ctl->count || ctl->within) && !ctl->watch)
		bad = "-n and --within go with --watch";
	else if (ctl->within && strcmp(ctl->within, "self") != 0 &&
	    ctl->within[0] != '/')
		bad = "--within takes self or a cgroup path (/...)";
	else if (run_opts && ctl->argv == NULL)
		bad = "--max-procs, --action, --fence, --keep-caps and -W go "
		    "with a command";
	else if (sampling && ctl->limits)
		bad = "-i does not go with --limits";
	else if (ctl->prom && (!ctl->limits || ctl->json))
		bad = "--prom goes with --limits, not with --json";
	else if ((ctl->columns || ctl->raw) && (!ctl->limits || ctl->json ||
	    ctl->prom))
		bad = "-o and --raw go with the --limits table";
	if (bad)
		errx(TRI_EXIT_FAIL, "%s", bad);	/* one line (man 7 triage) */
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "action",	required_argument, NULL, 'a' },
		{ "color",	optional_argument, NULL, TRI_OPT_COLOR },
		{ "count",	required_argument, NULL, 'n' },
		{ "dry-run",	no_argument,	   NULL, OPT_DRY_RUN },
		{ "fence",	required_argument, NULL, OPT_FENCE },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "interval",	required_argument, NULL, 'i' },
		{ "json",	no_argument,	   NULL, TRI_OPT_JSON },
		{ "keep-caps",	no_argument,	   NULL, OPT_KEEP_CAPS },
		{ "kill",	no_argument,	   NULL, 'k' },
		{ "limits",	no_argument,	   NULL, 'l' },
		{ "max-procs",	required_argument, NULL, 'm' },
		{ "max-rate",	required_argument, NULL, 'r' },
		{ "no-header",	no_argument,	   NULL, TRI_OPT_NO_HEADER },
		{ "output",	required_argument, NULL, 'o' },
		{ "raw",	no_argument,	   NULL, OPT_RAW },
		{ "pid",	required_argument, NULL, 'p' },
		{ "prom",	no_argument,	   NULL, OPT_PROM },
		{ "user",	required_argument, NULL, 'u' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "watch",	no_argument,	   NULL, 'w' },
		{ "within",	required_argument, NULL, OPT_WITHIN },
		{ "write",	required_argument, NULL, 'W' },
		{ NULL,		0,		   NULL, 0 },
	};
	static const char shortopts[] = "+a:hi:klm:n:o:p:r:u:VwW:";
	bool run_opts = false, sampling = false;
	int c;

	ctl->max_procs = DEF_MAX_PROCS;
	ctl->max_rate = DEF_MAX_RATE;
	ctl->header = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			ctl->action = parse_action(optarg);
			run_opts = true;
			break;
		case 'h':
			usage(0);
		case 'i':
			ctl->interval = tri_cli_seconds_or_exit("-i", optarg);
			sampling = true;
			break;
		case 'k':
			ctl->kill = true;
			break;
		case 'l':
			ctl->limits = true;
			break;
		case 'm':
			ctl->max_procs = parse_max_procs(optarg);
			run_opts = true;
			break;
		case 'n':
			ctl->count = tri_cli_count_or_exit("-n", optarg, 1);
			break;
		case 'o':
			ctl->columns = optarg;
			break;
		case 'W':
			ctl->output = optarg;
			run_opts = true;
			break;
		case 'p':
			tri_targets_add_or_exit(&ctl->targets, optarg);
			ctl->limits = true;
			break;
		case 'r':
			ctl->max_rate = parse_rate(optarg);
			break;
		case 'u':
			ctl->user = parse_user(optarg);
			ctl->user_set = ctl->limits = true;
			break;
		case 'V':
			tri_cli_version_exit();
		case 'w':
			ctl->watch = true;
			break;
		case OPT_DRY_RUN:
			ctl->dry_run = true;
			break;
		case OPT_FENCE:
			ctl->fence = parse_fence(optarg);
			run_opts = true;
			break;
		case OPT_PROM:
			ctl->prom = true;
			break;
		case OPT_RAW:
			ctl->raw = true;
			break;
		case OPT_WITHIN:
			ctl->within = optarg;
			break;
		case OPT_KEEP_CAPS:
			ctl->keep_caps = true;
			run_opts = true;
			break;
		case TRI_OPT_COLOR:
			ctl->color = optarg ? tri_cli_color_or_exit(optarg) :
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
	if (optind < argc)
		ctl->argv = argv + optind;
	if (ctl->columns && strcmp(ctl->columns, "help") == 0)
		limits_check_columns(ctl);	/* lists them, exits 0 */
	check_options(ctl, run_opts, sampling);
	limits_check_columns(ctl);
	tri_out_color_init(ctl->color);
}

int
main(int argc, char **argv)
{
	struct ctl ctl;
	int status;

	tri_cli_init();
	memset(&ctl, 0, sizeof(ctl));
	parse_options(&ctl, argc, argv);
	if (ctl.limits)
		status = limits_mode(&ctl);
	else if (ctl.watch)
		status = watch_mode(&ctl);
	else
		status = run_mode(&ctl);
	tri_targets_free(&ctl.targets);
	return status;
}
