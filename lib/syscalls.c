/* lib/syscalls.c - syscall names, numbers, classes, kinds; seccomp filter. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <linux/netlink.h>
#include <linux/capability.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <linux/stat.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "syscalls.h"

/* The kernel's O_LARGEFILE, which 64-bit glibc defines as 0. */
#if defined(__aarch64__)
#define TRI_O_LARGEFILE	0400000
#else
#define TRI_O_LARGEFILE	0100000
#endif

/* The values of the generated tables come from the headers above. */
#include "tri_tables.h"

#define SC_MAX	1024		/* above any syscall number of x86-64 or aarch64 */

static char	*names[SC_MAX];
static const struct tri_sc_desc *descs[SC_MAX];
static long	 count;

int
tri_syscalls_init(void)
{
	size_t i;
	long nr;
	int r;

	if (count > 0)
		return 0;
	for (nr = 0; nr < SC_MAX; nr++) {
		names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
		    (int)nr);
		if (names[nr])
			count = nr + 1;
	}
	for (i = 0; i < sizeof(tri_sc_descs) / sizeof(tri_sc_descs[0]); i++) {
		r = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE,
		    tri_sc_descs[i].name);
		/* a call this architecture does not have (open on aarch64) */
		if (r >= 0 && r < SC_MAX)
			descs[r] = &tri_sc_descs[i];
	}
	if (count == 0) {
		errno = ENOSYS;
		return -1;
	}
	return 0;
}

long
tri_syscalls_count(void)
{
	return count;
}

const char *
tri_syscalls_name(long nr)
{
	static char buf[32];

	if (nr >= 0 && nr < SC_MAX && names[nr])
		return names[nr];
	snprintf(buf, sizeof(buf), "syscall_%ld", nr);
	return buf;
}

long
tri_syscalls_nr(const char *name)
{
	long nr;

	for (nr = 0; nr < count; nr++)
		if (names[nr] && strcmp(names[nr], name) == 0)
			return nr;
	if (strncmp(name, "syscall_", 8) == 0 && name[8] >= '0' &&
	    name[8] <= '9') {
		char *end;

		nr = strtol(name + 8, &end, 10);
		if (*end == '\0' && nr < SC_MAX)
			return nr;
	}
	errno = ENOENT;
	return -1;
}

const struct tri_sc_desc *
tri_syscalls_desc(long nr)
{
	return nr >= 0 && nr < SC_MAX ? descs[nr] : NULL;
}

unsigned
tri_syscalls_classes(long nr)
{
	const struct tri_sc_desc *d = tri_syscalls_desc(nr);

	return d ? d->classes : 0;
}

unsigned
tri_syscalls_class_bit(const char *name)
{
	static const char *const cls[] = { "file", "network", "process",
	    "memory", "signal", "ipc", "desc", "creds" };
	size_t i;

	if (*name == '%')
		name++;
	if (strcmp(name, "net") == 0)
		name = "network";
	for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
		if (strcmp(name, cls[i]) == 0)
			return 1u << i;
	return 0;
}

const struct tri_sc_set *
tri_syscalls_set(int id)
{
	return id >= 0 && id < TRI_SET_COUNT ? &tri_sc_sets[id] : NULL;
}

int
tri_syscalls_set_id(const char *name)
{
	int i;

	for (i = 0; i < TRI_SET_COUNT; i++)
		if (strcmp(tri_sc_sets[i].name, name) == 0)
			return i;
	return -1;
}

const char *
tri_syscalls_xlat(int id, unsigned long long v)
{
	const struct tri_sc_set *s = tri_syscalls_set(id);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < s->n; i++)
		if (s->v[i].val == v && s->v[i].sub < 0)
			return s->v[i].name;
	return NULL;
}

size_t
tri_syscalls_flags(int id, unsigned long long v, const char **out,
    size_t max, unsigned long long *rest)
{
	const struct tri_sc_set *s = tri_syscalls_set(id);
	const struct tri_sc_xlat *x;
	const char *n;
	unsigned long long used = 0;	/* the fields already named */
	size_t i, k = 0;

	*rest = v;
	if (s == NULL)
		return 0;
	for (i = 0; i < s->n && k < max; i++) {
		x = &s->v[i];
		if (x->sub >= 0) {
			if ((*rest & x->mask) != 0 &&
			    (n = tri_syscalls_xlat(x->sub, *rest & x->mask))) {
				out[k++] = n;
				*rest &= ~x->mask;
			}
		} else if (x->mask != 0) {
			if ((used & x->mask) == 0 && (v & x->mask) == x->val) {
				out[k++] = x->name;
				*rest &= ~x->mask;
				used |= x->mask;
			}
		} else if (x->val != 0 && (*rest & x->val) == x->val) {
			out[k++] = x->name;
			*rest &= ~x->val;
		}
	}
	return k;
}

const char *
tri_syscalls_errno_name(int e)
{
	return tri_syscalls_xlat(TRI_SET_errnos, (unsigned long long)e);
}

const char *
tri_syscalls_signal_name(int sig)
{
	static char buf[16];
	const char *n = tri_syscalls_xlat(TRI_SET_signals,
	    (unsigned long long)sig);

	if (n)
		return n;
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, sizeof(buf), "SIGRT_%d", sig - SIGRTMIN);
		return buf;
	}
	return NULL;
}

int
tri_syscalls_signal_nr(const char *name)
{
	const struct tri_sc_set *s = &tri_sc_sets[TRI_SET_signals];
	char *end;
	long v;
	size_t i;

	if (*name >= '0' && *name <= '9') {
		v = strtol(name, &end, 10);
		return *end == '\0' && v > 0 && v < NSIG ? (int)v : -1;
	}
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0 ||
		    strcmp(s->v[i].name + 3, name) == 0)
			return (int)s->v[i].val;
	return -1;
}

int
tri_syscalls_seccomp_load(const bool *want, size_t n)
{
	scmp_filter_ctx ctx;
	size_t nr;
	int r;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* root may keep setuid programs working under the filter */
	if (tri_caps_have(CAP_SYS_ADMIN))
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (nr = 0; nr < n; nr++) {
		if (!want[nr] || names[nr] == NULL)
			continue;
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), (int)nr,
		    0)) < 0)
			goto fail;
	}
	if ((r = seccomp_load(ctx)) < 0)
		goto fail;
	seccomp_release(ctx);
	return 0;
fail:
	seccomp_release(ctx);
	errno = -r;
	return -1;
}
