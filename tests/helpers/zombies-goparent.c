/* tests/helpers/zombies-goparent.c - zombies-parent with Go build info.
 *
 * The Go linker puts a ".go.buildinfo" section starting with the magic
 * "\xff Go buildinf:" in every binary; this is zombies-parent with that
 * section, so Go detection is tested without the Go toolchain.
 */
#define ZOMBIES_GO_BUILDINFO 1
#include "zombies-parent.c"
