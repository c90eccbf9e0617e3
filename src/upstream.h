#ifndef ORCH_UPSTREAM_H
#define ORCH_UPSTREAM_H

#include <git2.h>

/*
 * 1 if the configured upstream of branch `target` (branch.TARGET.remote and
 * branch.TARGET.merge; its remote-tracking ref) already has `tip`: then it
 * came from upstream, where the server gate vouched for it (a `git pull` of
 * main). Any other remote's branch of the same name proves nothing.
 * *remote_ref gets the tracking ref's short name, "REMOTE/BRANCH" (caller frees).
 */
int orch_upstream_has(git_repository *repo, const char *target, const git_oid *tip, char **remote_ref);

#endif
