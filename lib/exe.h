/* lib/exe.h - what a process's executable is: Go build info, ELF facts. */
#ifndef TRI_EXE_H
#define TRI_EXE_H

#include <stdbool.h>
#include <stddef.h>

struct tri_proc;

/*
 * Whether the ELF file at path was built by the Go toolchain: it has a
 * ".go.buildinfo" section (or, when stripped of section names, the
 * "\xff Go buildinf:" magic in a data segment).  version (may be NULL)
 * gets the Go version string ("go1.19.8") when it can be read.  Returns
 * 0 with *is_go set, or -1 with errno (ENOEXEC: not ELF).
 */
int	tri_exe_is_go_path(const char *path, bool *is_go, char *version,
	    size_t vsize);
/* The same for the executable of a process (/proc/PID/exe). */
int	tri_exe_is_go(const struct tri_proc *p, bool *is_go, char *version,
	    size_t vsize);

#endif /* TRI_EXE_H */
