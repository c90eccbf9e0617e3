#ifndef ORCH_TARGET_H
#define ORCH_TARGET_H

#include <git2.h>

#include "policy.h"

/*
 * The branch work is to be merged into: `onto` (a branch or commit) when
 * given, else the checked-out protected branch, else the first protected
 * branch named without wildcards that exists here. Sets *name (short,
 * caller frees) and *oid; -1 (reported) when there is none.
 */
int orch_find_target(git_repository *repo, const struct orch_policy *policy, const char *onto, char **name,
		     git_oid *oid);

#endif
