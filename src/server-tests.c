#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "pattern.h"
#include "repo.h"
#include "server-gate.h"
#include "server-refusal.h"
#include "server-tests.h"
#include "strbuf.h"
#include "test-record.h"
#include "test-record-growth.h"
#include "notes-index.h"
#include "notes-growth.h"

static void report_growth(void *payload, const char *text)
{
	const struct orch_ref_update *u = ((void **)payload)[0];

	orch_error("push to '%s' refused: %s", u->ref, text);
	*(int *)((void **)payload)[1] = 1;
}

/*
 * Records only grow, note by note (test-record-growth.h): a fast-forward
 * could still drop a FAIL or add a PASS dated before it. 0 or -1.
 */
static int check_tests_growth(git_repository *repo, const struct orch_ref_update *u,
			      const git_commit *pushed, int *refused)
{
	struct orch_notes_index old = ORCH_NOTES_INDEX_INIT, new = ORCH_NOTES_INDEX_INIT;
	void *payload[2] = { (void *)u, refused };
	git_commit *c = NULL;
	int r = -1;

	if (!orch_ref_update_is_create(u) && git_commit_lookup(&c, repo, &u->old_oid) < 0)
		return orch_git_error("cannot read the server's test records %s", orch_short_oid(&u->old_oid));
	if (orch_notes_index_load(&old, repo, c) == 0 && orch_notes_index_load(&new, repo, pushed) == 0)
		r = orch_notes_kind_growth_check(repo, &old, &new, time(NULL) + ORCH_SERVER_CLOCK_SKEW,
						 &orch_notes_test_records, report_growth, payload);
	if (r > 0)
		orch_say("  add your records to the server's instead: git fetch origin %s && "
			 "git notes --ref=%s merge -s union FETCH_HEAD, then push again", u->ref, u->ref);
	orch_notes_index_release(&old);
	orch_notes_index_release(&new);
	git_commit_free(c);
	return r < 0 ? -1 : 0;
}

/*
 * The tests ref may only fast-forward. Returns 0 with *out the pushed notes
 * commit (or NULL when refused), -1 when it cannot be compared.
 */
static int check_tests_update(git_repository *repo, const struct orch_ref_update *u, git_commit **out,
			      int *refused)
{
	int r;

	*out = NULL;
	if (orch_ref_update_is_delete(u)) {
		orch_error("push to '%s' refused: deleting the test records is refused: they are what "
			   "the server's [server] require_tests trusts, and records only grow", u->ref);
		*refused = 1;
		return 0;
	}
	/* git would not make this update, yet the rest of the push would be judged by it. */
	r = orch_ref_update_old_is_current(repo, u);
	if (r < 0)
		return orch_git_error("cannot read the test records ref '%s'", u->ref);
	if (!r) {
		orch_error("push to '%s' refused: the push claims the server's test records are at %s, "
			   "which they are not", u->ref, orch_short_oid(&u->old_oid));
		orch_say("  fetch the server's records and push again: git fetch origin %s", u->ref);
		*refused = 1;
		return 0;
	}
	if (git_commit_lookup(out, repo, &u->new_oid) < 0) {
		orch_error("push to '%s' refused: %s is not a notes commit", u->ref, git_oid_tostr_s(&u->new_oid));
		*refused = 1;
		return 0;
	}
	if (orch_ref_update_is_create(u))
		return check_tests_growth(repo, u, *out, refused);
	r = git_graph_descendant_of(repo, &u->new_oid, &u->old_oid);
	if (r < 0 || (r == 0 && git_oid_equal(&u->new_oid, &u->old_oid)))
		return r < 0 ? orch_git_error("cannot compare the pushed test records with the server's") : 0;
	if (r)
		return check_tests_growth(repo, u, *out, refused);
	if (!r) {
		orch_error("push to '%s' refused: the pushed test records %s do not contain the server's %s: "
			   "that would drop recorded results, and records only grow", u->ref,
			   orch_short_oid(&u->new_oid), orch_short_oid(&u->old_oid));
		orch_say("  fetch the server's records, merge them into yours and push again: "
			 "git fetch origin %s && git notes --ref=%s merge -s union FETCH_HEAD", u->ref, u->ref);
		git_commit_free(*out);
		*out = NULL;
		*refused = 1;
	}
	return 0;
}

