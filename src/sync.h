#ifndef ORCH_SYNC_H
#define ORCH_SYNC_H

#include <git2.h>

#include "strbuf.h"

/*
 * Sharing verdicts with a remote, for `sync` and `push` (cmd-sync.c).
 */

/* REMOTE, or -1 after saying there is no such remote. */
int orch_sync_remote_lookup(git_remote **out, git_repository *repo, const char *name);

/* Runs git with argv in dir; on failure says what failed, with git's last lines, and returns -1. */
int orch_sync_git(const char *dir, const char *const *argv, struct strbuf *out);

/* The remote-tracking ref of a notes ref: refs/notes/remotes/REMOTE/NAME (caller frees). */
char *orch_sync_tracking_ref(const char *remote, const char *notes_ref);

/*
 * Fetches REMOTE's notes_ref (which must exist there) into its tracking ref
 * and merges them into ours with git's "union" strategy. 0 or -1 (reported).
 */
int orch_sync_fetch_notes(const char *dir, const char *remote, const char *notes_ref);

#endif
