/* lib/caps.c - which capability an operation needs, and whether we have it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "caps.h"

bool
tri_caps_have(int cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t c;

	if ((c = cap_get_proc()) == NULL)
		return false;
	if (cap_get_flag(c, (cap_value_t)cap, CAP_EFFECTIVE, &v) < 0)
		v = CAP_CLEAR;
	cap_free(c);
	return v == CAP_SET;
}

const char *
tri_caps_name(int cap)
{
	static char buf[64];
	char *n = cap_to_name((cap_value_t)cap);
	size_t i;

	if (n == NULL)
		return "an unknown capability";
	/* libcap names are lower case ("cap_sys_ptrace"); man pages say upper. */
	snprintf(buf, sizeof(buf), "%s", n);
	cap_free(n);
	for (i = 0; buf[i]; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
	return buf;
}

const char *
tri_caps_hint(int cap)
{
	static char buf[160];

	if (!tri_caps_have(cap))
		snprintf(buf, sizeof(buf), "needs %s; run as root",
		    tri_caps_name(cap));
	else
		snprintf(buf, sizeof(buf), "refused although %s is held "
		    "(another tracer, a seccomp or LSM policy, or PID 1)",
		    tri_caps_name(cap));
	return buf;
}

int
tri_caps_drop_all(void)
{
	cap_value_t v, last = (cap_value_t)cap_max_bits();
	bool setpcap = tri_caps_have(CAP_SETPCAP);
	cap_t c;
	int r;

	/* Without CAP_SETPCAP the bounding set stays; no_new_privs then
	 * keeps exec from using it. */
	for (v = 0; setpcap && v < last; v++)
		if (CAP_IS_SUPPORTED(v) && cap_drop_bound(v) < 0 &&
		    errno != EINVAL)
			return -1;
	if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() < 0)
		return -1;
	if ((c = cap_init()) == NULL)	/* every flag clear */
		return -1;
	r = cap_set_proc(c);
	cap_free(c);
	return r;
}

int
tri_caps_no_new_privs(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
}
