/* cmd/structpad/main.c - struct layouts and padding from DWARF, with fixes. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "structpad.h"

enum {
	OPT_BASELINE = TRI_OPT_FIRST_FREE,
	OPT_CACHELINE,
	OPT_CHECK,
	OPT_FALSE_SHARING,
	OPT_HOT,
	OPT_MAX_WASTE,
	OPT_MIN_WASTE,
	OPT_RAW,
};

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fputs("Usage: structpad [-s [-o columns] [--raw] | -R] [-C name]... "
	    "[-H N]\n"
	    "                 [--min-waste bytes]"
	    "\n"
	    "                 [--cacheline bytes] [--hot a,b] "
	    "[--false-sharing]\n"
	    "                 [--json] [--no-header] [--color[=when]] file...\n"
	    "       structpad --check [--max-waste bytes] [--hot a,b]"
	    " [--false-sharing]\n"
	    "                 file...\n"
	    "       structpad --baseline saved.json [--hot a,b]"
	    " [--false-sharing] file\n", f);
	if (status != 0)
		exit(status);
	fputs("\nShow how structs, classes and unions are laid out in memory,"
	    " from the DWARF\nof ELF files (or their separate debug files):"
	    " holes, padding, cache lines,\na member order that wastes less,"
	    " and hot fields that share a cache line.\n\n"
	    "  -C, --type NAME        only types named NAME (a glob; may be"
	    " repeated)\n"
	    "  -H, --holes N          only types with at least N holes\n"
	    "      --min-waste BYTES  only types wasting at least BYTES\n"
	    "  -s, --summary          one line per type, by bytes wasted\n"
	    "  -o, --output COLUMNS   -s's columns, in order (+COL adds one;"
	    " -o help)\n"
	    "      --raw              -s unaligned, a space in a cell as \\x20\n"
	    "  -R, --suggest          a member order of the least size\n"
	    "      --hot A,B          members written by different threads\n"
	    "      --false-sharing    atomics and locks are hot too\n"
	    "      --cacheline BYTES  cache line size (default from sysfs,"
	    " else 64)\n"
	    "      --check            exit 1 listing types over --max-waste or"
	    " with\n"
	    "                         hot members on one cache line\n"
	    "      --max-waste BYTES  the limit of --check\n"
	    "      --baseline FILE    exit 1 when a type grew, gained a hole"
	    " or put hot\n"
	    "                         members on one line since FILE (a saved"
	    " --json)\n"
	    "      --json             the layout model as JSON\n"
	    "      --no-header        no header line in --summary\n"
	    "      --color[=WHEN]     auto, always (no WHEN) or never\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n", f);
	exit(0);
}

static void
bad_usage(const char *msg)
{
	warnx("%s", msg);	/* one line, no usage dump */
	exit(TRI_EXIT_FAIL);
}

static void
add_hot(struct ctl *ctl, const char *arg)
{
	char *copy, *tok, *save = NULL;

	if ((copy = strdup(arg)) == NULL)
		err(TRI_EXIT_FAIL, "strdup");
	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		ctl->hot = realloc(ctl->hot, (ctl->nhot + 1) * sizeof(*ctl->hot));
		if (ctl->hot == NULL || (ctl->hot[ctl->nhot] = strdup(tok)) == NULL)
			err(TRI_EXIT_FAIL, "strdup");
		ctl->nhot++;
	}
	free(copy);
}

static unsigned long long
bytes_arg(const char *opt, const char *arg, unsigned long long min)
{
	unsigned long long v;
	char esc[128];

	if (tri_cli_parse_ull(arg, min, 1ULL << 40, &v) < 0) {
		tri_out_escape(esc, sizeof(esc), arg, strlen(arg));
		errx(TRI_EXIT_FAIL, "%s %s: not a number of bytes%s", opt, esc,
		    min ? " (at least 1)" : "");
	}
	return v;
}

