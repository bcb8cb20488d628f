/* cmd/fdleak/close.c - --close: close one fd inside a live process. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "ptrace.h"
#include "fdleak.h"

/* Describe fd before closing it, so the user sees what went. */
static int
describe(pid_t pid, int fd, char *buf, size_t size)
{
	struct tri_proc p;
	struct fdent e;
	int fddir, infodir, r = -1;

	memset(&e, 0, sizeof(e));
	e.fd = fd;
	if (tri_proc_open(&p, pid) < 0)
		return -1;
	if ((fddir = tri_proc_fd_opendir(&p, false)) >= 0) {
		char link[PATH_MAX];
		ssize_t n = tri_proc_fd_link(fddir, fd, link, sizeof(link));

		if (n >= 0) {
			e.link = link;
			e.linklen = (size_t)n;
			e.type = "";
			if ((infodir = tri_proc_fd_opendir(&p, true)) >= 0) {
				e.info = tri_proc_read_fdinfo(infodir, fd,
				    &e.fi) == 0;
				close(infodir);
			}
			snprintf(buf, size, "%s", link);
			r = 0;
		}
		close(fddir);
	} else if (errno == ENOENT)
		errno = ESRCH;
	tri_proc_close(&p);
	return r;
}

/*
 * Run close(fd) in a thread of pid: 0, or the errno it returned in the
 * process; -1 with errno when it could not be run.  *ran says whether
 * the call ran: a ^C that came before it leaves the fd alone.
 */
static int
inject_close(pid_t pid, int fd, bool *ran)
{
	struct tri_ptrace_hold h;
	unsigned long args[6] = { (unsigned long)fd };
	long ret = 0;
	pid_t tid;
	int e;

	*ran = false;
	if ((tid = tri_ptrace_pick_thread(pid)) < 0)
		return -1;
	if (tri_ptrace_hold(&h, tid, 0) < 0) {
		e = errno;
		if (e == EPERM || e == EACCES)
			errx(TRI_EXIT_FAIL, "pid %d: attach: %s (%s)", (int)pid,
			    strerror(e), tri_caps_hint(CAP_SYS_PTRACE));
		errno = e;
		return -1;
	}
	if (tri_ptrace_interrupted() == 0) {
		if (tri_ptrace_inject(&h, SYS_close, args, &ret) < 0) {
			e = errno;
			tri_ptrace_release(&h);
			errx(TRI_EXIT_FAIL, "pid %d: inject close: %s",
			    (int)pid, strerror(e));
		}
		*ran = true;
	}
	if (tri_ptrace_release(&h) < 0 && errno != ESRCH)
		warn("pid %d: detach", (int)pid);
	return ret < 0 ? (int)-ret : 0;
}

static void
print_closed(const struct ctl *c, pid_t pid, const char *what, int sig)
{
	struct tri_json j;
	char *esc;

	if (c->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_schema(&j, "fdleak");
		tri_json_kint(&j, "pid", pid);
		tri_json_kint(&j, "fd", c->close_fd);
		tri_json_kstr(&j, "link", what);
		tri_json_kbool(&j, "closed", true);
		if (sig != 0)
			tri_json_kstr(&j, "interrupted_by", sigabbrev_np(sig));
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return;
	}
	esc = tri_out_escape_dup(what, strlen(what));
	printf("pid %d: closed fd %d (%s)\n", (int)pid, c->close_fd,
	    esc ? esc : "?");
	free(esc);
}

/*
 * Close the fd; the whole of it runs guarded (lib/ptrace), so a ^C,
 * SIGTERM or SIGHUP only takes effect once the process is released, and
 * the user is told whether the fd went.  Exit 128 + the signal then.
 */
int
close_run(const struct ctl *c)
{
	pid_t pid = c->targets.pids[0];
	char what[PATH_MAX];
	bool ran;
	int r, sig;

	if (c->close_fd <= 2 && !c->force)
		errx(TRI_EXIT_FAIL, "--close %d: fds 0, 1 and 2 are the "
		    "standard streams; add --force to close one", c->close_fd);
	tri_ptrace_guard();
	if (describe(pid, c->close_fd, what, sizeof(what)) < 0) {
		if (errno == ENOENT)
			errx(TRI_EXIT_FAIL, "pid %d: fd %d: not open", (int)pid,
			    c->close_fd);
		warn_target(pid, errno);
		return TRI_EXIT_FAIL;
	}
	ran = false;
	r = tri_ptrace_interrupted() ? 0 : inject_close(pid, c->close_fd, &ran);
	/* Said and flushed while still guarded: a SIGTERM between the close
	 * and the flush would otherwise end the tool with the fd gone and
	 * the line that says so lost in stdout's buffer. */
	if (r == 0 && ran) {
		print_closed(c, pid, what, tri_ptrace_interrupted());
		fflush(stdout);
	}
	sig = tri_ptrace_unguard();
	if (r < 0) {
		warn_target(pid, errno);
		return TRI_EXIT_FAIL;
	}
	if (sig != 0 && !ran) {
		warnx("interrupted by SIG%s: fd %d was not closed",
		    sigabbrev_np(sig), c->close_fd);
		return 128 + sig;
	}
	if (r > 0)
		errx(TRI_EXIT_FAIL, "pid %d: close(%d) in the process: %s",
		    (int)pid, c->close_fd, strerror(r));
	if (sig != 0) {
		warnx("interrupted by SIG%s after fd %d was closed",
		    sigabbrev_np(sig), c->close_fd);
		return 128 + sig;
	}
	return TRI_EXIT_OK;
}
