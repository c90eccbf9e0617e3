#ifndef ORCH_HANDOFF_H
#define ORCH_HANDOFF_H

#include <stddef.h>

#include "strbuf.h"

/*
 * The files orch-hooks leaves in the git directory for a later hook or
 * command: their names, their format, who removes them. Every reader and
 * writer goes through here (doc/design.md has the table). Files another
 * process reads are written whole and renamed into place. No libgit2 here:
 * the light front end of prepare-commit-msg and post-commit uses this too,
 * so object ids travel as 40-digit hex text.
 *
 * `gitdir` is the per-worktree git directory, with or without a final '/'.
 */

/* pre-merge-commit -> prepare-commit-msg: "this merge passed" (see orch_handoff_stamp_*). */
#define ORCH_HANDOFF_STAMP "orch-hooks-premerge-ok"
/* A stamp older than this (seconds) is not trusted: a merge killed midway. */
#define ORCH_HANDOFF_STAMP_MAX_AGE 60
/* prepare-commit-msg -> post-commit, post-merge: the checked heads of a merge commit. */
#define ORCH_HANDOFF_MARKER "orch-hooks-merge-pending"
/* The test gate's undo, written down before it starts (format in src/undo.c, its only user). */
#define ORCH_HANDOFF_UNDO_JOURNAL "orch-hooks-undo"
/* The content rule -> `land --continue`: the last merge undone for changes of its own. */
#define ORCH_HANDOFF_UNREVIEWED_MERGE "ORCH_UNREVIEWED_MERGE"
/* `orch-hooks land`'s progress (format in src/land-state.c). */
#define ORCH_HANDOFF_LAND_STATE "orch-hooks-land"
/* A copy of the index while the test gate takes the local state; removed at once. */
#define ORCH_HANDOFF_STATE_INDEX "orch-hooks-state.index"
/* In the common git directory: the test gate's flock(2) lock (format in src/gate-lock.c). */
#define ORCH_HANDOFF_GATE_LOCK "orch-hooks-gate.lock"
/* Every ORCH_HOOKS_SKIP bypass, appended. */
#define ORCH_HANDOFF_SKIP_LOG "orch-hooks-skip.log"

#define ORCH_HANDOFF_HEXSZ 40

/* "<gitdir>/<name>" (caller frees). */
char *orch_handoff_path(const char *gitdir, const char *name);

/* 1 if the file `name` exists in gitdir. */
int orch_handoff_exists(const char *gitdir, const char *name);

/* Appends the file `name` in gitdir (git's own, such as HEAD, or ours) to sb; as orch_read_file. */
int orch_handoff_read(const char *gitdir, const char *name, struct strbuf *sb);

/* Removes the file `name` from gitdir; an absent one is fine. */
void orch_handoff_remove(const char *gitdir, const char *name);

/* Adds one head to a list of heads as the stamp and the marker hold them: "<hex>\n". */
void orch_handoff_heads_add(struct strbuf *heads, const char *hex);

/*
 * The stamp: line 1 "protected" or "unprotected" (the target branch), then
 * ORIG_HEAD as git wrote it, then the heads. Written by pre-merge-commit
 * after it approved a merge (best effort: 0, or -1 with errno set).
 */
int orch_handoff_stamp_write(const char *gitdir, int protected, const struct strbuf *heads);

/*
 * 1 if the stamp vouches for the merge in progress: younger than
 * ORCH_HANDOFF_STAMP_MAX_AGE, and the same ORIG_HEAD and MERGE_HEAD; then
 * *protected says whether the target is protected. 0 otherwise. The stamp
 * is removed either way: it is good for one look only.
 */
int orch_handoff_stamp_take(const char *gitdir, int *protected);

/* The marker: the approved heads, one "<hex>\n" a line. 0, or -1 with errno set. */
int orch_handoff_marker_write(const char *gitdir, const struct strbuf *heads);

/* The marker from MERGE_HEAD as git wrote it (the front end's fast path). 0, or -1. */
int orch_handoff_marker_from_merge_head(const char *gitdir);

/*
 * Reads and removes the marker: its well-formed lines go to *heads, one
 * "<hex>\n" each. Returns their count, 0 when there is no marker (or an
 * unreadable one).
 */
int orch_handoff_marker_take(const char *gitdir, struct strbuf *heads);

/* Remembers the merge undone for its own changes ("<hex>\n"). 0, or -1 with errno set. */
int orch_handoff_unreviewed_write(const char *gitdir, const char *hex);

/* 1 with the remembered merge's hex in out (NUL-terminated), 0 when none is remembered. */
int orch_handoff_unreviewed_read(const char *gitdir, char out[ORCH_HANDOFF_HEXSZ + 1]);

#endif
