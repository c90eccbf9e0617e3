#ifndef ORCH_PROTECTED_H
#define ORCH_PROTECTED_H

#include <git2.h>

#include "policy.h"

/*
 * Warns (does not fail) about [branches] protected patterns that match no
 * branch of `repo`, or an empty list: a misspelt name protects nothing. The branch an unborn
 * HEAD names counts as existing, so a brand-new repository is warned only
 * when the policy does not cover its first branch. Of "main" and "master"
 * (the shipped default lists both) one existing is enough.
 * Returns the number of warnings.
 */
int orch_protected_warn_unmatched(git_repository *repo, const struct orch_policy *policy);

#endif
