#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "policy.h"
#include "run.h"
#include "sign.h"
#include "strbuf.h"

#define SSH_KEYGEN_TIMEOUT_MS 30000

char *orch_sign_payload(const struct orch_verdict_record *r)
{
	/* Line-based and explicit, so no field can bleed into another. */
	return xasprintf("orch-hooks verdict v1\nverdict %s\ncommit %s\ntree %s\ndate %s\nreviewer %s\n",
			 r->verdict == ORCH_VERDICT_PASS ? "PASS" : "FAIL", r->commit ? r->commit : "",
			 r->tree ? r->tree : "", r->date ? r->date : "", r->reviewer ? r->reviewer : "");
}

void orch_sig_check_release(struct orch_sig_check *c)
{
	free(c->principal);
	free(c->fingerprint);
	free(c->detail);
	memset(c, 0, sizeof(*c));
}

const char *orch_sig_status_name(enum orch_sig_status s)
{
	switch (s) {
	case ORCH_SIG_GOOD: return "good signature";
	case ORCH_SIG_UNSIGNED: return "unsigned verdict";
	case ORCH_SIG_BAD: return "bad signature";
	case ORCH_SIG_UNKNOWN_KEY: return "signed by an unknown key";
	case ORCH_SIG_NOT_REVIEWER: return "signer may not pass this branch";
	case ORCH_SIG_ERROR: return "signature cannot be checked";
	}
	return "?";
}

/* A private scratch directory (under $TMPDIR) for the payload and signature files. */
struct scratch {
	char *dir;
	char *payload;
	char *sig;
};

static int scratch_open(struct scratch *s)
{
	s->dir = orch_tmp_path("orch-hooks-sign.XXXXXX");
	if (!mkdtemp(s->dir)) {
		orch_error("cannot make a temporary directory '%s': %s", s->dir, strerror(errno));
		FREE_AND_NULL(s->dir);
		return -1;
	}
	s->payload = xasprintf("%s/payload", s->dir);
	s->sig = xasprintf("%s/payload.sig", s->dir);
	return 0;
}

static void scratch_close(struct scratch *s)
{
	unlink(s->payload);
	unlink(s->sig);
	rmdir(s->dir);
	free(s->payload);
	free(s->sig);
	free(s->dir);
}

static int write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return orch_error("cannot write '%s': %s", path, strerror(errno));
	ok = fputs(data, f) >= 0;
	if (fclose(f) != 0 || !ok)
		return orch_error("cannot write '%s': %s", path, strerror(errno));
	return 0;
}

/* Runs ssh-keygen with argv, stdin from `in` (or /dev/null). */
static int keygen(const char *const *argv, const char *in, struct orch_run_result *res)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	int fd = -1, r;

	if (in && (fd = open(in, O_RDONLY | O_CLOEXEC)) < 0)
		return orch_error("cannot read '%s': %s", in, strerror(errno));
	o.argv = argv;
	o.stdin_fd = fd;
	o.timeout_ms = SSH_KEYGEN_TIMEOUT_MS;
	r = orch_run(&o, res);
	if (fd >= 0)
		close(fd);
	return r;
}

int orch_sign_bytes(const char *payload, const char *key_path, const char *namespace,
		    const char *what, char **signature)
{
	struct orch_run_result res;
	struct strbuf sig = STRBUF_INIT, b64 = STRBUF_INIT;
	struct scratch s;
	const char *p;
	int ret = -1;

	memset(&res, 0, sizeof(res));
	if (scratch_open(&s) < 0)
		goto done;
	if (write_file(s.payload, payload) < 0)
		goto cleanup;
	{
		const char *argv[] = { "ssh-keygen", "-q", "-Y", "sign", "-f", key_path, "-n",
				       namespace, s.payload, NULL };

		if (keygen(argv, NULL, &res) < 0) {
			char why[300];

			orch_run_describe(&res, SSH_KEYGEN_TIMEOUT_MS, why, sizeof(why));
			orch_error("cannot sign the %s with '%s' (ssh-keygen: %s): %s", what, key_path, why,
				   orch_run_tail(&res, 3));
			goto cleanup;
		}
	}
	if (orch_read_file(&sig, s.sig, ORCH_READ_SIGNATURE) < 0) {
		orch_error("ssh-keygen wrote no signature: %s", strerror(errno));
		goto cleanup;
	}
	/* Keep what lies between the armour lines, joined into one line. */
	for (p = strbuf_str(&sig); *p;) {
		size_t n = strcspn(p, "\n");

		if (n && !starts_with(p, "-----"))
			strbuf_add(&b64, p, n);
		p += n + (p[n] == '\n');
	}
	if (!b64.len) {
		orch_error("ssh-keygen wrote an empty signature");
		goto cleanup;
	}
	free(*signature);
	*signature = strbuf_detach(&b64);
	ret = 0;
cleanup:
	scratch_close(&s);
done:
	orch_run_result_release(&res);
	strbuf_release(&sig);
	strbuf_release(&b64);
	return ret;
}

int orch_sign_record(struct orch_verdict_record *r, const char *key_path)
{
	char *payload = orch_sign_payload(r);
	int ret = orch_sign_bytes(payload, key_path, ORCH_SIGN_NAMESPACE, "verdict", &r->signature);

	free(payload);
	return ret;
}