static const char *fix_for(enum orch_tests_kind k)
{
	switch (k) {
	case ORCH_TESTS_FAIL:
		return "fix what broke on a branch, merge again and have CI test the new merge";
	case ORCH_TESTS_OTHER_TREE:
		return "a record counts only for the tree it tested: have CI test exactly this commit";
	case ORCH_TESTS_OTHER_COMMAND:
		return "have CI run the server's [test] command on this commit (the runner policy's "
		       "[test] command must be the same)";
	case ORCH_TESTS_UNSIGNED:
	case ORCH_TESTS_UNTRUSTED:
		return "only records signed by a key in [server] test_signers count: have a CI runner "
		       "test this commit (orch-hooks test with [test] signing_key set) and push its notes";
	case ORCH_TESTS_UNCHECKABLE:
		return "the server cannot check signatures: fix [server] test_signers in its policy";
	case ORCH_TESTS_GARBAGE:
	case ORCH_TESTS_UNREADABLE:
		return "the test note is damaged: have CI test this commit again and push the notes it writes";
	default:
		return "have CI test it: push it to refs/orch/candidates/NAME, wait for CI's record, and "
		       "push the branch together with the tests notes (see doc/ci.md)";
	}
}

static int check_tip(git_repository *repo, const struct orch_policy *policy, const git_commit *notes,
		     const struct orch_ref_update *u, const char *signers, int *refused)
{
	struct orch_tests_result res;
	git_commit *tip = NULL;
	char hex[GIT_OID_HEXSZ + 1];

	if (git_commit_lookup(&tip, repo, &u->new_oid) < 0)
		return orch_git_error("cannot read commit %s", orch_short_oid(&u->new_oid));
	/* The server's [test] command, when it names one, is the only one whose PASS counts. */
	orch_tests_judge(repo, policy->tests_ref, notes, tip, signers, policy->test_command, &res);
	if (res.kind == ORCH_TESTS_PASS) {
		orch_say("tests: '%s' at %s carries a PASS for its tree, signed by '%s'",
			 orch_server_branch_name(u->ref), orch_short_oid(&u->new_oid), res.principal);
	} else {
		orch_error("push to '%s' refused: %s on its new tip %s ([server] require_tests)", u->ref,
			   orch_tests_kind_name(res.kind), git_oid_tostr(hex, sizeof(hex), &u->new_oid));
		orch_say("  %s", res.detail);
		orch_say("  %s", fix_for(res.kind));
		*refused = 1;
	}
	orch_tests_result_release(&res);
	git_commit_free(tip);
	return 0;
}

int orch_server_tests_check(git_repository *repo, const struct orch_policy *policy,
			    const struct orch_ref_updates *updates, int *refused)
{
	git_commit *notes = NULL;
	char *signers = NULL;
	size_t i;
	int ret = -1;

	if (!policy->require_tests)
		return 0;
	for (i = 0; i < updates->nr; i++)
		if (!strcmp(updates->items[i].ref, policy->tests_ref) &&
		    check_tests_update(repo, &updates->items[i], &notes, refused) < 0)
			goto done;
	signers = orch_policy_resolve_path(policy, policy->test_signers);
	for (i = 0; i < updates->nr; i++) {
		const struct orch_ref_update *u = &updates->items[i];

		if (!orch_ref_is_protected_branch(policy, u->ref) || orch_ref_update_is_delete(u))
			continue;
		/* No trusted signer, no trusted record: refuse rather than accept anything. */
		if (!signers || access(signers, R_OK) != 0) {
			int e = errno;

			orch_error("push to '%s' refused: [server] require_tests is on, but %s", u->ref, !signers
				   ? "[server] test_signers is not set: no test record can be trusted"
				   : "the [server] test_signers file cannot be read");
			if (signers)
				orch_say("  '%s': %s", signers, strerror(e));
			orch_say("  fix the server's policy (%s): test_signers names the CI runners' keys, in "
				 "the format of git's gpg.ssh.allowedSignersFile", policy->path);
			*refused = 1;
			continue;
		}
		if (check_tip(repo, policy, notes, u, signers, refused) < 0)
			goto done;
	}
	ret = 0;
done:
	free(signers);
	git_commit_free(notes);
	return ret;
}
