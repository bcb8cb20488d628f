/* lib/cli.c - the option conventions every command shares. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "proc.h"

#define PID_MAX_LIMIT	4194304

static void
close_stdout(void)
{
	bool failed = ferror(stdout) != 0;

	if (fclose(stdout) != 0)
		failed = true;
	if (failed && errno != EPIPE) {
		fprintf(stderr, "%s: write error: %s\n",
		    program_invocation_short_name, strerror(errno));
		_exit(TRI_EXIT_FAIL);
	}
}

void
tri_cli_init(void)
{
	signal(SIGPIPE, SIG_DFL);
	if (isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOLBF, 0);
	atexit(close_stdout);
}

void
tri_cli_version_exit(void)
{
	printf("%s (triage) %s\n", program_invocation_short_name, TRI_VERSION);
	exit(TRI_EXIT_OK);
}

bool
tri_cli_is_number(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int
tri_cli_parse_ull(const char *s, unsigned long long min,
    unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!tri_cli_is_number(s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int
tri_cli_parse_int(const char *s, int min, int max, int *out)
{
	unsigned long long v;
	bool neg = *s == '-';

	if (neg && min >= 0) {
		errno = EINVAL;
		return -1;
	}
	if (tri_cli_parse_ull(s + neg, 0, (unsigned long long)INT_MAX + 1,
	    &v) < 0)
		return -1;
	long long x = neg ? -(long long)v : (long long)v;

	if (x < min || x > max) {
		errno = ERANGE;
		return -1;
	}
	*out = (int)x;
	return 0;
}

int
tri_cli_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s) && *s != '.') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || end == s || !isfinite(v)) {
		errno = EINVAL;
		return -1;
	}
	if (v <= 0 || v > 86400.0 * 365) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

double
tri_cli_seconds_or_exit(const char *opt, const char *arg)
{
	double v;
	char *esc;

	if (tri_cli_parse_seconds(arg, &v) == 0)
		return v;
	esc = tri_out_escape_dup(arg, strlen(arg));
	errx(TRI_EXIT_FAIL, "%s %s: not a positive number of seconds", opt,
	    esc ? esc : "?");
}

enum tri_color_mode
tri_cli_color_or_exit(const char *arg)
{
	enum tri_color_mode m;
	char *esc;

	if (tri_out_parse_color(arg, &m) == 0)
		return m;
	esc = tri_out_escape_dup(arg, strlen(arg));
	errx(TRI_EXIT_FAIL, "--color %s: not auto, always or never",
	    esc ? esc : "?");
}

unsigned long
tri_cli_count_or_exit(const char *opt, const char *arg, unsigned long min)
{
	unsigned long long v;
	char *esc;

	if (tri_cli_parse_ull(arg, min, ULONG_MAX, &v) == 0)
		return (unsigned long)v;
	esc = tri_out_escape_dup(arg, strlen(arg));
	errx(TRI_EXIT_FAIL, "%s %s: not a %s number", opt, esc ? esc : "?",
	    min > 0 ? "positive" : "whole");
}

int
tri_cli_parse_pid(const char *s, pid_t *out)
{
	unsigned long long v;

	if (tri_cli_parse_ull(s, 1, PID_MAX_LIMIT, &v) < 0)
		return -1;
	*out = (pid_t)v;
	return 0;
}

static int
targets_push(struct tri_targets *t, pid_t pid)
{
	pid_t *np;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->pids[i] == pid)
			return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		if ((np = realloc(t->pids, t->cap * sizeof(*np))) == NULL)
			return -1;
		t->pids = np;
	}
	t->pids[t->n++] = pid;
	return 0;
}

static const char *
base(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

/* Whether the process in dirfd is called name, as pidof decides it. */
static bool
name_matches(const struct tri_proc *p, const char *name)
{
	char buf[4096], link[PATH_MAX];
	struct tri_stat st;
	ssize_t n;

	if (tri_proc_read_stat(p, &st) == 0 && strcmp(st.comm, name) == 0)
		return true;
	n = tri_proc_read(p, "cmdline", buf, sizeof(buf));
	if (n > 0 && strcmp(base(buf), name) == 0)
		return true;
	n = readlinkat(p->dirfd, "exe", link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		if (strcmp(base(link), name) == 0)
			return true;
	}
	return false;
}