static void
check_options(const struct ctl *ctl, int nfiles)
{
	if (nfiles == 0)
		bad_usage("a FILE is required");
	if (ctl->summary && ctl->suggest)
		bad_usage("-s and -R do not go together");
	if ((ctl->columns || ctl->raw) && !ctl->summary)
		bad_usage("-o and --raw go with -s");
	if ((ctl->json || ctl->baseline) && nfiles != 1)
		bad_usage("--json and --baseline take one FILE");
	if (ctl->have_max_waste && !ctl->check)
		bad_usage("--max-waste goes with --check");
	if (ctl->check && !ctl->have_max_waste && !ctl->nhot &&
	    !ctl->false_sharing)
		bad_usage("--check needs --max-waste, --hot or --false-sharing");
	if (ctl->check && ctl->baseline)
		bad_usage("--check and --baseline do not go together");
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "baseline",	   required_argument, NULL, OPT_BASELINE },
		{ "cacheline",	   required_argument, NULL, OPT_CACHELINE },
		{ "check",	   no_argument,	      NULL, OPT_CHECK },
		{ "color",	   optional_argument, NULL, TRI_OPT_COLOR },
		{ "false-sharing", no_argument,	      NULL, OPT_FALSE_SHARING },
		{ "help",	   no_argument,	      NULL, 'h' },
		{ "holes",	   required_argument, NULL, 'H' },
		{ "hot",	   required_argument, NULL, OPT_HOT },
		{ "json",	   no_argument,	      NULL, TRI_OPT_JSON },
		{ "max-waste",	   required_argument, NULL, OPT_MAX_WASTE },
		{ "min-waste",	   required_argument, NULL, OPT_MIN_WASTE },
		{ "no-header",	   no_argument,	      NULL, TRI_OPT_NO_HEADER },
		{ "output",	   required_argument, NULL, 'o' },
		{ "raw",	   no_argument,	      NULL, OPT_RAW },
		{ "suggest",	   no_argument,	      NULL, 'R' },
		{ "summary",	   no_argument,	      NULL, 's' },
		{ "type",	   required_argument, NULL, 'C' },
		{ "version",	   no_argument,	      NULL, 'V' },
		{ NULL,		   0,		      NULL, 0 },
	};
	static const char shortopts[] = "C:H:ho:RsV";
	int c;

	ctl->header = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			ctl->names = realloc(ctl->names,
			    (ctl->nnames + 1) * sizeof(*ctl->names));
			if (ctl->names == NULL)
				err(TRI_EXIT_FAIL, "realloc");
			ctl->names[ctl->nnames++] = optarg;
			break;
		case 'H':
			ctl->holes = tri_cli_count_or_exit("-H", optarg, 1);
			break;
		case 'h':
			usage(0);
		case 'o':
			ctl->columns = optarg;
			break;
		case 'R':
			ctl->suggest = true;
			break;
		case 's':
			ctl->summary = true;
			break;
		case 'V':
			tri_cli_version_exit();
		case OPT_BASELINE:
			ctl->baseline = optarg;
			break;
		case OPT_CACHELINE:
			ctl->cacheline = (unsigned long)bytes_arg("--cacheline",
			    optarg, 1);
			break;
		case OPT_CHECK:
			ctl->check = true;
			break;
		case OPT_FALSE_SHARING:
			ctl->false_sharing = true;
			break;
		case OPT_HOT:
			add_hot(ctl, optarg);
			break;
		case OPT_MAX_WASTE:
			ctl->max_waste = bytes_arg("--max-waste", optarg, 0);
			ctl->have_max_waste = true;
			break;
		case OPT_MIN_WASTE:
			ctl->min_waste = bytes_arg("--min-waste", optarg, 0);
			break;
		case OPT_RAW:
			ctl->raw = true;
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
	if (ctl->columns && strcmp(ctl->columns, "help") == 0)
		summary_check_columns(ctl);	/* lists them, exits 0 */
	check_options(ctl, argc - optind);
	summary_check_columns(ctl);
	if (ctl->cacheline == 0)
		ctl->cacheline = cacheline_default();
	tri_out_color_init(ctl->color);
}

/* Say why file could not be read, in one line. */
static void
report_load(const char *file, const struct tri_dwarf *d, int e)
{
	char esc[1024];

	tri_out_escape(esc, sizeof(esc), file, strlen(file));
	if (e == EISDIR)
		warnx("%s: is a directory", esc);
	else if (e == ENOEXEC)
		warnx("%s: not an ELF file", esc);
	else if (e == EINVAL)
		warnx("%s: %s", esc, d->why[0] ? d->why :
		    "truncated or corrupt ELF or DWARF");
	else if (e == ENODATA)
		warnx("%s: no debug info: build with -g, or install its debug "
		    "symbols package", esc);
	else
		warnx("%s: %s", esc, strerror(e));
}

