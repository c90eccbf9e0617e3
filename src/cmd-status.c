/*
 * orch-hooks status: where every worker branch stands on its way to the
 * target: its verdict, whether it has landed, how far ahead and behind,
 * its worktree and whether that holds uncommitted work, and any land in
 * progress (what is queued, where it stopped and why).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "handoff.h"
#include "json.h"
#include "land-scratch.h"
#include "land-state.h"
#include "parse-options.h"
#include "policy.h"
#include "repo.h"
#include "strbuf.h"
#include "trust.h"
#include "worktrees.h"

struct row {
	char *branch;
	git_oid tip;
	const char *verdict;	/* PASS, FAIL, stale, none, untrusted, invalid */
	char *detail;
	char *carried_from;	/* a PASS carried over from this reviewed commit, else NULL */
	int merged;
	int counted;		/* ahead/behind are known */
	const char *why_not_counted;
	size_t ahead, behind;
	const struct orch_worktree *wt;
	int dirty;		/* -1: cannot tell */
};

/* A land in progress in one worktree. */
struct land_seen {
	const char *worktree;
	struct land_state st;
};

static int wanted(const char *branch, const struct orch_worktree *wt, const struct orch_option_list *pat,
		  const struct orch_policy *policy, const char *target)
{
	int i;

	if (!strcmp(branch, target))
		return 0;
	if (pat->nr) {
		for (i = 0; i < pat->nr; i++)
			if (orch_pattern_match(pat->items[i], branch))
				return 1;
		return 0;
	}
	/* By default: every branch being worked on, which is every one not protected. */
	return wt || !orch_branch_is_protected(policy, branch);
}

/*
 * The one place status asks whether a verdict counts. "stale" must mean an
 * earlier commit of this branch was reviewed: a reviewed commit already in
 * the target is not this branch's, so that is no verdict.
 */
static void judge_row(git_repository *repo, const struct orch_policy *policy, const git_oid *target,
		      struct row *r)
{
	const struct orch_history_bound bound = ORCH_HISTORY_BOUND_TIP(target);
	struct orch_judgement_result j;

	orch_trust_judge_onto(repo, policy, ORCH_TRUST_LOCAL, NULL, &r->tip, target, &j);
	orch_trust_explain_missing(repo, policy, ORCH_TRUST_LOCAL, NULL, &r->tip, &bound, &j, NULL);
	r->verdict = land_verdict_word(j.kind);
	r->detail = j.detail ? xstrdup(j.detail) : NULL;
	if (j.kind == ORCH_JUDGE_PASS && j.record.carried_from)
		r->carried_from = xstrdup(j.record.carried_from);
	orch_judgement_result_release(&j);
}

static void count(git_repository *repo, const git_oid *target, struct row *r)
{
	if (git_repository_is_shallow(repo)) {
		/* The walk would stop at the cut and give a wrong figure. */
		r->why_not_counted = "shallow clone: the history needed is not here";
		return;
	}
	if (git_graph_ahead_behind(&r->ahead, &r->behind, repo, &r->tip, target) < 0) {
		r->why_not_counted = "cannot walk the history";
		return;
	}
	r->counted = 1;
}

static void table_scratch(git_repository *repo)
{
	struct land_scratch_seen *sc = NULL;
	size_t nsc = land_scratch_list(repo, &sc), i;

	for (i = 0; i < nsc; i++) {
		if (sc[i].owner)
			printf("speculative worktree in use by land (pid %ld): %s\n", sc[i].owner, sc[i].path);
		else
			printf("speculative worktree LEFT BEHIND by a land that was killed: %s\n"
			       "  (orch-hooks land --continue or --abort removes it; or: git worktree remove --force %s)\n",
			       sc[i].path, sc[i].path);
	}
	land_scratch_seen_free(sc, nsc);
}

