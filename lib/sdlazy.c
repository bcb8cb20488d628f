/*
 * lib/sdlazy.c - libsystemd's sd_pid_* calls for a static libproc2,
 * loaded only when called.
 *
 * libproc2 reads a process's systemd unit, slice and session through
 * libsystemd, for its PIDS_SD_* items.  Linked as a shared library it
 * makes every program load libsystemd, libgcrypt, liblzma, libzstd and
 * liblz4 at start: about 0.8 MB of resident memory and a millisecond
 * per run, for items triage never asks for.  The commands link
 * libproc2.a instead, and these stand-ins open libsystemd on first use.
 * Where it cannot be loaded the answer is -ENOSYS, which libproc2 shows
 * as an unknown value, as on a machine without systemd.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

/* These are not in any header of ours: libproc2.a is their only caller. */
int	sd_pid_get_machine_name(pid_t, char **);
int	sd_pid_get_owner_uid(pid_t, uid_t *);
int	sd_pid_get_session(pid_t, char **);
int	sd_pid_get_slice(pid_t, char **);
int	sd_pid_get_unit(pid_t, char **);
int	sd_pid_get_user_unit(pid_t, char **);
int	sd_session_get_seat(const char *, char **);

/* The real functions, looked up once, all together. */
static struct {
	int	(*machine_name)(pid_t, char **);
	int	(*owner_uid)(pid_t, uid_t *);
	int	(*session)(pid_t, char **);
	int	(*slice)(pid_t, char **);
	int	(*unit)(pid_t, char **);
	int	(*user_unit)(pid_t, char **);
	int	(*seat)(const char *, char **);
} sd;
static pthread_once_t	sd_once = PTHREAD_ONCE_INIT;

static void
sd_open(void)
{
	void *lib = dlopen("libsystemd.so.0", RTLD_LAZY | RTLD_LOCAL);

	if (lib == NULL)
		return;
	*(void **)&sd.machine_name = dlsym(lib, "sd_pid_get_machine_name");
	*(void **)&sd.owner_uid = dlsym(lib, "sd_pid_get_owner_uid");
	*(void **)&sd.session = dlsym(lib, "sd_pid_get_session");
	*(void **)&sd.slice = dlsym(lib, "sd_pid_get_slice");
	*(void **)&sd.unit = dlsym(lib, "sd_pid_get_unit");
	*(void **)&sd.user_unit = dlsym(lib, "sd_pid_get_user_unit");
	*(void **)&sd.seat = dlsym(lib, "sd_session_get_seat");
}

/* Each stand-in: load on first use, then call through, or -ENOSYS. */
#define SD_CALL(field, a, out)						\
	do {								\
		pthread_once(&sd_once, sd_open);			\
		return sd.field != NULL ? sd.field(a, out) : -ENOSYS;	\
	} while (0)

int
sd_pid_get_machine_name(pid_t pid, char **name)
{
	SD_CALL(machine_name, pid, name);
}

int
sd_pid_get_owner_uid(pid_t pid, uid_t *uid)
{
	SD_CALL(owner_uid, pid, uid);
}

int
sd_pid_get_session(pid_t pid, char **session)
{
	SD_CALL(session, pid, session);
}

int
sd_pid_get_slice(pid_t pid, char **slice)
{
	SD_CALL(slice, pid, slice);
}

int
sd_pid_get_unit(pid_t pid, char **unit)
{
	SD_CALL(unit, pid, unit);
}

int
sd_pid_get_user_unit(pid_t pid, char **unit)
{
	SD_CALL(user_unit, pid, unit);
}

int
sd_session_get_seat(const char *session, char **seat)
{
	SD_CALL(seat, session, seat);
}
