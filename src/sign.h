#ifndef ORCH_SIGN_H
#define ORCH_SIGN_H

#include "note.h"

/*
 * SSH-signed verdicts. A verdict record is signed with
 * `ssh-keygen -Y sign -n orch-hooks-verdict` over a canonical payload that
 * names the verdict, the commit, its tree, the date and the reviewer; the
 * signature is kept in the record's one-line "Signature:" header (the
 * base64 between the armour lines), so it survives a union merge of notes.
 * The namespace is our own: a verdict signature is never a valid commit
 * signature, nor the other way round.
 */

#define ORCH_SIGN_NAMESPACE "orch-hooks-verdict"

/* The bytes a signature covers (caller frees). */
char *orch_sign_payload(const struct orch_verdict_record *r);

/*
 * Signs r's payload with the key at key_path (a private key, or a public key
 * whose private half is in ssh-agent, as git's user.signingKey). Stores the
 * signature in r->signature. Returns 0 or -1 (reported).
 */
int orch_sign_record(struct orch_verdict_record *r, const char *key_path);

/*
 * The signing itself, for any record kind: signs `payload` in `namespace`
 * with the key at key_path and puts the signature, as one line of base64,
 * into the record's *signature (the old one freed; left alone on failure).
 * `what` names the record in messages. Returns 0 or -1 (reported).
 */
int orch_sign_bytes(const char *payload, const char *key_path, const char *namespace,
		    const char *what, char **signature);

enum orch_sig_status {
	ORCH_SIG_GOOD,		/* valid, by a principal of the allowed signers */
	ORCH_SIG_UNSIGNED,	/* no Signature header */
	ORCH_SIG_BAD,		/* does not verify: altered, or made for other data */
	ORCH_SIG_UNKNOWN_KEY,	/* verifies, but the key is not an allowed signer */
	ORCH_SIG_NOT_REVIEWER,	/* good, but the principal may not pass this branch */
	ORCH_SIG_ERROR,		/* could not check (ssh-keygen missing, no allowed signers file) */
};

struct orch_sig_check {
	enum orch_sig_status status;
	char *principal;	/* who signed, when known */
	char *fingerprint;	/* SHA256:... of the key, when known */
	char *detail;		/* for people */
};

void orch_sig_check_release(struct orch_sig_check *c);
const char *orch_sig_status_name(enum orch_sig_status s);

/*
 * Checks r's signature. allowed_signers is a file in the format of git's
 * gpg.ssh.allowedSignersFile (NULL: only check that the signature is
 * intact and report its key). reviewers, when not NULL and not empty, is a
 * comma/space separated list of principals allowed to pass.
 */
void orch_sign_check(const struct orch_verdict_record *r, const char *allowed_signers,
		     const char *reviewers, struct orch_sig_check *out);

/*
 * Checks `signature` (one line of base64, NULL for none) over `payload` in
 * `namespace`, as orch_sign_check does; principals, when not NULL and not
 * empty, lists who may pass.
 */
void orch_sign_verify(const char *payload, const char *signature, const char *namespace,
		      const char *what, const char *allowed_signers, const char *principals,
		      struct orch_sig_check *out);

/* orch_sign_check with the policy's allowed signers and reviewers. */
struct orch_policy;
void orch_sign_check_policy(const struct orch_policy *p, const struct orch_verdict_record *r,
			    struct orch_sig_check *out);

#endif
