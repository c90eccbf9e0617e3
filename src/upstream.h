#ifndef ORCH_UPSTREAM_H
#define ORCH_UPSTREAM_H

#include <git2.h>

/*
 * 1 if some remote's copy of `target` (refs/remotes/REMOTE/TARGET) already
 * has `tip`: then it came from upstream, where the server gate vouched for
 * it (a `git pull` of main). *remote_ref gets "REMOTE/TARGET" (caller frees).
 */
int orch_upstream_has(git_repository *repo, const char *target, const git_oid *tip, char **remote_ref);

#endif
