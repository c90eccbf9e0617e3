#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "test-gate.h"
#include "undo-undecided.h"

int orch_orig_head(git_repository *repo, git_oid *out)
{
	git_object *obj = NULL;

	if (git_reference_name_to_id(out, repo, "ORIG_HEAD") == 0)
		return 0;
	if (git_revparse_single(&obj, repo, "HEAD@{1}") == 0) {
		git_oid_cpy(out, git_object_id(obj));
		git_object_free(obj);
		return 0;
	}
	return orch_git_error("cannot tell where the branch was before the merge (no ORIG_HEAD)");
}

/* Runs git in the work tree; its first output line (trimmed) in out. */
static int git_line(const char *const *argv, char *out, size_t len)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	int ret;

	o.argv = argv;
	o.scrub_git_env = 0;	/* this work tree's GIT_DIR is the point here */
	o.timeout_ms = 60 * 1000;
	ret = orch_run(&o, &res);
	if (out)
		snprintf(out, len, "%.*s", (int)strcspn(strbuf_str(&res.output), "\n"), strbuf_str(&res.output));
	if (ret < 0)
		orch_error("'git %s' failed: %s", argv[1], orch_run_tail(&res, 2));
	orch_run_result_release(&res);
	return ret;
}

/*
 * libgit2 could not even read the merge (no memory, no descriptors): git
 * takes it back instead. A two-tree read-tree keeps the person's changes;
 * the branch moves only if it is still at the merge.
 */
static int undo_with_git(void)
{
	const char *head[] = { "git", "rev-parse", "--verify", "--quiet", "HEAD", NULL };
	const char *orig[] = { "git", "rev-parse", "--verify", "--quiet", "ORIG_HEAD", NULL };
	const char *branch[] = { "git", "symbolic-ref", "-q", "HEAD", NULL };
	char m[128], o[128], ref[512];
	const char *read_tree[] = { "git", "read-tree", "-m", "-u", m, o, NULL };
	const char *update[] = { "git", "update-ref", "-m", "orch-hooks: undo a merge the gate could not judge",
				 ref, o, m, NULL };

	if (git_line(head, m, sizeof(m)) < 0 || git_line(orig, o, sizeof(o)) < 0 ||
	    git_line(branch, ref, sizeof(ref)) < 0)
		return -1;
	if (!strcmp(m, o))
		return 1;
	if (git_line(read_tree, NULL, 0) < 0 || git_line(update, NULL, 0) < 0)
		return -1;
	orch_say("MERGE REFUSED: the test gate could not judge it, so git took it back: '%s' is back at %s, "
		 "your uncommitted changes kept; fix the problem above, then merge again", ref, o);
	return 0;
}

void orch_undo_undecided(git_repository *repo)
{
	struct orch_landed l;
	char *target = NULL;
	git_oid orig;

	orch_error("the test gate cannot decide (see above)");
	if (!repo || !(target = orch_repo_current_branch(repo)) || orch_orig_head(repo, &orig) < 0 ||
	    orch_landed_from_head(repo, target, &orig, &l) < 0) {
		free(target);
		if (undo_with_git() < 0)
			orch_say("the merge was NOT TESTED and is still on the branch: fix the problem above, "
				 "then run the tests yourself, or undo it: git reset --keep ORIG_HEAD");
		return;
	}
	l.hook = "post-merge";
	if (!git_oid_equal(&l.tip, &orig))
		orch_test_gate_refuse(repo, &l, NULL, "the test gate cannot decide (see above)",
				      "fix the problem above, then merge again");
	orch_landed_release(&l);
	free(target);
}
