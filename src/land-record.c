#include "config.h"

#include <string.h>
#include <time.h>

#include "error.h"
#include "land-record.h"
#include "note.h"
#include "repo.h"
#include "strbuf.h"
#include "test-record.h"

int land_record_test(git_repository *repo, const struct orch_policy *policy, const char *onto,
		     const git_oid *merge, const git_oid *merged, const struct land_record_result *res)
{
	struct orch_test_record r = ORCH_TEST_RECORD_INIT;
	char hex[GIT_OID_HEXSZ + 1], date[32];
	git_commit *c = NULL;
	int ret, on_tree;

	if (git_commit_lookup(&c, repo, merge) < 0)
		return orch_git_error("cannot read the merge %s to record its tests", orch_short_oid(merge));
	r.passed = res->passed;
	r.commit = xstrdup(git_oid_tostr(hex, sizeof(hex), merge));
	r.tree = xstrdup(git_oid_tostr(hex, sizeof(hex), git_commit_tree_id(c)));
	r.command = orch_test_command_line(policy->test_command);
	r.runner = orch_test_runner();
	r.exit = xstrdup(res->exit);
	r.duration = xasprintf("%.1fs", res->seconds);
	r.date = xstrdup(orch_iso8601(time(NULL), date, sizeof(date)));
	r.target = xstrdup(onto);
	r.merged = xstrdup(git_oid_tostr(hex, sizeof(hex), merged));
	r.action = xstrdup(res->action);
	r.body = res->body && *res->body ? xstrdup(res->body) : NULL;
	/* A clean worktree of exactly this commit was tested: a PASS holds for the tree. */
	on_tree = res->passed && policy->test_reuse && strcmp(res->action, "reused");
	ret = orch_test_record_write(repo, policy, merge, git_commit_tree_id(c), &r, 0, on_tree);
	orch_test_record_release(&r);
	git_commit_free(c);
	return ret;
}
