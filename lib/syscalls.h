/* lib/syscalls.h - syscall names, numbers, classes, kinds; seccomp filter. */
#ifndef TRI_SYSCALLS_H
#define TRI_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * How an argument is decoded (lib/tables/syscalls.def names them in lower
 * case).  The tables come from the files of lib/tables through
 * scripts/gentable.awk; nothing here is a hand-kept list.
 */
enum tri_sc_kind {
	TRI_SC_K_INT, TRI_SC_K_UINT, TRI_SC_K_LONG, TRI_SC_K_ULONG,
	TRI_SC_K_HEX, TRI_SC_K_PTR, TRI_SC_K_OCT, TRI_SC_K_FD, TRI_SC_K_DIRFD,
	TRI_SC_K_PATH, TRI_SC_K_STR, TRI_SC_K_BUFIN, TRI_SC_K_BUFOUT,
	TRI_SC_K_FLAGS, TRI_SC_K_ENUM, TRI_SC_K_SOCKADDR, TRI_SC_K_SOCKADDROUT,
	TRI_SC_K_STAT, TRI_SC_K_TIMESPEC, TRI_SC_K_TIMESPECOUT,
	TRI_SC_K_SIGACTION, TRI_SC_K_SIGACTIONOUT, TRI_SC_K_SIGSET,
	TRI_SC_K_SIGSETOUT, TRI_SC_K_ARGV, TRI_SC_K_ENVP, TRI_SC_K_FDPAIR,
	TRI_SC_K_IOVEC, TRI_SC_K_IOVECOUT, TRI_SC_K_POLLFD, TRI_SC_K_EPEVENT,
	TRI_SC_K_EPEVENTSOUT, TRI_SC_K_INTPTR, TRI_SC_K_WSTATUS, TRI_SC_K_OPENMODE,
	TRI_SC_K_CLONEARGS, TRI_SC_K_MSGHDR, TRI_SC_K_MSGHDROUT, TRI_SC_K_RLIMIT,
	TRI_SC_K_RLIMITOUT, TRI_SC_K_UTSNAME, TRI_SC_K_BUFOUTHEX, TRI_SC_K_STATX,
	TRI_SC_K_SYSINFO, TRI_SC_K_PRCTLARG, TRI_SC_K_FCNTLARG,
	TRI_SC_K_DIRENTS, TRI_SC_K_CLONECALL, TRI_SC_K_IOCTLARG,
	TRI_SC_K_STATFS, TRI_SC_K_CPUSET, TRI_SC_K_CPUSETOUT, TRI_SC_K_GIDS,
	TRI_SC_K_GIDSOUT, TRI_SC_K_SOCKPROTO, TRI_SC_K_SOCKOPTNAME,
	TRI_SC_K_SOCKOPTVAL, TRI_SC_K_SOCKOPTVALOUT, TRI_SC_K_INTINOUT,
	TRI_SC_K_RUSAGEOUT, TRI_SC_K_TMSOUT, TRI_SC_K_ITIMERSPEC,
	TRI_SC_K_ITIMERSPECOUT, TRI_SC_K_PATHOUT, TRI_SC_K_STACK,
	TRI_SC_K_STACKOUT, TRI_SC_K_IOPRIO,
};

/* How the return value is shown. */
enum { TRI_SC_R_INT, TRI_SC_R_FD, TRI_SC_R_HEX, TRI_SC_R_OCT, TRI_SC_R_NONE,
    TRI_SC_R_POLICY, TRI_SC_R_IOPRIO };

/* Classes, as strace's -e trace=%file and friends. */
enum {
	TRI_SC_C_FILE	 = 1 << 0,
	TRI_SC_C_NETWORK = 1 << 1,
	TRI_SC_C_PROCESS = 1 << 2,
	TRI_SC_C_MEMORY	 = 1 << 3,
	TRI_SC_C_SIGNAL	 = 1 << 4,
	TRI_SC_C_IPC	 = 1 << 5,
	TRI_SC_C_DESC	 = 1 << 6,
	TRI_SC_C_CREDS	 = 1 << 7,
};

/* A set of names: bit flags (and fields of them), or plain values. */
enum { TRI_SC_FLAGS, TRI_SC_VALUES };

struct tri_sc_xlat {
	unsigned long long	 val;
	unsigned long long	 mask;	/* a field: (v & mask) == val */
	const char		*name;
	int			 sub;	/* a field named by another set */
};

struct tri_sc_set {
	const char		*name;
	int			 kind;
	const struct tri_sc_xlat *v;
	size_t			 n;
	const char		*unknown; /* a value not in v, as strace's
					     comment calls it ("PR_???") */
};

struct tri_sc_arg {
	unsigned char		 kind;	/* enum tri_sc_kind */
	unsigned char		 n;	/* the argument holding a length */
	short			 set;	/* flags and enum: the set's id */
};

struct tri_sc_desc {
	const char		*name;
	unsigned		 classes;
	unsigned char		 ret;
	unsigned char		 nargs;
	struct tri_sc_arg	 args[6];
};

/*
 * Build the tables of the native architecture (names and numbers from
 * libseccomp, SCMP_ARCH_NATIVE).  0, or -1 with errno (ENOMEM).  Every
 * other function needs it to have run once.
 */
int	tri_syscalls_init(void);
/* One past the highest syscall number known. */
long	tri_syscalls_count(void);
/* The name of nr ("syscall_457" when unknown); static, never NULL. */
const char *tri_syscalls_name(long nr);
/* The number of a name, or -1 with errno ENOENT. */
long	tri_syscalls_nr(const char *name);
/* How to decode nr, or NULL for raw arguments. */
const struct tri_sc_desc *tri_syscalls_desc(long nr);
/* The TRI_SC_C_* classes of nr. */
unsigned tri_syscalls_classes(long nr);
/* The class bit of "%file" (or "file"), or 0 when there is none. */
unsigned tri_syscalls_class_bit(const char *name);

/* The set with id (TRI_SET_* of the generated header), or NULL. */
const struct tri_sc_set *tri_syscalls_set(int id);
/* The id of a set by name, or -1. */
int	tri_syscalls_set_id(const char *name);
/* The name of value v in set id, or NULL. */
const char *tri_syscalls_xlat(int id, unsigned long long v);
/*
 * Split v by the flag set id into at most max names (static strings),
 * *rest getting the bits no name covers.  Returns the number of names.
 */
size_t	tri_syscalls_flags(int id, unsigned long long v, const char **names,
	    size_t max, unsigned long long *rest);
/* "ENOENT" for an errno, "SIGINT" or "SIGRT_2" for a signal; NULL. */
const char *tri_syscalls_errno_name(int e);
const char *tri_syscalls_signal_name(int sig);
/* The signal of "SIGINT", "INT" or "2"; -1 when none. */
int	tri_syscalls_signal_nr(const char *name);

/*
 * Install a seccomp-bpf filter in the calling process: every syscall is
 * allowed, those with want[nr] true stop a tracer that set
 * PTRACE_O_TRACESECCOMP (SCMP_ACT_TRACE).  no_new_privs is left unset
 * when CAP_SYS_ADMIN is held.  Call it in a child before exec.
 * Returns 0, or -1 with errno.
 */
int	tri_syscalls_seccomp_load(const bool *want, size_t n);

#endif /* TRI_SYSCALLS_H */
