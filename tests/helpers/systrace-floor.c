/* tests/helpers/systrace-floor.c - the least a ptrace tracer can do: run
 * argv under PTRACE_SEIZE and at every syscall stop make one
 * PTRACE_GET_SYSCALL_INFO and resume.  bench/systrace.sh times it as the
 * floor of the kernel's two stops per call, which no ptrace tracer beats. */
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct __ptrace_syscall_info info;
	pid_t pid, t;
	int st, sig;

	if (argc < 2)
		return 2;
	if ((pid = fork()) == 0) {
		raise(SIGSTOP);
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(pid, &st, WSTOPPED) < 0 ||
	    ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD) < 0)
		return 2;
	kill(pid, SIGCONT);
	while ((t = waitpid(-1, &st, __WALL)) > 0) {
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		sig = 0;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80))
			ptrace(PTRACE_GET_SYSCALL_INFO, t, sizeof(info), &info);
		else if ((st >> 16) == 0)
			sig = WSTOPSIG(st);
		ptrace(PTRACE_SYSCALL, t, 0, sig);
	}
	return 0;
}
