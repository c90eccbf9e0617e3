/*
 * orch-hooks status: where every worker branch stands on its way to the
 * target: its verdict, whether it has landed, how far ahead and behind.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "json.h"
#include "policy.h"
#include "repo.h"
#include "strbuf.h"
#include "verdict.h"
#include "worktrees.h"

struct row {
	char *branch;
	git_oid tip;
	const char *verdict;	/* PASS, FAIL, stale, none, invalid */
	char *detail;
	int merged;
	size_t ahead, behind;
	const char *worktree;
};

static const char *verdict_word(enum orch_judgement k)
{
	switch (k) {
	case ORCH_JUDGE_PASS: return "PASS";
	case ORCH_JUDGE_FAIL: return "FAIL";
	case ORCH_JUDGE_STALE: return "stale";
	case ORCH_JUDGE_NONE: return "none";
	default: return "invalid";
	}
}

static int wanted(const char *branch, const struct orch_worktree *wt, char **patterns, int npat,
		  const struct orch_policy *policy, const char *target)
{
	int i;

	if (!strcmp(branch, target))
		return 0;
	if (npat) {
		for (i = 0; i < npat; i++)
			if (orch_pattern_match(patterns[i], branch))
				return 1;
		return 0;
	}
	/* By default: every branch being worked on, which is every one not protected. */
	return wt || !orch_patterns_match(&policy->protected, branch);
}

static void print_table(const struct row *rows, size_t n, const char *target)
{
	size_t i, w = 6;

	for (i = 0; i < n; i++)
		if (strlen(rows[i].branch) > w)
			w = strlen(rows[i].branch);
	printf("%-*s  %-12s  %-7s  %-6s  %-13s  %s\n", (int)w, "BRANCH", "TIP", "VERDICT", "MERGED",
	       "AHEAD/BEHIND", "WORKTREE");
	for (i = 0; i < n; i++) {
		char ab[32];

		snprintf(ab, sizeof(ab), "+%zu/-%zu", rows[i].ahead, rows[i].behind);
		printf("%-*s  %-12s  %-7s  %-6s  %-13s  %s\n", (int)w, rows[i].branch,
		       orch_short_oid(&rows[i].tip), rows[i].verdict, rows[i].merged ? "yes" : "no", ab,
		       rows[i].worktree ? rows[i].worktree : "-");
	}
	if (!n)
		printf("(no branches to show besides '%s')\n", target);
}

static void print_json(const struct row *rows, size_t n, const char *target)
{
	size_t i;

	printf("{\"target\": ");
	orch_json_string(stdout, target);
	printf(", \"branches\": [");
	for (i = 0; i < n; i++) {
		char hex[GIT_OID_HEXSZ + 1];

		printf("%s\n  {\"branch\": ", i ? "," : "");
		orch_json_string(stdout, rows[i].branch);
		printf(", \"tip\": \"%s\", \"verdict\": \"%s\", \"detail\": ",
		       git_oid_tostr(hex, sizeof(hex), &rows[i].tip), rows[i].verdict);
		orch_json_string(stdout, rows[i].detail);
		printf(", \"merged\": %s, \"ahead\": %zu, \"behind\": %zu, \"worktree\": ",
		       rows[i].merged ? "true" : "false", rows[i].ahead, rows[i].behind);
		orch_json_string(stdout, rows[i].worktree);
		printf("}");
	}
	printf("%s]}\n", n ? "\n" : "");
}

static int cmd_status(int argc, char **argv)
{
	struct orch_policy policy;
	git_repository *repo = NULL;
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL, *target_ref = NULL;
	struct orch_worktree *wts = NULL;
	struct row *rows = NULL;
	size_t nwt = 0, n = 0, i;
	char *onto = NULL, *common = NULL, **patterns = NULL;
	int json = 0, npat = 0, ret = 128;
	git_branch_t type;

	orch_policy_init(&policy);
	patterns = xcalloc((size_t)argc, sizeof(*patterns));
	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--onto") && i + 1 < (size_t)argc)
			onto = xstrdup(argv[++i]);
		else if (argv[i][0] == '-') {
			ret = orch_usage(&orch_cmd_status);
			goto done;
		} else
			patterns[npat++] = argv[i];
	}
	if (orch_repo_open_path(&repo, NULL) < 0)
		goto done;
	common = orch_repo_commondir(repo);
	if (orch_policy_load(&policy, common) < 0)
		goto done;
	if (!onto && !(onto = orch_repo_current_branch(repo))) {
		orch_error("HEAD is detached; name the target with --onto BRANCH");
		goto done;
	}
	if (git_branch_lookup(&target_ref, repo, onto, GIT_BRANCH_LOCAL) < 0) {
		orch_error("no branch '%s' to compare with", onto);
		goto done;
	}
	if (orch_worktrees_list(repo, &wts, &nwt) < 0)
		goto done;
	if (git_branch_iterator_new(&it, repo, GIT_BRANCH_LOCAL) < 0) {
		orch_git_error("cannot list branches");
		goto done;
	}
	while (git_branch_next(&ref, &type, it) == 0) {
		const char *name;
		const struct orch_worktree *wt;
		struct orch_judgement_result j;
		struct row *r;

		if (git_branch_name(&name, ref) < 0 || !git_reference_target(ref)) {
			git_reference_free(ref);
			continue;
		}
		wt = orch_worktrees_find(wts, nwt, name);
		if (!wanted(name, wt, patterns, npat, &policy, onto)) {
			git_reference_free(ref);
			continue;
		}
		rows = xrealloc(rows, (n + 1) * sizeof(*rows));
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->branch = xstrdup(name);
		git_oid_cpy(&r->tip, git_reference_target(ref));
		r->worktree = wt ? wt->path : NULL;
		if (orch_verdict_judge(repo, policy.notes_ref, NULL, &r->tip, &j, NULL) == 0) {
			r->verdict = verdict_word(j.kind);
			r->detail = j.detail ? xstrdup(j.detail) : NULL;
			orch_judgement_result_release(&j);
		} else {
			r->verdict = "invalid";
		}
		r->merged = git_oid_equal(&r->tip, git_reference_target(target_ref)) ||
			    git_graph_descendant_of(repo, git_reference_target(target_ref), &r->tip) == 1;
		git_graph_ahead_behind(&r->ahead, &r->behind, repo, &r->tip, git_reference_target(target_ref));
		git_reference_free(ref);
	}
	if (json)
		print_json(rows, n, onto);
	else
		print_table(rows, n, onto);
	if (orch_doctor_run(NULL, 1) == 1)
		orch_say("warning: the gate is not fully in force here; 'orch-hooks doctor' says why");
	ret = 0;
done:
	for (i = 0; i < n; i++) {
		free(rows[i].branch);
		free(rows[i].detail);
	}
	free(rows);
	free(patterns);
	free(onto);
	free(common);
	orch_worktrees_free(wts, nwt);
	git_branch_iterator_free(it);
	git_reference_free(target_ref);
	git_repository_free(repo);
	orch_policy_release(&policy);
	return ret;
}

const struct orch_cmd orch_cmd_status = {
	"status", "status [--onto TARGET] [--json] [PATTERN...]",
	"show each worker branch: tip, verdict, merged or not, ahead/behind, worktree", cmd_status,
};
