#ifndef ORCH_TEST_RECORD_H
#define ORCH_TEST_RECORD_H

#include <stddef.h>

#include <git2.h>

#include "policy.h"
#include "sign.h"

/*
 * Test records: the result of running the policy's test command on one
 * tree, kept as a note under [notes] tests_ref on the tested commit (and, for
 * a PASS, on the tree itself, so any commit with the same tree can reuse it).
 * The test gate and `orch-hooks test` (a CI runner) both write them; the
 * server reads them for [server] require_tests. A note holds one or more
 * records; a record is "Key: value" headers, a blank line, the output tail:
 *
 *   Tests: PASS
 *   Commit: <full oid of the tested commit>
 *   Tree: <its tree: what was tested>
 *   Command: <the test command, on one line>
 *   Runner: <who ran it>
 *   Exit: 0
 *   Duration: 12.3s
 *   Date: 2026-12-02T01:00:00Z
 *   Signature: <base64 of an SSH signature, namespace orch-hooks-tests>
 *
 *   <last lines of the output>
 *
 * The test gate adds Target, Merged, Action and, when the work tree held
 * uncommitted work while the tests ran, Worktree (such a PASS is never
 * kept on the tree for reuse). A further record starts at a
 * "Tests:" line after a blank line; body lines that would look like one are
 * written with a leading space. The signature covers result, commit, tree,
 * command, runner, exit, duration and date (orch_test_record_payload).
 */

#define ORCH_TEST_SIGN_NAMESPACE "orch-hooks-tests"
#define ORCH_TEST_RECORDS_MAX 1000

struct orch_test_record {
	int passed;
	char *commit;
	char *tree;
	char *command;
	char *runner;
	char *exit;
	char *duration;
	char *date;
	char *target;		/* the test gate's: the branch merged into */
	char *merged;		/* the test gate's: the heads merged */
	char *action;		/* the test gate's: none, undo, revert, keep, reused */
	char *worktree;		/* the test gate's: why the work tree was not the commit's tree */
	char *signature;	/* one line of base64, or NULL */
	char *body;
};

#define ORCH_TEST_RECORD_INIT { .passed = 0 }

void orch_test_record_release(struct orch_test_record *r);
void orch_test_records_free(struct orch_test_record *r, int n);

/* Parses every record of a note; returns the count, or -1 with *err set (caller frees). Pure. */
int orch_test_records_parse(const char *text, size_t len, struct orch_test_record **out, char **err);

/* One record as note text (caller frees). */
char *orch_test_record_format(const struct orch_test_record *r);

/* The bytes the signature covers (caller frees). */
char *orch_test_record_payload(const struct orch_test_record *r);

/* The test command as the Command header holds it: newlines become spaces (caller frees). */
char *orch_test_command_line(const char *command);

/* Who runs the tests: $ORCH_HOOKS_RUNNER, else user@host (caller frees). */
char *orch_test_runner(void);

/* Signs r with the key at key_path (ssh-keygen -Y sign, our namespace). 0 or -1 (reported). */
int orch_test_record_sign(struct orch_test_record *r, const char *key_path);

/* Checks r's signature against an allowed-signers file (see orch_sign_verify). */
void orch_test_record_verify(const struct orch_test_record *r, const char *allowed_signers,
			     struct orch_sig_check *out);

/*
 * Records r on `commit` under the policy's tests ref, signed first when
 * [test] signing_key is set. `append` keeps the records already in the note
 * (records only grow), else r replaces them; `on_tree` records it on `tree`
 * too. Returns 0, or -1 (reported: nothing counts as recorded).
 */
int orch_test_record_write(git_repository *repo, const struct orch_policy *policy, const git_oid *commit,
			   const git_oid *tree, struct orch_test_record *r, int append, int on_tree);

/*
 * A PASS already recorded for exactly `tree` under the policy's test command,
 * in the note of `commit` (may be NULL) or of the tree. When the policy signs
 * its records, only a record whose signature [server] test_signers accepts
 * counts (a CI key never vouches for a result it did not check). Returns 1
 * and fills `out` (if not NULL), else 0.
 */
int orch_test_record_find_reusable(git_repository *repo, const struct orch_policy *policy,
				   const git_oid *commit, const git_oid *tree, struct orch_test_record *out);

/* What the server concludes from the test records of a tip. */
enum orch_tests_kind {
	ORCH_TESTS_PASS,	/* a PASS for the tree, signed by an allowed signer */
	ORCH_TESTS_NONE,	/* no record at all */
	ORCH_TESTS_GARBAGE,	/* a note that is not test records (truncated, damaged) */
	ORCH_TESTS_OTHER_TREE,	/* records, but for other trees */
	ORCH_TESTS_OTHER_COMMAND,/* a PASS, but of another command than the server's [test] command */
	ORCH_TESTS_FAIL,	/* the tests failed on this tree */
	ORCH_TESTS_UNSIGNED,	/* a PASS without a signature */
	ORCH_TESTS_UNTRUSTED,	/* a PASS whose signature is bad or by a key not allowed */
	ORCH_TESTS_UNCHECKABLE,	/* the signature cannot be checked (signers file missing...) */
	ORCH_TESTS_UNREADABLE,	/* the note cannot be read */
};

struct orch_tests_result {
	enum orch_tests_kind kind;
	char *detail;		/* for people */
	char *principal;	/* who signed the PASS */
};

void orch_tests_result_release(struct orch_tests_result *r);
const char *orch_tests_kind_name(enum orch_tests_kind k);

/*
 * Judges the records on `tip` (its note and its tree's) in the notes of
 * `notes_commit` (NULL: those of tests_ref). allowed_signers may be NULL
 * (nothing verifies). command, when not NULL or "", is the only test command
 * whose PASS counts. Never fails: an error is a kind that refuses.
 */
void orch_tests_judge(git_repository *repo, const char *tests_ref, const git_commit *notes_commit,
		      const git_commit *tip, const char *allowed_signers, const char *command,
		      struct orch_tests_result *out);

#endif