static void print_table(const struct row *rows, size_t n, const char *target, const struct land_seen *lands,
			size_t nlands, git_repository *repo)
{
	size_t i, w = 6;

	for (i = 0; i < n; i++)
		if (strlen(rows[i].branch) > w)
			w = strlen(rows[i].branch);
	printf("%-*s  %-12s  %-9s  %-6s  %-13s  %s\n", (int)w, "BRANCH", "TIP", "VERDICT", "MERGED",
	       "AHEAD/BEHIND", "WORKTREE");
	for (i = 0; i < n; i++) {
		char ab[48];

		if (rows[i].counted)
			snprintf(ab, sizeof(ab), "+%zu/-%zu", rows[i].ahead, rows[i].behind);
		else
			snprintf(ab, sizeof(ab), "?");
		printf("%-*s  %-12s  %-9s  %-6s  %-13s  %s%s\n", (int)w, rows[i].branch,
		       orch_short_oid(&rows[i].tip), rows[i].verdict, rows[i].merged ? "yes" : "no", ab,
		       rows[i].wt ? rows[i].wt->path : "-", rows[i].dirty > 0 ? " (dirty)" : "");
	}
	if (!n)
		printf("(no branches to show besides '%s')\n", target);
	for (i = 0; i < nlands; i++) {
		const struct land_state *st = &lands[i].st;
		size_t k;

		printf("\nland in progress onto '%s' (in %s):", st->onto, lands[i].worktree);
		for (k = 0; k < st->nr; k++)
			printf(" %s[%s]", st->items[k].branch, land_status_name(st->items[k].status));
		printf("\n");
	}
	table_scratch(repo);
}

static void json_row(const struct row *r)
{
	char hex[GIT_OID_HEXSZ + 1];

	printf("\n  {\"branch\": ");
	orch_json_string(stdout, r->branch);
	printf(", \"tip\": \"%s\", \"verdict\": \"%s\", \"detail\": ", git_oid_tostr(hex, sizeof(hex), &r->tip),
	       r->verdict);
	orch_json_string(stdout, r->detail);
	printf(", \"carried_from\": ");
	orch_json_string(stdout, r->carried_from);
	printf(", \"merged\": %s, ", r->merged ? "true" : "false");
	if (r->counted)
		printf("\"ahead\": %zu, \"behind\": %zu, \"ahead_behind_reason\": null", r->ahead, r->behind);
	else
		printf("\"ahead\": null, \"behind\": null, \"ahead_behind_reason\": \"%s\"", r->why_not_counted);
	printf(", \"worktree\": ");
	orch_json_string(stdout, r->wt ? r->wt->path : NULL);
	printf(", \"dirty\": %s}", !r->wt || r->dirty < 0 ? "null" : r->dirty ? "true" : "false");
}

static void json_land(const struct land_seen *l)
{
	const struct land_state *st = &l->st;
	const struct land_item *stop = NULL;
	size_t k;
	int first = 1;

	printf("\n  {\"worktree\": ");
	orch_json_string(stdout, l->worktree);
	printf(", \"onto\": ");
	orch_json_string(stdout, st->onto);
	printf(", \"queue\": [");
	for (k = 0; k < st->nr; k++) {
		const struct land_item *it = &st->items[k];

		if (it->status == LAND_LANDED || it->status == LAND_ALREADY || it->status == LAND_SKIPPED)
			continue;
		if (!stop)
			stop = it;
		printf("%s", first ? "" : ", ");
		orch_json_string(stdout, it->branch);
		first = 0;
	}
	printf("], \"current\": ");
	orch_json_string(stdout, stop ? stop->branch : NULL);
	printf(", \"stopped\": ");
	orch_json_string(stdout, stop && stop->status != LAND_TODO ? land_status_name(stop->status) : NULL);
	printf(", \"reason\": ");
	orch_json_string(stdout, stop ? stop->reason : NULL);
	printf(", \"branches\": [");
	for (k = 0; k < st->nr; k++) {
		printf("%s{\"branch\": ", k ? ", " : "");
		orch_json_string(stdout, st->items[k].branch);
		printf(", \"result\": \"%s\"}", land_status_name(st->items[k].status));
	}
	printf("]}");
}

