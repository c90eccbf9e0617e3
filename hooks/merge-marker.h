#ifndef ORCH_MERGE_MARKER_H
#define ORCH_MERGE_MARKER_H

#include <stddef.h>

#include <git2.h>

#include "merge-gate.h"

/*
 * The note prepare-commit-msg leaves for the test gate: "this merge commit
 * onto a protected branch passed the verdict check, with these heads". It
 * lets post-commit return at once, without libgit2, after an ordinary
 * commit, and tells post-merge a merge commit it made from a fast-forward
 * onto an existing merge commit. The file itself is src/handoff.h's
 * ORCH_HANDOFF_MARKER; these are its git_oid views.
 */

/* Writes the marker; returns 0, or -1 after saying why. */
int orch_merge_marker_write(const char *gitdir, const struct orch_merge_head *heads, size_t n);

/*
 * Reads and removes the marker: *out gets its ids (caller frees). Returns
 * their count, 0 when there is no marker (or an unreadable one).
 */
int orch_merge_marker_take(const char *gitdir, git_oid **out);

/* 1 if every head in `merged` is among the marker's ids (all of them were checked). */
int orch_merge_marker_matches(const git_oid *ids, size_t n, const git_oid *merged, size_t n_merged);

#endif
