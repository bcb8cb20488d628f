/* tests/unit/test_syscalls.c - lib/syscalls: names, classes, flag sets. */
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "syscalls.h"
#include "unit.h"

/* Join what tri_syscalls_flags gives as strace would print it. */
static const char *
flags(const char *set, unsigned long long v)
{
	static char buf[512];
	const char *names[32];
	unsigned long long rest;
	size_t n, i, o = 0;

	n = tri_syscalls_flags(tri_syscalls_set_id(set), v, names, 32, &rest);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
		    i ? "|" : "", names[i]);
	if (rest)
		snprintf(buf + o, sizeof(buf) - o, "%s%#llx", n ? "|" : "", rest);
	return buf;
}

static void
names_and_numbers(void)
{
	CHECK(tri_syscalls_init() == 0);
	CHECK_STR(tri_syscalls_name(SYS_openat), "openat");
	CHECK(tri_syscalls_nr("openat") == SYS_openat);
	CHECK(tri_syscalls_nr("no_such_call") == -1);
	CHECK_STR(tri_syscalls_name(987), "syscall_987");
	CHECK(tri_syscalls_nr("syscall_987") == 987);
	CHECK(tri_syscalls_count() > SYS_openat);
}

static void
classes(void)
{
	CHECK(tri_syscalls_class_bit("%file") == TRI_SC_C_FILE);
	CHECK(tri_syscalls_class_bit("%net") == TRI_SC_C_NETWORK);
	CHECK(tri_syscalls_class_bit("%nonsense") == 0);
	CHECK(tri_syscalls_classes(SYS_openat) & TRI_SC_C_FILE);
	CHECK(tri_syscalls_classes(SYS_openat) & TRI_SC_C_DESC);
	CHECK(tri_syscalls_classes(SYS_connect) & TRI_SC_C_NETWORK);
	CHECK(!(tri_syscalls_classes(SYS_getppid) & TRI_SC_C_PROCESS));
	CHECK(tri_syscalls_desc(SYS_openat)->nargs == 4);
	CHECK(tri_syscalls_desc(SYS_openat)->args[1].kind == TRI_SC_K_PATH);
}

static void
flag_sets(void)
{
	CHECK_STR(flags("open_flags", O_RDONLY), "O_RDONLY");
	CHECK_STR(flags("open_flags", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC),
	    "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC");
	CHECK_STR(flags("mmap_prot", PROT_NONE), "PROT_NONE");
	CHECK_STR(flags("mmap_flags", MAP_PRIVATE | MAP_ANONYMOUS),
	    "MAP_PRIVATE|MAP_ANONYMOUS");
	/* the exit signal in clone's low byte is a field named by signals */
	CHECK_STR(flags("clone_flags", CLONE_VM | SIGCHLD), "CLONE_VM|SIGCHLD");
	CHECK_STR(flags("futex_ops", FUTEX_WAKE | FUTEX_PRIVATE_FLAG),
	    "FUTEX_WAKE_PRIVATE");
	CHECK_STR(flags("futex_ops", FUTEX_WAIT | FUTEX_CLOCK_REALTIME),
	    "FUTEX_WAIT|FUTEX_CLOCK_REALTIME");
	/* bits no name covers stay, in hex */
	CHECK_STR(flags("mmap_prot", PROT_READ | 0x100), "PROT_READ|0x100");
}

static void
values(void)
{
	CHECK_STR(tri_syscalls_errno_name(2), "ENOENT");
	CHECK_STR(tri_syscalls_signal_name(SIGSEGV), "SIGSEGV");
	CHECK_STR(tri_syscalls_signal_name(SIGRTMIN + 2), "SIGRT_2");
	CHECK(tri_syscalls_signal_nr("INT") == SIGINT);
	CHECK(tri_syscalls_signal_nr("SIGTERM") == SIGTERM);
	CHECK(tri_syscalls_signal_nr("x") == -1);
	CHECK(tri_syscalls_xlat(tri_syscalls_set_id("fcntl_cmds"), F_GETFL) !=
	    NULL);
	CHECK(tri_syscalls_set_id("no_such_set") == -1);
}

int
main(void)
{
	RUN(names_and_numbers);
	RUN(classes);
	RUN(flag_sets);
	RUN(values);
	return UNIT_END();
}
