#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "note.h"
#include "notes-write.h"
#include "repo.h"
#include "strbuf.h"
#include "test-record.h"
#include "verdict.h"

int orch_test_record_sign(struct orch_test_record *r, const char *key_path)
{
	char *payload = orch_test_record_payload(r);
	int ret = orch_sign_bytes(payload, key_path, ORCH_TEST_SIGN_NAMESPACE, "test record", &r->signature);

	free(payload);
	return ret;
}

void orch_test_record_verify(const struct orch_test_record *r, const char *allowed_signers,
			     struct orch_sig_check *out)
{
	char *payload = orch_test_record_payload(r);

	orch_sign_verify(payload, r->signature, ORCH_TEST_SIGN_NAMESPACE, "test record", allowed_signers,
			 NULL, out);
	free(payload);
}

/* `text` after the records `id` already has in `notes` (when it has some and there is room). */
static char *appended(git_repository *repo, const char *ref, const git_commit *notes, const git_oid *id,
		      const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	char *old = NULL;
	size_t old_len = 0;

	if (orch_note_text(repo, ref, notes, id, &old, &old_len) > 0 &&
	    old_len + strlen(text) + 2 < ORCH_NOTE_MAX_SIZE) {
		strbuf_add(&sb, old, old_len);
		while (sb.len && sb.buf[sb.len - 1] == '\n')
			sb.buf[--sb.len] = '\0';
		strbuf_adds(&sb, "\n\n");
	}
	strbuf_adds(&sb, text);
	free(old);
	return strbuf_detach(&sb);
}

/*
 * Writes `text` as the note of each of the n ids (at most 2), after the
 * records already there when `append`: one notes commit for all of them.
 * Another writer moving the ref meanwhile costs a retry, never its notes.
 */
static int put_notes(git_repository *repo, const char *ref, const git_oid *const *ids, size_t n,
		     const char *text, int append)
{
	struct orch_note_put puts[2];
	char *texts[2] = { NULL, NULL };
	git_signature *sig = NULL;
	size_t i;
	int attempt, r = -1;

	if (n > 2 || orch_repo_signature(repo, &sig) < 0)
		return -1;
	for (attempt = 0; attempt < 5; attempt++) {
		git_commit *parent = NULL;
		git_oid at;

		r = git_reference_name_to_id(&at, repo, ref);
		if (r == 0)
			r = git_commit_lookup(&parent, repo, &at);
		else if (r == GIT_ENOTFOUND)
			r = 0;
		for (i = 0; r == 0 && i < n; i++) {
			free(texts[i]);
			texts[i] = append ? appended(repo, ref, parent, ids[i], text) : NULL;
			puts[i] = (struct orch_note_put){ .id = ids[i], .text = texts[i] ? texts[i] : text };
		}
		if (r == 0)
			r = orch_notes_write(repo, ref, parent, sig, puts, n);
		git_commit_free(parent);
		if (r != 1)
			break;
	}
	if (r != 0)
		orch_git_error("cannot record the test result as a note on %s under '%s'%s",
			       orch_short_oid(ids[0]), ref, r > 0 ? " (it kept moving)" : "");
	for (i = 0; i < n; i++)
		free(texts[i]);
	git_signature_free(sig);
	return r == 0 ? 0 : -1;
}

int orch_test_record_write(git_repository *repo, const struct orch_policy *policy, const git_oid *commit,
			   const git_oid *tree, struct orch_test_record *r, int append, int on_tree)
{
	char *key = orch_policy_resolve_path(policy, policy->test_signing_key), *text = NULL;
	const git_oid *ids[2] = { commit, tree };
	int ret = -1;

	if (key && orch_test_record_sign(r, key) < 0) {
		orch_error("the test result of %s was not recorded: it could not be signed "
			   "([test] signing_key = %s)", orch_short_oid(commit), policy->test_signing_key);
		goto done;
	}
	text = orch_test_record_format(r);
	/* A PASS kept on the tree too goes in the same notes commit. */
	if (put_notes(repo, policy->tests_ref, ids, on_tree ? 2 : 1, text, append) < 0)
		goto done;
	ret = 0;
done:
	free(text);
	free(key);
	return ret;
}

/* ---- reading --------------------------------------------------------------- */