/* The worktrees land -j tests in: in use by a running land, or left behind by a killed one. */
static void json_scratch(git_repository *repo)
{
	struct land_scratch_seen *sc = NULL;
	size_t nsc = land_scratch_list(repo, &sc), i;

	printf(",\n \"speculative_worktrees\": [");
	for (i = 0; i < nsc; i++) {
		printf("%s\n  {\"path\": ", i ? "," : "");
		orch_json_string(stdout, sc[i].path);
		printf(", \"in_use\": %s, \"land_pid\": ", sc[i].owner ? "true" : "false");
		if (sc[i].owner)
			printf("%ld}", sc[i].owner);
		else
			printf("null}");
	}
	printf("%s]", nsc ? "\n " : "");
	land_scratch_seen_free(sc, nsc);
}

static void print_json(const struct row *rows, size_t n, const char *target, const struct orch_worktree *wts,
		       size_t nwt, const int *wt_dirty, const struct land_seen *lands, size_t nlands,
		       git_repository *repo)
{
	size_t i;

	printf("{\"version\": 1, \"target\": ");
	orch_json_string(stdout, target);
	printf(", \"branches\": [");
	for (i = 0; i < n; i++) {
		printf("%s", i ? "," : "");
		json_row(&rows[i]);
	}
	printf("%s],\n \"worktrees\": [", n ? "\n " : "");
	for (i = 0; i < nwt; i++) {
		printf("%s\n  {\"path\": ", i ? "," : "");
		orch_json_string(stdout, wts[i].path);
		printf(", \"branch\": ");
		orch_json_string(stdout, wts[i].branch);
		printf(", \"dirty\": %s}", wt_dirty[i] < 0 ? "null" : wt_dirty[i] ? "true" : "false");
	}
	printf("%s],\n \"lands\": [", nwt ? "\n " : "");
	for (i = 0; i < nlands; i++) {
		printf("%s", i ? "," : "");
		json_land(&lands[i]);
	}
	printf("%s]", nlands ? "\n " : "");
	json_scratch(repo);
	printf("}\n");
}

/* Uncommitted work (tracked changes, untracked files) in a worktree: 1, 0, or -1 if unknown. */
static int worktree_dirty(const char *path)
{
	char *names = NULL;
	int n = orch_worktree_user_files(path, 0, &names);

	free(names);
	return n < 0 ? -1 : n > 0;
}

/* The lands in progress: in this repository's main worktree and in each linked one. */
static size_t find_lands(const char *common, const struct orch_worktree *wts, size_t nwt,
			 struct land_seen **out)
{
	struct land_seen *lands = xcalloc(nwt + 1, sizeof(*lands));
	size_t i, n = 0;

	for (i = 0; i <= nwt; i++) {
		char *path = i == nwt ? orch_handoff_path(common, ORCH_HANDOFF_LAND_STATE) :
			     xasprintf("%s/worktrees/%s/%s", common, wts[i].name, ORCH_HANDOFF_LAND_STATE);

		if (land_state_load(&lands[n].st, path) == 1) {
			lands[n].worktree = i == nwt ? "(main worktree)" : wts[i].path;
			n++;
		}
		free(path);
	}
	*out = lands;
	return n;
}

static struct row *add_row(struct row **rows, size_t *n, const char *branch, const git_oid *tip)
{
	struct row *r;

	*rows = xrealloc(*rows, (*n + 1) * sizeof(**rows));
	r = &(*rows)[(*n)++];
	memset(r, 0, sizeof(*r));
	r->branch = xstrdup(branch);
	git_oid_cpy(&r->tip, tip);
	return r;
}