/* Every -C must name a type of the file. */
static int
check_names(const struct ctl *ctl, const char *file, const struct tri_dwarf *d)
{
	struct ctl one = *ctl;
	char esc[1024], en[512];
	size_t i, k;

	one.nnames = 1;
	for (i = 0; i < ctl->nnames; i++) {
		one.names = &ctl->names[i];
		for (k = 0; k < d->ntypes; k++)
			if (!d->types[k].nested &&
			    select_name_matches(&one, &d->types[k]))
				break;
		if (k == d->ntypes) {
			tri_out_escape(esc, sizeof(esc), file, strlen(file));
			tri_out_escape(en, sizeof(en), ctl->names[i],
			    strlen(ctl->names[i]));
			warnx("%s: no type matches %s", esc, en);
			return -1;
		}
	}
	return 0;
}

static int
output(const struct ctl *ctl, const char *file, const struct tri_dwarf *d,
    struct layout *l, size_t n)
{
	size_t i;

	if (ctl->json) {
		json_write(ctl, file, d, l, n);
		if (ctl->baseline)
			return baseline_run(ctl, file, l, n);
		return ctl->check ? check_run(ctl, file, l, n) : TRI_EXIT_OK;
	}
	if (ctl->baseline)
		return baseline_run(ctl, file, l, n);
	if (ctl->check)
		return check_run(ctl, file, l, n);
	if (ctl->summary)
		view_summary(ctl, l, n);
	for (i = 0; !ctl->summary && i < n; i++) {
		if (ctl->suggest)
			view_suggest(ctl, d, &l[i]);
		else
			view_type(ctl, d, &l[i]);
	}
	return TRI_EXIT_OK;
}

/*
 * The text views print each type as soon as its layout is known, so that
 * only one layout is in memory at a time; the others need them all.
 */
static bool
streams(const struct ctl *ctl)
{
	return !ctl->json && !ctl->baseline && !ctl->check && !ctl->summary;
}

static int
run_file(const struct ctl *ctl, const char *file)
{
	struct tri_dwarf d;
	struct layout *l;
	size_t i, n = 0;
	int status;

	if (tri_dwarf_load(file, &d) < 0) {
		report_load(file, &d, errno);
		tri_dwarf_free(&d);
		return TRI_EXIT_FAIL;
	}
	if (check_names(ctl, file, &d) < 0) {
		tri_dwarf_free(&d);
		return TRI_EXIT_FAIL;
	}
	if ((l = calloc(streams(ctl) || d.ntypes == 0 ? 1 : d.ntypes,
	    sizeof(*l))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < d.ntypes; i++) {
		if (d.types[i].nested || !select_name_matches(ctl, &d.types[i]))
			continue;
		if (layout_compute(ctl, &d.types[i], &l[n]) < 0)
			err(TRI_EXIT_FAIL, "layout");
		if (!select_wanted(ctl, &l[n]))
			layout_free(&l[n]);
		else if (streams(ctl)) {
			output(ctl, file, &d, &l[n], 1);
			layout_free(&l[n]);
		} else
			n++;
	}
	status = streams(ctl) ? TRI_EXIT_OK : output(ctl, file, &d, l, n);
	for (i = 0; i < n; i++)
		layout_free(&l[i]);
	free(l);
	tri_dwarf_free(&d);
	return status;
}

int
main(int argc, char **argv)
{
	struct ctl ctl;
	int status = TRI_EXIT_OK, r, i;

	tri_cli_init();
	memset(&ctl, 0, sizeof(ctl));
	parse_options(&ctl, argc, argv);
	for (i = optind; i < argc; i++) {
		r = run_file(&ctl, argv[i]);
		if (r > status)
			status = r;
	}
	for (i = 0; i < (int)ctl.nhot; i++)
		free(ctl.hot[i]);
	free(ctl.hot);
	free(ctl.names);
	return status;
}
