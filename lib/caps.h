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

#endif /* TRI_CAPS_H */