static int cmd_status(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL, *target_ref = NULL;
	struct orch_worktree *wts = NULL;
	struct land_seen *lands = NULL;
	struct row *rows = NULL;
	struct orch_option_list patterns = ORCH_OPTION_LIST_INIT;
	size_t nwt = 0, n = 0, nlands = 0, i;
	const char *onto_opt = NULL;
	char *onto = NULL;
	int *wt_dirty = NULL, json = 0, nargs, ret = ORCH_EXIT_FATAL;
	git_branch_t type;
	const struct orch_option options[] = {
		OPT_STRING(0, "onto", &onto_opt, "<branch>", "compare with this branch (default: the current one)"),
		OPT_BOOL(0, "json", &json, "print the same as JSON (doc/json.md)"),
		OPT_END(),
	};

	nargs = orch_parse_options(argc, argv, options, &orch_cmd_status);
	if (nargs < 0) {
		ret = ORCH_EXIT_USAGE;
		goto done;
	}
	patterns.items = (const char **)argv;
	patterns.nr = nargs;
	if (orch_cmd_setup(ctx) < 0)
		goto done;
	onto = onto_opt ? xstrdup(onto_opt) : orch_repo_current_branch(ctx->repo);
	if (!onto) {
		orch_error("HEAD is detached; name the target with --onto BRANCH");
		goto done;
	}
	if (git_branch_lookup(&target_ref, ctx->repo, onto, GIT_BRANCH_LOCAL) < 0) {
		orch_error("no branch '%s' to compare with", onto);
		goto done;
	}
	if (orch_worktrees_list(ctx->repo, &wts, &nwt) < 0)
		goto done;
	wt_dirty = xcalloc(nwt + 1, sizeof(*wt_dirty));
	for (i = 0; i < nwt; i++)
		wt_dirty[i] = worktree_dirty(wts[i].path);
	nlands = find_lands(ctx->commondir, wts, nwt, &lands);
	if (git_branch_iterator_new(&it, ctx->repo, GIT_BRANCH_LOCAL) < 0) {
		orch_git_error("cannot list branches");
		goto done;
	}
	while (git_branch_next(&ref, &type, it) == 0) {
		const git_oid *target = git_reference_target(target_ref);
		const char *name;
		const struct orch_worktree *wt;
		struct row *r;

		if (git_branch_name(&name, ref) < 0 || !git_reference_target(ref) ||
		    !wanted(name, (wt = orch_worktrees_find(wts, nwt, name)), &patterns, ctx->policy, onto)) {
			git_reference_free(ref);
			continue;
		}
		r = add_row(&rows, &n, name, git_reference_target(ref));
		r->wt = wt;
		r->dirty = wt ? wt_dirty[wt - wts] : 0;
		judge_row(ctx->repo, ctx->policy, target, r);
		r->merged = git_oid_equal(&r->tip, target) || git_graph_descendant_of(ctx->repo, target, &r->tip) == 1;
		count(ctx->repo, target, r);
		git_reference_free(ref);
	}
	if (json)
		print_json(rows, n, onto, wts, nwt, wt_dirty, lands, nlands, ctx->repo);
	else
		print_table(rows, n, onto, lands, nlands, ctx->repo);
	if (orch_doctor_run(NULL, 1) == 1)
		orch_say("warning: the gate is not fully in force here; 'orch-hooks doctor' says why");
	ret = ORCH_EXIT_OK;
done:
	for (i = 0; i < n; i++) {
		free(rows[i].branch);
		free(rows[i].detail);
		free(rows[i].carried_from);
	}
	for (i = 0; i < nlands; i++)
		land_state_release(&lands[i].st);
	free(lands);
	free(rows);
	free(wt_dirty);
	free(onto);
	orch_worktrees_free(wts, nwt);
	git_branch_iterator_free(it);
	git_reference_free(target_ref);
	return ret;
}

ORCH_CMD_DEFINE(status, ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY, "status [--onto BRANCH] [--json] [PATTERN...]",
		"show each worker branch: tip, verdict, merged or not, ahead/behind, worktree; and any land in progress");
