/* lib/caps.h - which capability an operation needs, and whether we have it. */
#ifndef TRI_CAPS_H
#define TRI_CAPS_H

#include <stdbool.h>

/* Whether the effective set holds cap (a CAP_* value from linux/capability.h). */
bool	tri_caps_have(int cap);
/* "CAP_SYS_PTRACE" for CAP_SYS_PTRACE; a static string. */
const char *tri_caps_name(int cap);
/*
 * A hint for an EPERM/EACCES error of an operation needing cap:
 * "needs CAP_SYS_PTRACE; run as root" when it is missing, or a reason
 * that does not blame the capability when we already have it.  Static.
 */
const char *tri_caps_hint(int cap);

/*
 * Drop every capability for good, for a child about to exec a command:
 * the bounding and ambient sets, then inheritable, permitted and
 * effective.  Root's exec regains nothing once no_new_privs is also set.
 * 0, or -1 with errno (EPERM: the bounding set needs CAP_SETPCAP).
 */
int	tri_caps_drop_all(void);
/* prctl(PR_SET_NO_NEW_PRIVS): exec can grant no privilege.  0 or -1. */
int	tri_caps_no_new_privs(void);

#endif /* TRI_CAPS_H */
