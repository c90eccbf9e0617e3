#ifndef ORCH_POLICY_H
#define ORCH_POLICY_H

#include "pattern.h"

enum orch_on_failure {
	ORCH_ON_FAILURE_UNDO,
	ORCH_ON_FAILURE_REVERT,
	ORCH_ON_FAILURE_KEEP,
};

enum orch_sandbox {
	ORCH_SANDBOX_NONE,
	ORCH_SANDBOX_BWRAP,
	ORCH_SANDBOX_AUTO,	/* bwrap where it works, none (said in one line) where not */
};

/* Whether a verdict survives a pure rebase (carry-over.h). */
enum orch_carry_over {
	ORCH_CARRY_OVER_NONE,
	ORCH_CARRY_OVER_PATCH_ID,
};

/* Keys, in the order `orch-hooks policy` prints them. */
enum orch_policy_key {
	ORCH_KEY_PROTECTED,
	ORCH_KEY_REQUIRE_SIGNED,
	ORCH_KEY_NOTES_REF,
	ORCH_KEY_TESTS_REF,
	ORCH_KEY_REVIEW_COMMAND,
	ORCH_KEY_REVIEW_TIMEOUT,
	ORCH_KEY_REVIEW_ALLOW_MANUAL,
	ORCH_KEY_REVIEW_SANDBOX,
	ORCH_KEY_REVIEW_SIGNING_KEY,
	ORCH_KEY_REVIEW_CARRY_OVER,
	ORCH_KEY_TEST_COMMAND,
	ORCH_KEY_TEST_TIMEOUT,
	ORCH_KEY_TEST_ON_FAILURE,
	ORCH_KEY_TEST_REUSE,
	ORCH_KEY_TEST_SIGNING_KEY,
	ORCH_KEY_SERVER_ALLOW_DIRECT,
	ORCH_KEY_SERVER_TEST_COMMAND,
	ORCH_KEY_SERVER_TEST_TIMEOUT,
	ORCH_KEY_SERVER_ALLOWED_SIGNERS,
	ORCH_KEY_SERVER_REQUIRE_SIGNED,
	ORCH_KEY_SERVER_REVIEWERS,
	ORCH_KEY_SERVER_REQUIRE_TESTS,
	ORCH_KEY_SERVER_TEST_SIGNERS,
	ORCH_KEY_CI_TIMEOUT,
	ORCH_KEY__COUNT
};

struct orch_policy {
	struct orch_patterns protected;
	int require_signed;		/* the local gate wants signed verdicts */
	char *notes_ref;
	char *tests_ref;
	char *review_command;
	unsigned review_timeout;
	int allow_manual;
	enum orch_sandbox review_sandbox;
	char *signing_key;		/* SSH key that signs verdicts; "" for none */
	enum orch_carry_over carry_over;
	char *test_command;
	unsigned test_timeout;
	enum orch_on_failure on_failure;
	int test_reuse;
	char *test_signing_key;		/* SSH key that signs test records; "" for none */
	int allow_direct;
	char *server_test_command;
	unsigned server_test_timeout;
	char *allowed_signers;		/* git's allowedSignersFile format; "" for none */
	int server_require_signed;
	char *reviewers;		/* principals allowed to pass; "" for any */
	int require_tests;		/* a protected tip needs a signed PASS test record */
	char *test_signers;		/* allowed signers of test records; "" for none */
	unsigned ci_timeout;		/* land --ci: the longest wait for CI's records */

	/* Where the policy was read from ("built-in defaults" if nowhere). */
	char *path;
	/* Per key: "FILE:LINE" where it was set, or NULL for the default. */
	char *origin[ORCH_KEY__COUNT];
};

void orch_policy_init(struct orch_policy *p);
void orch_policy_release(struct orch_policy *p);

/*
 * Parses policy text. "name" is what messages call the source (a path).
 * On error, writes "NAME:LINE: problem" into *err (caller frees) and
 * returns -1; the policy must then not be used.
 */
int orch_policy_parse_string(struct orch_policy *p, const char *name,
			     const char *text, size_t len, char **err);
int orch_policy_load_file(struct orch_policy *p, const char *path, char **err);

/*
 * Finds and loads the policy in effect: $ORCH_HOOKS_CONFIG, else
 * COMMONDIR/orch-hooks.ini, else the system one. commondir may be NULL.
 * Errors are reported on stderr; returns -1 so the caller refuses.
 */
int orch_policy_load(struct orch_policy *p, const char *commondir);

/* The system-wide policy path ($ORCH_HOOKS_SYSCONFDIR overrides, for tests). */
char *orch_policy_system_path(void);

/* Name and section of a key, for printing. */
const char *orch_policy_key_section(enum orch_policy_key k);
const char *orch_policy_key_name(enum orch_policy_key k);
/* The value of a key as text (caller frees). */
char *orch_policy_value_text(const struct orch_policy *p, enum orch_policy_key k);

const char *orch_on_failure_name(enum orch_on_failure f);

/*
 * A path from the policy: absolute as given, relative to the directory of
 * the policy file otherwise (caller frees). NULL for an empty value.
 */
char *orch_policy_resolve_path(const struct orch_policy *p, const char *value);

#endif