static char *armour(const char *b64)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(b64), i;

	strbuf_adds(&sb, "-----BEGIN SSH SIGNATURE-----\n");
	for (i = 0; i < n; i += 70) {
		strbuf_add(&sb, b64 + i, n - i < 70 ? n - i : 70);
		strbuf_addch(&sb, '\n');
	}
	strbuf_adds(&sb, "-----END SSH SIGNATURE-----\n");
	return strbuf_detach(&sb);
}

/* "SHA256:..." from ssh-keygen's "Good ... signature ... key SHA256:xyz". */
static char *fingerprint_in(const char *out)
{
	const char *p = strstr(out, "SHA256:");

	return p ? xstrndup(p, strcspn(p, " \n\r")) : NULL;
}

static int principal_allowed(const char *reviewers, const char *principal)
{
	const char *p = reviewers;

	while (*p) {
		size_t n;

		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n && strlen(principal) == n && !strncmp(p, principal, n))
			return 1;
		p += n;
	}
	return 0;
}

static int has_items(const char *list)
{
	return list && list[strspn(list, " \t,")];
}

void orch_sign_verify(const char *payload, const char *signature, const char *namespace,
		      const char *what, const char *allowed_signers, const char *principals,
		      struct orch_sig_check *out)
{
	struct orch_run_result res;
	struct scratch s;
	char *armoured = NULL;

	memset(out, 0, sizeof(*out));
	memset(&res, 0, sizeof(res));
	if (!signature || !*signature) {
		out->status = ORCH_SIG_UNSIGNED;
		out->detail = xasprintf("the %s carries no signature", what);
		return;
	}
	if (scratch_open(&s) < 0) {
		out->status = ORCH_SIG_ERROR;
		out->detail = xstrdup("cannot make a temporary directory");
		return;
	}
	armoured = armour(signature);
	if (write_file(s.payload, payload) < 0 || write_file(s.sig, armoured) < 0) {
		out->status = ORCH_SIG_ERROR;
		out->detail = xstrdup("cannot write temporary files");
		goto done;
	}

	/* Intact at all? This separates "altered" from "unknown key". */
	{
		const char *argv[] = { "ssh-keygen", "-Y", "check-novalidate", "-n", namespace,
				       "-s", s.sig, NULL };

		if (keygen(argv, s.payload, &res) < 0) {
			out->status = res.started && res.exited ? ORCH_SIG_BAD : ORCH_SIG_ERROR;
			out->detail = res.started && res.exited
				? xasprintf("the signature does not match this %s (altered after signing, or made "
					    "for another commit)", what)
				: xstrdup("ssh-keygen could not be run to check the signature");
			goto done;
		}
		out->fingerprint = fingerprint_in(strbuf_str(&res.output));
		orch_run_result_release(&res);
	}
	if (!allowed_signers || !*allowed_signers) {
		out->status = ORCH_SIG_ERROR;
		out->detail = xasprintf("the signature is intact, but no allowed signers file is configured "
					"to say whose it is ([server] %s)",
					strcmp(namespace, ORCH_SIGN_NAMESPACE) ? "test_signers" : "allowed_signers");
		goto done;
	}
	if (access(allowed_signers, R_OK) != 0) {
		out->status = ORCH_SIG_ERROR;
		out->detail = xasprintf("cannot read the allowed signers file '%s': %s", allowed_signers,
					strerror(errno));
		goto done;
	}
	{
		const char *argv[] = { "ssh-keygen", "-Y", "find-principals", "-f", allowed_signers,
				       "-s", s.sig, NULL };

		memset(&res, 0, sizeof(res));
		if (keygen(argv, NULL, &res) < 0 || !res.output.len) {
			out->status = ORCH_SIG_UNKNOWN_KEY;
			out->detail = xasprintf("the key %s is not in '%s'",
						out->fingerprint ? out->fingerprint : "that signed it",
						allowed_signers);
			goto done;
		}
		/* The first principal listed for the key. */
		out->principal = xstrndup(res.output.buf, strcspn(res.output.buf, "\n\r"));
		orch_run_result_release(&res);
	}
	{
		const char *argv[] = { "ssh-keygen", "-Y", "verify", "-f", allowed_signers, "-I",
				       out->principal, "-n", namespace, "-s", s.sig, NULL };

		memset(&res, 0, sizeof(res));
		if (keygen(argv, s.payload, &res) < 0) {
			out->status = ORCH_SIG_BAD;
			out->detail = xasprintf("the signature of '%s' does not verify: %s", out->principal,
						orch_run_tail(&res, 1));
			goto done;
		}
	}
	if (has_items(principals) && !principal_allowed(principals, out->principal)) {
		out->status = ORCH_SIG_NOT_REVIEWER;
		out->detail = xasprintf("signed by '%s', who is not among the reviewers allowed to pass "
					"it (%s)", out->principal, principals);
		goto done;
	}
	out->status = ORCH_SIG_GOOD;
done:
	orch_run_result_release(&res);
	scratch_close(&s);
	free(armoured);
}

void orch_sign_check(const struct orch_verdict_record *r, const char *allowed_signers,
		     const char *reviewers, struct orch_sig_check *out)
{
	char *payload = orch_sign_payload(r);

	orch_sign_verify(payload, r->signature, ORCH_SIGN_NAMESPACE, "verdict", allowed_signers,
			 reviewers, out);
	free(payload);
}

void orch_sign_check_policy(const struct orch_policy *p, const struct orch_verdict_record *r,
			    struct orch_sig_check *out)
{
	char *allowed = orch_policy_resolve_path(p, p->allowed_signers);

	orch_sign_check(r, allowed, p->reviewers, out);
	free(allowed);
}
