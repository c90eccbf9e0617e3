#ifndef ORCH_LAND_PREFIX_H
#define ORCH_LAND_PREFIX_H

#include <stddef.h>

#include <git2.h>

#include "note.h"
#include "policy.h"

/*
 * The prefix merges of a landing queue: the merge of the first branch onto
 * the target's tip, the merge of the second onto that, and so on, each made
 * exactly as `orch-hooks land` makes it one at a time (the same parents,
 * the same message, git's own automatic merge: `git merge-tree
 * --write-tree`, then `git commit-tree`). Nothing is checked out: the
 * person's work tree, index and HEAD are never touched, and no ref moves.
 *
 * The merge gate's rules hold for every step: a branch merges only when its
 * pinned tip carries a valid PASS (src/trust.h), and its merge is git's
 * automatic one (so the content rule holds by construction). A branch whose
 * tip is already in the prefix below needs no merge and no verdict, as in
 * sequential land. The first step that cannot be made stops the build.
 */

/* One queued branch. The tip is pinned by the caller: it is judged and merged, whatever the ref says later. */
struct land_prefix_entry {
	const char *branch;	/* short name, for the message and for people */
	git_oid tip;
	size_t position;	/* 1-based place in the whole queue: "(orch-hooks land 2/5)" */
};

enum land_prefix_kind {
	LAND_PREFIX_MERGED,		/* a merge commit was made on the prefix below */
	LAND_PREFIX_ALREADY,		/* the tip is already in the prefix below: no merge */
	LAND_PREFIX_NOT_REVIEWED,	/* stop: no valid PASS (none, stale, untrusted, invalid) */
	LAND_PREFIX_REJECTED,		/* stop: the reviewer said FAIL */
	LAND_PREFIX_CONFLICT,		/* stop: git's merge does not go through cleanly */
	LAND_PREFIX_ERROR,		/* stop: the step could not be made (reported) */
};

struct land_prefix_step {
	enum land_prefix_kind kind;
	git_oid below;		/* the commit it sits on: the base, or the previous step's commit */
	git_oid commit;		/* MERGED: the merge; ALREADY: = below; stops: zero */
	git_oid tree;		/* MERGED and ALREADY: commit's tree */
	size_t merges;		/* merge commits from the base up to and including this step */
	enum orch_judgement verdict;	/* what the pinned tip's verdict is (stale found for people) */
	char *detail;		/* stops: one line saying why; else NULL */
};

struct land_prefix_opts {
	const char *onto;	/* the target's short name (for the message) */
	size_t total;		/* the length of the whole queue (for the message) */
	unsigned git_timeout_ms;	/* each git command; 0: two minutes */
};

#define LAND_PREFIX_OPTS_INIT { .onto = NULL, .total = 0, .git_timeout_ms = 0 }

struct land_prefix_result {
	struct land_prefix_step *steps;	/* one per entry, up to and including a stop */
	size_t nr;
	int stopped;		/* 1 when steps[nr - 1] is a stop (kind >= LAND_PREFIX_NOT_REVIEWED) */
};

#define LAND_PREFIX_RESULT_INIT { .steps = NULL, .nr = 0, .stopped = 0 }

/*
 * Builds the prefix merges of `entries` on `base` (the target's tip).
 * Returns 0 with every step in *out (the last one may be a stop), or -1
 * when nothing could be decided at all (reported). Messages for people
 * go to stderr only for errors: the caller says what became of each step.
 */
int land_prefix_build(git_repository *repo, const struct orch_policy *policy, const struct land_prefix_opts *o,
		      const git_oid *base, const struct land_prefix_entry *entries, size_t n,
		      struct land_prefix_result *out);

void land_prefix_result_release(struct land_prefix_result *r);

/* "merged", "already-landed", "not-reviewed", "rejected", "conflict", "error". */
const char *land_prefix_kind_name(enum land_prefix_kind k);

/* The message of a landing merge, the one format every land uses (caller frees). */
char *land_merge_message(const char *branch, const char *onto, size_t position, size_t total);

/*
 * The one question "does this pinned tip's verdict let it land on a target
 * at `target_tip`": the verdict, and for people an earlier reviewed commit
 * of the branch (stale), never one of the target's history. The caller
 * releases *out.
 */
void land_judge_tip(git_repository *repo, const struct orch_policy *policy, const git_oid *target_tip,
		    const git_oid *tip, struct orch_judgement_result *out);

#endif
