/* cmd/proctree/main.c - a process tree that shows what pstree hides. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "proctree.h"

enum {
	OPT_NS = TRI_OPT_FIRST_FREE,
};

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fputs("Usage: proctree [options] [pid|user ...]\n", f);
	if (status)
		exit(status);
	fputs("\nShow the process tree with states, threads and namespaces.\n\n"
	    "  -a, --arguments       show command line arguments\n"
	    "  -A, --ascii           use ASCII line drawing\n"
	    "  -c, --compact-not     do not compact identical subtrees\n"
	    "  -g, --show-pgids      show process group ids\n"
	    "  -H, --highlight-pid=PID  highlight PID and its ancestors\n"
	    "  -l, --long            do not cut lines at the terminal width\n"
	    "  -m, --match=PATTERN   only processes whose name or command line\n"
	    "                        matches PATTERN (extended regex), with\n"
	    "                        their ancestors and descendants\n"
	    "  -n, --numeric-sort    sort by pid (default: by name)\n"
	    "  -p, --show-pids       show pids; implies -c\n"
	    "  -s, --show-parents    show the ancestors of each root too\n"
	    "  -t, --thread-names    show each thread's own name\n"
	    "  -T, --hide-threads    hide threads\n"
	    "  -u, --uid-changes     show where the user changes\n"
	    "  -U, --unicode         use Unicode line drawing\n"
	    "      --ns              mark PID namespace boundaries: pid inside, "
	    "cgroup\n"
	    "      --json            print the tree as JSON\n"
	    "      --color=WHEN      auto, always or never\n"
	    "  -h, --help            show this help\n"
	    "  -V, --version         show the version\n"
	    "\nRoots: pids or user names; default the tree under pid 1.\n"
	    "Marks: <defunct> zombie, <D> uninterruptible, <stopped>, "
	    "<traced>.\n", f);
	exit(TRI_EXIT_OK);
}

/* getopt's own messages are off so a malformed pid is one line. */
static void
bad_option(int opt, const char *word)
{
	if (isdigit(opt))
		errx(TRI_EXIT_FAIL, "%s: not a valid pid", word);
	if (opt == 0)
		warnx("unknown option '%s'", word);
	else
		warnx("bad option '%s'", word);
	usage(TRI_EXIT_FAIL);
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "arguments",		no_argument,	   NULL, 'a' },
		{ "ascii",		no_argument,	   NULL, 'A' },
		{ "compact-not",	no_argument,	   NULL, 'c' },
		{ "show-pgids",		no_argument,	   NULL, 'g' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "highlight-pid",	required_argument, NULL, 'H' },
		{ "long",		no_argument,	   NULL, 'l' },
		{ "match",		required_argument, NULL, 'm' },
		{ "numeric-sort",	no_argument,	   NULL, 'n' },
		{ "show-pids",		no_argument,	   NULL, 'p' },
		{ "show-parents",	no_argument,	   NULL, 's' },
		{ "thread-names",	no_argument,	   NULL, 't' },
		{ "hide-threads",	no_argument,	   NULL, 'T' },
		{ "uid-changes",	no_argument,	   NULL, 'u' },
		{ "unicode",		no_argument,	   NULL, 'U' },
		{ "version",		no_argument,	   NULL, 'V' },
		{ "json",		no_argument,	   NULL, TRI_OPT_JSON },
		{ "color",		required_argument, NULL, TRI_OPT_COLOR },
		{ "ns",			no_argument,	   NULL, OPT_NS },
		{ NULL, 0, NULL, 0 }
	};
	int c, r;

	ctl->compact = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":aAcghH:lm:npstTuUV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'a': ctl->args = true; break;
		case 'A': ctl->sym = 'A'; break;
		case 'c': ctl->compact = false; break;
		case 'g': ctl->pgids = true; break;
		case 'h': usage(TRI_EXIT_OK);
		case 'H':
			if (tri_cli_parse_pid(optarg, &ctl->highlight) < 0)
				errx(TRI_EXIT_FAIL, "-H %s: %s", optarg,
				    tri_cli_target_error(errno));
			break;
		case 'l': ctl->no_cut = true; break;
		case 'm': ctl->match = optarg; break;
		case 'n': ctl->by_pid = true; break;
		case 'p': ctl->pids = true; ctl->compact = false; break;
		case 's': ctl->parents = true; break;
		case 't': ctl->thread_names = true; break;
		case 'T': ctl->hide_threads = true; break;
		case 'u': ctl->uid_changes = true; break;
		case 'U': ctl->sym = 'U'; break;
		case 'V': tri_cli_version_exit();
		case TRI_OPT_JSON: ctl->json = true; break;
		case TRI_OPT_COLOR:
			ctl->color = tri_cli_color_or_exit(optarg);
			break;
		case OPT_NS: ctl->ns = true; break;
		case ':':
			warnx("option '%s' needs an argument", argv[optind - 1]);
			usage(TRI_EXIT_FAIL);
		default:
			bad_option(optopt, argv[optind - 1]);
		}
	}
	if (ctl->match && (r = regcomp(&ctl->re, ctl->match,
	    REG_EXTENDED | REG_NOSUB)) != 0) {
		char msg[256];

		regerror(r, &ctl->re, msg, sizeof(msg));
		errx(TRI_EXIT_FAIL, "-m %s: %s", ctl->match, msg);
	}
	ctl->operands = argv + optind;
	ctl->noperands = argc - optind;
}

static unsigned
snap_flags(const struct ctl *ctl)
{
	unsigned f = TRI_PT_UID;	/* libproc2 gets it from one fstat */

	if (ctl->args || ctl->match)
		f |= TRI_PT_CMDLINE;
	if (!ctl->hide_threads)
		f |= TRI_PT_THREADS;
	if (ctl->ns)
		f |= TRI_PT_NS;
	return f;
}

int
main(int argc, char **argv)
{
	struct ctl ctl = { .color = TRI_COLOR_AUTO };
	struct roots rs = { 0 };
	struct vnode **views;
	struct tree tr;
	int k, n, status = TRI_EXIT_OK;

	tri_cli_init();
	setlocale(LC_CTYPE, "");
	parse_options(&ctl, argc, argv);
	tri_out_color_init(ctl.color);
	tree_snap(&tr, snap_flags(&ctl));			/* select.c */
	rs.idx = xcalloc(tr.t.n, sizeof(int));
	for (k = 0; k < ctl.noperands; k++)
		operand_roots(&tr, ctl.operands[k], &rs);	/* select.c */
	if (ctl.noperands == 0)
		default_roots(&tr, &rs);
	if (ctl.highlight && tri_ptable_find(&tr.t, ctl.highlight) == NULL)
		errx(TRI_EXIT_FAIL, "-H %d: no such process", (int)ctl.highlight);
	if (ctl.match && select_matches(&ctl, &tr) == 0)	/* select.c */
		status = TRI_EXIT_FOUND;
	views = xcalloc((size_t)rs.n, sizeof(*views));
	n = make_views(&ctl, &tr, &rs, views);			/* view.c */
	if (n == 0)
		status = TRI_EXIT_FOUND;
	if (ctl.json)
		print_json(&ctl, views, n);			/* json.c */
	else
		print_text(&ctl, views, n);			/* text.c */
	for (k = 0; k < n; k++)
		free_view(views[k]);
	free(views);
	free(rs.idx);
	tree_free(&tr);
	if (ctl.match)
		regfree(&ctl.re);
	return status;
}
