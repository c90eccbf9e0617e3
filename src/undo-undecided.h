#ifndef ORCH_UNDO_UNDECIDED_H
#define ORCH_UNDO_UNDECIDED_H

#include <git2.h>

/* Where the branch was before a merge: ORIG_HEAD (HEAD@{1} if that is missing). 0, or -1 said. */
int orch_orig_head(git_repository *repo, git_oid *out);

/*
 * post-merge could not decide (no policy, a repository libgit2 cannot
 * read): fail closed and take the merge back, keeping uncommitted changes.
 * repo may be NULL, and when even libgit2 cannot read the merge, git takes
 * it back. Whatever happens is said, with what to do next.
 */
void orch_undo_undecided(git_repository *repo);

#endif