struct pidof {
	const char		*name;
	struct tri_targets	 t;
};

static int
pidof_one(pid_t pid, void *arg)
{
	struct pidof *po = arg;
	struct tri_proc p;
	int r = 0;

	if (pid == getpid() || tri_proc_open(&p, pid) < 0)
		return 0;
	if (name_matches(&p, po->name))
		r = targets_push(&po->t, pid);
	tri_proc_close(&p);
	return r;
}

pid_t *
tri_cli_pidof(const char *name, size_t *n)
{
	struct pidof po = { .name = name };

	*n = 0;
	if (tri_proc_walk(pidof_one, &po) != 0) {
		free(po.t.pids);
		return NULL;
	}
	*n = po.t.n;
	if (po.t.pids == NULL)
		po.t.pids = malloc(sizeof(pid_t));
	return po.t.pids;
}

static int
add_token(struct tri_targets *t, const char *tok)
{
	struct tri_proc p;
	pid_t pid, *found;
	size_t n, i;
	int r = 0;

	if (strcmp(tok, "self") == 0)
		return targets_push(t, getpid());
	if (tri_cli_is_number(tok) || *tok == '-' || *tok == '+') {
		if (tri_cli_parse_pid(tok, &pid) < 0)
			return -1;
		if (tri_proc_open(&p, pid) < 0)
			return -1;
		tri_proc_close(&p);
		return targets_push(t, pid);
	}
	if ((found = tri_cli_pidof(tok, &n)) == NULL)
		return -1;
	if (n == 0) {
		free(found);
		errno = ENOENT;
		return -1;
	}
	for (i = 0; i < n && r == 0; i++)
		r = targets_push(t, found[i]);
	free(found);
	return r;
}

int
tri_targets_add(struct tri_targets *t, const char *arg, char **bad)
{
	char *copy, *tok, *save;
	int e;

	*bad = NULL;
	if (*arg == '\0') {
		*bad = strdup(arg);
		errno = EINVAL;
		return -1;
	}
	if ((copy = strdup(arg)) == NULL)
		return -1;
	save = copy;
	/* strsep, not strtok: "1,,2" and "5," hold an empty item, an error */
	while ((tok = strsep(&save, ",")) != NULL) {
		if (*tok == '\0') {
			free(copy);
			*bad = strdup(arg);
			errno = EINVAL;
			return -1;
		}
		if (add_token(t, tok) < 0) {
			e = errno;
			*bad = strdup(tok);
			free(copy);
			errno = e;
			return -1;
		}
	}
	free(copy);
	return 0;
}

void
tri_targets_add_or_exit(struct tri_targets *t, const char *arg)
{
	char *bad = NULL, *esc;
	const char *tok;
	int e;

	if (tri_targets_add(t, arg, &bad) == 0)
		return;
	e = errno;
	tok = bad ? bad : arg;
	esc = tri_out_escape_dup(tok, strlen(tok));
	if (e == ENOENT)
		errx(TRI_EXIT_FAIL, "%s: %s", esc ? esc : "?",
		    tri_cli_target_error(e));
	errx(TRI_EXIT_FAIL, "pid %s: %s", esc ? esc : "?",
	    tri_cli_target_error(e));
}

void
tri_targets_free(struct tri_targets *t)
{
	free(t->pids);
	t->pids = NULL;
	t->n = t->cap = 0;
}

const char *
tri_cli_target_error(int e)
{
	switch (e) {
	case EINVAL:	return "not a valid pid";
	case ERANGE:	return "out of range (pids run from 1 to 4194304)";
	case ESRCH:	return "no such process";
	case ENOENT:	return "no process matches this name";
	default:	return strerror(e);
	}
}

double
tri_cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool
tri_cli_wait_tick(const struct tri_sample *s, double *next)
{
	struct timespec ts;
	double now = tri_cli_now(), d;

	if (*next == 0)
		*next = now;
	*next += s->interval;
	d = *next - now;
	if (d <= 0) {		/* fell behind: restart the schedule from now */
		*next = now;
		return true;
	}
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	return nanosleep(&ts, NULL) == 0;
}

/* == -u/--user and -S/--sort, spelt the same in every command == */