/* The records of the note on `id`: count, 0 for none, -1 unreadable, -2 garbage (*err set). */
static int records_of(git_repository *repo, const char *ref, const git_commit *notes_commit,
		      const git_oid *id, struct orch_test_record **out, char **err)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	*err = NULL;
	r = orch_note_text(repo, ref, notes_commit, id, &text, &len);
	if (r <= 0) {
		if (r < 0)
			*err = xstrdup(orch_git_error_text());
		return r;
	}
	r = orch_test_records_parse(text, len, out, err);
	free(text);
	return r < 0 ? -2 : r;
}

static int reusable(const struct orch_policy *policy, const struct orch_test_record *r,
		    const char *tree_hex, const char *command)
{
	struct orch_sig_check sc;
	char *signers;
	int ok;

	if (!r->passed || strcmp(r->tree, tree_hex) || strcmp(r->command, command))
		return 0;
	if (!*policy->test_signing_key)
		return 1;
	/* We sign: vouch only for a result whose signature we accept. */
	signers = orch_policy_resolve_path(policy, policy->test_signers);
	if (!signers || !r->signature) {
		free(signers);
		return 0;
	}
	orch_test_record_verify(r, signers, &sc);
	ok = sc.status == ORCH_SIG_GOOD;
	orch_sig_check_release(&sc);
	free(signers);
	return ok;
}

int orch_test_record_find_reusable(git_repository *repo, const struct orch_policy *policy,
				   const git_oid *commit, const git_oid *tree, struct orch_test_record *out)
{
	const git_oid *ids[2] = { commit, tree };
	char tree_hex[GIT_OID_HEXSZ + 1];
	char *command = orch_test_command_line(policy->test_command);
	int k, i, found = 0;

	git_oid_tostr(tree_hex, sizeof(tree_hex), tree);
	for (k = 0; k < 2 && !found; k++) {
		struct orch_test_record *recs = NULL;
		char *err = NULL;
		int n;

		if (!ids[k])
			continue;
		n = records_of(repo, policy->tests_ref, NULL, ids[k], &recs, &err);
		for (i = n - 1; i >= 0 && !found; i--) {
			if (!reusable(policy, &recs[i], tree_hex, command))
				continue;
			found = 1;
			if (out) {
				*out = recs[i];
				memset(&recs[i], 0, sizeof(recs[i]));
			}
		}
		orch_test_records_free(recs, n > 0 ? n : 0);
		free(err);
	}
	free(command);
	return found;
}

void orch_tests_result_release(struct orch_tests_result *r)
{
	free(r->detail);
	free(r->principal);
	memset(r, 0, sizeof(*r));
}

/*
 * What each kind is called, and how near it is to passing (of several
 * refusals, the nearest is the one reported).
 */
static const struct {
	const char *name;
	int rank;
} kinds[] = {
	[ORCH_TESTS_PASS] = { "PASS", 9 },
	[ORCH_TESTS_UNCHECKABLE] = { "test record cannot be checked", 8 },
	[ORCH_TESTS_UNTRUSTED] = { "untrusted test record", 7 },
	[ORCH_TESTS_UNSIGNED] = { "unsigned test record", 6 },
	[ORCH_TESTS_FAIL] = { "tests FAILED", 5 },
	[ORCH_TESTS_OTHER_COMMAND] = { "test record of another command", 5 },
	[ORCH_TESTS_OTHER_TREE] = { "test record for another tree", 4 },
	[ORCH_TESTS_UNREADABLE] = { "test record unreadable", 3 },
	[ORCH_TESTS_GARBAGE] = { "damaged test record", 2 },
	[ORCH_TESTS_NONE] = { "no test record", 1 },
};

/* Every kind has its row: a kind added at the end without one fails here. */
_Static_assert(ARRAY_SIZE(kinds) == ORCH_TESTS_UNREADABLE + 1, "a kind of test result without its row");

const char *orch_tests_kind_name(enum orch_tests_kind k)
{
	return (unsigned)k < ARRAY_SIZE(kinds) && kinds[k].name ? kinds[k].name : "?";
}

static int rank(enum orch_tests_kind k)
{
	return kinds[k].rank;
}

static void consider(struct orch_tests_result *out, enum orch_tests_kind k, char *detail, char *principal)
{
	if (rank(k) <= rank(out->kind) && out->detail) {
		free(detail);
		free(principal);
		return;
	}
	orch_tests_result_release(out);
	out->kind = k;
	out->detail = detail;
	out->principal = principal;
}

