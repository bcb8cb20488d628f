/* cmd/structpad/select.c - which types -C, --holes and --min-waste ask for. */
#include <fnmatch.h>
#include <string.h>

#include "structpad.h"

/* -C matches the bare name or "struct name", as a glob. */
bool
select_name_matches(const struct ctl *ctl, const struct tri_dwarf_type *t)
{
	char title[600];
	size_t i;

	if (ctl->nnames == 0)
		return true;
	type_title(t, title, sizeof(title));
	for (i = 0; i < ctl->nnames; i++)
		if (fnmatch(ctl->names[i], t->name, 0) == 0 ||
		    fnmatch(ctl->names[i], title, 0) == 0)
			return true;
	return false;
}

/* The filters that need the computed layout (-C is applied before). */
bool
select_wanted(const struct ctl *ctl, const struct layout *l)
{
	if (ctl->holes && l->nr_holes < ctl->holes)
		return false;
	if (ctl->min_waste && l->waste < ctl->min_waste)
		return false;
	return true;
}