int
tri_users_add(struct tri_users *u, const char *arg, char **bad)
{
	char *copy, *tok, *save;
	unsigned long long v = 0;
	struct passwd *pw = NULL;
	uid_t *nv, uid;

	*bad = NULL;
	if ((copy = strdup(arg)) == NULL)
		return -1;
	save = copy;
	while ((tok = strsep(&save, ",")) != NULL) {
		pw = NULL;
		if (*tok == '\0' || (tri_cli_is_number(tok) ?
		    tri_cli_parse_ull(tok, 0, UINT32_MAX - 1, &v) < 0 :
		    (pw = getpwnam(tok)) == NULL)) {
			*bad = strdup(*tok ? tok : arg);
			free(copy);
			errno = ENOENT;
			return -1;
		}
		uid = pw != NULL ? pw->pw_uid : (uid_t)v;
		if ((nv = realloc(u->uids, (u->n + 1) * sizeof(*nv))) == NULL) {
			free(copy);
			return -1;
		}
		u->uids = nv;
		u->uids[u->n++] = uid;
	}
	free(copy);
	return 0;
}

void
tri_users_add_or_exit(struct tri_users *u, const char *arg)
{
	char *bad = NULL, *esc;

	if (tri_users_add(u, arg, &bad) == 0)
		return;
	if (errno != ENOENT)
		err(TRI_EXIT_FAIL, "-u");
	esc = tri_out_escape_dup(bad ? bad : arg, strlen(bad ? bad : arg));
	errx(TRI_EXIT_FAIL, "-u %s: no such user", esc ? esc : "?");
}

bool
tri_users_match(const struct tri_users *u, uid_t uid)
{
	size_t i;

	if (u->n == 0)
		return true;
	for (i = 0; i < u->n; i++)
		if (u->uids[i] == uid)
			return true;
	return false;
}

void
tri_users_free(struct tri_users *u)
{
	free(u->uids);
	u->uids = NULL;
	u->n = 0;
}

int
tri_cli_sort_or_exit(const char *arg, const char *const *keys)
{
	char list[256] = "", *esc;
	size_t i, o = 0;

	for (i = 0; keys[i] != NULL; i++)
		if (strcmp(arg, keys[i]) == 0)
			return (int)i;
	for (i = 0; keys[i] != NULL && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
		    i ? ", " : "", keys[i]);
	esc = tri_out_escape_dup(arg, strlen(arg));
	errx(TRI_EXIT_FAIL, "-S %s: not a sort key (one of: %s)",
	    esc ? esc : "?", list);
}

void
tri_cli_bad_option(char **argv, const char *shortopts)
{
	const char *arg = argv[optind - 1], *name = program_invocation_short_name;
	const char *p;
	char *esc;

	if (optopt != 0 && optopt < 0x100 && arg[0] == '-' && arg[1] != '-') {
		p = strchr(shortopts, optopt);
		if (p != NULL && p[1] == ':')
			warnx("option requires an argument -- '%c'", optopt);
		else if (optopt > 0x20 && optopt < 0x7f)
			warnx("invalid option -- '%c'", optopt);
		else
			warnx("invalid option -- '\\x%02x'", optopt & 0xff);
	} else {
		/* a long option: unknown, or without its argument */
		esc = tri_out_escape_dup(arg, strlen(arg));
		if (optopt != 0)
			warnx("option '%s' requires an argument", esc ? esc : "?");
		else
			warnx("unrecognized option '%s'", esc ? esc : "?");
		free(esc);
	}
	fprintf(stderr, "Try '%s --help'.\n", name);
	exit(TRI_EXIT_FAIL);
}

int
tri_cli_open_out(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	if (strncmp(path, "/dev/fd/", 8) == 0 &&
	    tri_cli_parse_int(path + 8, 0, INT_MAX, &fd) == 0 &&
	    fcntl(fd, F_GETFD) >= 0)
		return fd;
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
}

FILE *
tri_cli_fopen_out(const char *path)
{
	int fd = tri_cli_open_out(path);
	FILE *f;

	if (fd == STDOUT_FILENO)
		return stdout;
	if (fd == STDERR_FILENO)
		return stderr;
	if (fd < 0)
		return NULL;
	if ((f = fdopen(fd, "w")) == NULL)
		close(fd);
	return f;
}