/*
 * Each signature check runs ssh-keygen three times: a note stuffed with
 * forged PASS records must not keep the server busy for hours.
 */
#define MAX_SIGNATURE_CHECKS 8

static void judge_record(const struct orch_test_record *r, const char *tree_hex, const char *allowed,
			 const char *command, int *checks, struct orch_tests_result *out)
{
	struct orch_sig_check sc;

	if (strcmp(r->tree, tree_hex)) {
		consider(out, ORCH_TESTS_OTHER_TREE, xasprintf("the record is for tree %.12s (of commit %.12s), "
			 "not this tip's tree %.12s", r->tree, r->commit, tree_hex), NULL);
		return;
	}
	if (!r->passed) {
		consider(out, ORCH_TESTS_FAIL, xasprintf("'%s' FAILED on this tree (exit %s, run by %s at %s)",
			 r->command, r->exit ? r->exit : "?", r->runner ? r->runner : "?", r->date), NULL);
		return;
	}
	if (command && strcmp(r->command, command)) {
		consider(out, ORCH_TESTS_OTHER_COMMAND, xasprintf("the PASS is of '%s', and the server's "
			 "[test] command is '%s'", r->command, command), NULL);
		return;
	}
	if (!r->signature) {
		consider(out, ORCH_TESTS_UNSIGNED, xasprintf("the PASS (run by %s at %s) carries no signature",
			 r->runner ? r->runner : "?", r->date), NULL);
		return;
	}
	if (++*checks > MAX_SIGNATURE_CHECKS) {
		if (*checks == MAX_SIGNATURE_CHECKS + 1) {	/* this reason wins over the last bad one */
			orch_tests_result_release(out);
			out->kind = ORCH_TESTS_UNTRUSTED;
			out->detail = xasprintf("more than %d signed PASS records for this tree and none "
						"verified: the rest were not checked", MAX_SIGNATURE_CHECKS);
		}
		return;
	}
	orch_test_record_verify(r, allowed, &sc);
	if (sc.status == ORCH_SIG_GOOD)
		consider(out, ORCH_TESTS_PASS, xasprintf("'%s' passed, signed by '%s'", r->command,
			 sc.principal), xstrdup(sc.principal));
	else
		consider(out, sc.status == ORCH_SIG_ERROR ? ORCH_TESTS_UNCHECKABLE : ORCH_TESTS_UNTRUSTED,
			 xasprintf("%s: %s", orch_sig_status_name(sc.status), sc.detail), NULL);
	orch_sig_check_release(&sc);
}

void orch_tests_judge(git_repository *repo, const char *tests_ref, const git_commit *notes_commit,
		      const git_commit *tip, const char *allowed_signers, const char *command,
		      struct orch_tests_result *out)
{
	const git_oid *ids[2] = { git_commit_id(tip), git_commit_tree_id(tip) };
	char tree_hex[GIT_OID_HEXSZ + 1];
	char *want = command && *command ? orch_test_command_line(command) : NULL;
	int k, i, checks = 0;

	memset(out, 0, sizeof(*out));
	out->kind = ORCH_TESTS_NONE;
	git_oid_tostr(tree_hex, sizeof(tree_hex), ids[1]);
	for (k = 0; k < 2 && out->kind != ORCH_TESTS_PASS; k++) {
		struct orch_test_record *recs = NULL;
		char *err = NULL;
		int n = records_of(repo, tests_ref, notes_commit, ids[k], &recs, &err);

		if (n == -1)
			consider(out, ORCH_TESTS_UNREADABLE, xasprintf("the note cannot be read: %s", err), NULL);
		else if (n == -2)
			consider(out, ORCH_TESTS_GARBAGE, xasprintf("the note on %s %s is not a test record: %s",
				 k ? "tree" : "commit", orch_short_oid(ids[k]), err), NULL);
		for (i = 0; i < n && out->kind != ORCH_TESTS_PASS; i++)
			judge_record(&recs[i], tree_hex, allowed_signers, want, &checks, out);
		orch_test_records_free(recs, n > 0 ? n : 0);
		free(err);
	}
	if (!out->detail)
		out->detail = xasprintf("no test record under %s for this commit or its tree", tests_ref);
	free(want);
}
