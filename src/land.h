#ifndef ORCH_LAND_H
#define ORCH_LAND_H

#include <stddef.h>

#include <git2.h>

#include "land-state.h"
#include "note.h"
#include "policy.h"

/*
 * One `orch-hooks land` run, shared by its parts: cmd-land.c (options,
 * start, the queue, the report), land-one.c (one branch merged in the work
 * tree by the real git, tested by the test gate), land-resume.c
 * (--continue, --skip, --abort) and land-spec.c (-j N: the prefixes tested
 * at once in worktrees of their own).
 */
struct lander {
	git_repository *repo;
	struct orch_policy policy;
	struct land_state st;
	char *state_path;
	unsigned heartbeat_s;
	const char *result;	/* why the run ended, for the report */
	const char *reason;	/* and in one line, when no branch says it */
	int exit_status;
	int reported;		/* land_finish() printed the outcome */
	unsigned char *pinned;	/* per branch: its tip was read in this invocation (-j) */
	size_t test_runs;	/* test commands land itself started (-j) */
};

void land_set_str(char **field, const char *value);
int land_head_oid(git_repository *repo, git_oid *out);

/* The one place land asks whether a verdict counts (against the target's tip). */
int land_judge_branch(struct lander *l, const git_oid *tip, struct orch_judgement_result *j);

/* Marks the branch stopped (status, reason, the target's tip now). */
void land_stop_item(struct lander *l, struct land_item *it, enum land_status status, const char *reason);

/* What a merge step left behind, judged from the repository itself. */
void land_settle(struct lander *l, struct land_item *it, int merge_ok, int interrupted);

/* Tells the person what became of branch i. */
void land_say_outcome(struct lander *l, struct land_item *it, size_t i);

/*
 * Lands branch i by the real `git merge` in the work tree (the test gate
 * tests it); `pinned`: at it->tip as read before, else at where its name
 * points now. Returns 0 when it is in the target, -1 when it stopped the run.
 */
int land_one(struct lander *l, size_t i, int pinned);

int land_is_done(enum land_status s);

/* The branch that stopped the run (or is half-way), or -1. */
long land_stopped_index(const struct land_state *st);

/* Lands every branch not done yet (-j N: land-spec.c); then the report. Returns the exit status. */
int land_rest(struct lander *l, int json);

/* Ends the run: the report on stdout, the state kept while anything is left to do. */
int land_finish(struct lander *l, int json);

/* --continue (skip = 0) and --skip. */
int land_resume(struct lander *l, int skip, int json);

/* --abort. */
int land_abort(struct lander *l, int json);

/*
 * -j N: lands every branch not done yet by testing the prefixes of the
 * queue at once (land-spec.c). Returns 0 when all are done, -1 when a
 * branch stopped the run (or it was interrupted).
 */
int land_spec_run(struct lander *l);

#endif
