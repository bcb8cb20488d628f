/* lib/cli.h - the option conventions every command shares. */
#ifndef TRI_CLI_H
#define TRI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit statuses: never a count. */
enum {
	TRI_EXIT_OK	= 0,	/* success, nothing found */
	TRI_EXIT_FOUND	= 1,	/* a check found a problem */
	TRI_EXIT_FAIL	= 2,	/* usage error or failure */
};

/*
 * Long options every command shares have values above any short option
 * letter, so a command's getopt_long switch can list them beside its own.
 */
enum {
	TRI_OPT_JSON = 0x100,
	TRI_OPT_NO_HEADER,
	TRI_OPT_COLOR,
	TRI_OPT_FIRST_FREE,	/* a command's own long-only options start here */
};

/*
 * Set up a command: SIGPIPE to its default (a closed pipe ends the command
 * quietly), line-buffered stdout when it is a terminal, and an atexit
 * check that stdout was written fully (close_stdout of util-linux):
 * on a write error other than EPIPE it prints one line and exits 2.
 */
void	tri_cli_init(void);

/* Print "NAME (triage) VERSION" to stdout and exit 0. */
void	tri_cli_version_exit(void) __attribute__((noreturn));

/*
 * Strict number parsing: the whole string must be a number in range, no
 * sign where none is allowed, no trailing garbage.  0, or -1 with errno
 * EINVAL (not a number) or ERANGE (out of range).
 */
int	tri_cli_parse_ull(const char *s, unsigned long long min,
	    unsigned long long max, unsigned long long *out);
int	tri_cli_parse_int(const char *s, int min, int max, int *out);
/* A positive duration in seconds, decimal allowed: "0.5", "2". */
int	tri_cli_parse_seconds(const char *s, double *out);
/* A pid: digits only, 1 .. 4194304 (PID_MAX_LIMIT). */
int	tri_cli_parse_pid(const char *s, pid_t *out);

/*
 * Targets: a comma-separated list of pids, "self" (the caller) and
 * process names, resolved like pidof(8) (a name matches the comm, the
 * basename of argv[0] or of the executable).  Numeric pids must exist.
 */
struct tri_targets {
	pid_t	*pids;
	size_t	 n, cap;
};

/*
 * Add the targets named by arg (may be called once per -p).  Returns 0, or
 * -1 with errno and *bad pointing at a malloc'd copy of the token that
 * failed (caller frees): EINVAL malformed pid, ESRCH no such pid,
 * ENOENT a name that matches no process, ENOMEM.
 */
int	tri_targets_add(struct tri_targets *t, const char *arg, char **bad);
void	tri_targets_free(struct tri_targets *t);
/*
 * tri_targets_add, and on failure print the one line every command prints
 * and exit 2: "NAME: pid 42: no such process" for a pid or a malformed
 * one, "NAME: nginx: no process matches this name" for a name.  The token
 * is escaped: it may come from a script that read it from a process.
 */
void	tri_targets_add_or_exit(struct tri_targets *t, const char *arg);
/* Pids of processes whose name matches like pidof; sorted, malloc'd.  */
pid_t	*tri_cli_pidof(const char *name, size_t *n);
/* Whether name is only digits (so it names a pid, not a process). */
bool	tri_cli_is_number(const char *s);

/*
 * Describe why a target failed, for "cmd: pid 42: no such process".
 * Returns a static string.
 */
const char *tri_cli_target_error(int err);

/* Sampling: -i SECONDS and -n COUNT with their shared defaults. */
struct tri_sample {
	double		 interval;	/* seconds, > 0 */
	unsigned long	 count;		/* 0: until interrupted */
};

/*
 * The option values every sampling command parses, or one line and exit 2:
 * "NAME: -i abc: not a positive number of seconds", "NAME: -n x: not a
 * positive number" (min 1) or "... not a whole number" (min 0).  opt is
 * the option as the user typed it, for the message.
 */
double	tri_cli_seconds_or_exit(const char *opt, const char *arg);
/* --color's argument (auto, always, never), or one error line and exit 2. */
enum tri_color_mode tri_cli_color_or_exit(const char *arg);
unsigned long tri_cli_count_or_exit(const char *opt, const char *arg,
	    unsigned long min);

/* Sleep until the next interval tick (drift-free); false when interrupted. */
bool	tri_cli_wait_tick(const struct tri_sample *s, double *next);
/* A monotonic clock in seconds. */
double	tri_cli_now(void);

/*
 * An output file a user named (-o, -w, -W): "-", /dev/stdout, /dev/stderr
 * and /dev/fd/N are the descriptor the command already has, not a file
 * opened again, which O_TRUNC would empty under `>> log` (a regular file
 * reopened through /proc starts at 0).  Anything else is created or
 * truncated, close-on-exec.  tri_cli_open_out: the fd, or -1 with errno.
 * tri_cli_fopen_out: stdout, stderr or a new stream; NULL with errno.
 */
int	tri_cli_open_out(const char *path);
FILE	*tri_cli_fopen_out(const char *path);

/*
 * -u/--user USER[,USER...]: user names or uids.  A process list shows
 * the processes whose effective uid is one of them (as ps -u and pgrep
 * -u); an empty list matches everyone.  tri_users_add returns 0, or -1
 * with errno ENOENT and *bad a malloc'd copy of the user that does not
 * exist; the _or_exit form prints "NAME: -u bob: no such user", exit 2.
 */
struct tri_users {
	uid_t	*uids;
	size_t	 n;
};
int	tri_users_add(struct tri_users *u, const char *arg, char **bad);
void	tri_users_add_or_exit(struct tri_users *u, const char *arg);
bool	tri_users_match(const struct tri_users *u, uid_t uid);
void	tri_users_free(struct tri_users *u);

/*
 * -S/--sort KEY: the index of arg in keys (NULL-terminated), or one line,
 * "NAME: -S foo: not a sort key (one of: rss, pss, size)", and exit 2.
 */
int	tri_cli_sort_or_exit(const char *arg, const char *const *keys)
	    __attribute__((nonnull));

/*
 * After getopt_long returned '?' (with opterr = 0): the one line every
 * command prints, "NAME: unrecognized option '--x'" (escaped), "invalid
 * option -- 'x'" or "option requires an argument -- 'x'", then
 * "Try 'NAME --help'.", and exit 2.  shortopts is the getopt string.
 */
void	tri_cli_bad_option(char **argv, const char *shortopts)
	    __attribute__((noreturn));

#endif /* TRI_CLI_H */
