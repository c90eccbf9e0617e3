#include "config.h"

#include <string.h>
#include <time.h>

#include "error.h"
#include "land-record.h"
#include "note.h"
#include "repo.h"
#include "strbuf.h"
#include "test-record.h"

static char *hex_of(const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	return xstrdup(git_oid_tostr(hex, sizeof(hex), oid));
}

int land_record_test(git_repository *repo, const struct orch_policy *policy, const char *onto,
		     const git_oid *merge, const git_oid *merged, const struct land_record_result *res)
{
	git_commit *c = NULL;
	char date[32];
	int ret;

	if (git_commit_lookup(&c, repo, merge) < 0)
		return orch_git_error("cannot read the merge %s to record its tests", orch_short_oid(merge));
	{
		struct orch_test_record r = {
			.passed = res->passed, .commit = hex_of(merge), .tree = hex_of(git_commit_tree_id(c)),
			.command = orch_test_command_line(policy->test_command), .runner = orch_test_runner(),
			.exit = xstrdup(res->exit), .duration = xasprintf("%.1fs", res->seconds),
			.date = xstrdup(orch_iso8601(time(NULL), date, sizeof(date))), .target = xstrdup(onto),
			.merged = hex_of(merged), .action = xstrdup(res->action),
			.body = res->body && *res->body ? xstrdup(res->body) : NULL,
		};
		/* A clean worktree of exactly this commit was tested: a PASS holds for the tree. */
		int on_tree = res->passed && policy->test_reuse && strcmp(res->action, "reused");

		ret = orch_test_record_write(repo, policy, merge, git_commit_tree_id(c), &r, 0, on_tree);
		orch_test_record_release(&r);
	}
	git_commit_free(c);
	return ret;
}
