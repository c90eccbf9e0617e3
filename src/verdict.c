#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "notes-index.h"
#include "repo.h"
#include "sign.h"
#include "strbuf.h"
#include "verdict.h"

/* The notes commit `notes_ref` names: 1, 0 when there is no such ref, -1. */
static int notes_commit_of_ref(git_repository *repo, const char *notes_ref, git_commit **out)
{
	git_reference *ref = NULL, *resolved = NULL;
	git_object *obj = NULL;
	int ret = -1, err;

	*out = NULL;
	err = git_reference_lookup(&ref, repo, notes_ref);
	if (err == GIT_ENOTFOUND) {
		ret = 0;
		goto done;
	}
	if (err < 0 || git_reference_resolve(&resolved, ref) < 0)
		goto done;
	if (git_object_lookup(&obj, repo, git_reference_target(resolved), GIT_OBJECT_ANY) < 0) {
		orch_git_error_set("the notes ref '%s' points at %s, which is missing (a corrupt repository?)",
				   notes_ref, orch_short_oid(git_reference_target(resolved)));
		goto done;
	}
	if (git_object_type(obj) != GIT_OBJECT_COMMIT) {
		orch_git_error_set("the notes ref '%s' points at a %s, not a commit", notes_ref,
				   git_object_type2string(git_object_type(obj)));
		goto done;
	}
	*out = (git_commit *)obj;
	obj = NULL;
	ret = 1;
done:
	git_object_free(obj);
	git_reference_free(resolved);
	git_reference_free(ref);
	return ret;
}

int orch_note_text(git_repository *repo, const char *notes_ref, const git_commit *notes_commit,
		   const git_oid *commit, char **out, size_t *len)
{
	git_commit *owned = NULL;
	git_oid blob_id;
	int r;

	*out = NULL;
	*len = 0;
	if (!notes_commit) {
		r = notes_commit_of_ref(repo, notes_ref, &owned);
		if (r <= 0)
			return r;
		notes_commit = owned;
	}
	/*
	 * Read as git reads it (notes-index.h), not with git_note_read(), which
	 * says "not found" for a notes tree it cannot read and takes the first
	 * of two notes for one commit: neither may pass for the verdict.
	 */
	r = orch_notes_tree_lookup(repo, git_commit_tree_id(notes_commit), commit, &blob_id);
	if (r < 0 && git_error_last() && git_error_last()->klass != GIT_ERROR_INVALID)
		orch_git_error_set("the notes tree %s cannot be read, a corrupt repository? %s",
				   orch_short_oid(git_commit_tree_id(notes_commit)), orch_git_error_text());
	if (r > 0)
		r = orch_note_blob_text(repo, &blob_id, out, len) < 0 ? -1 : 1;
	git_commit_free(owned);
	return r;
}

/* Says truthfully what a failed write left: the ref as it was, or not. */
static void report_notes_ref_after_failure(git_repository *repo, const char *notes_ref,
					   const git_commit *before)
{
	git_oid now;
	int exists = git_reference_name_to_id(&now, repo, notes_ref) == 0;

	if (exists ? before && git_oid_equal(&now, git_commit_id(before)) : !before)
		orch_say("%s was not changed; free space or fix permissions, then run it again",
			 notes_ref);
	else
		orch_say("%s %s although the write failed; check it with 'git log -1 --stat %s' "
			 "before running it again", notes_ref, exists ? "moved" : "is gone", notes_ref);
}

static int write_record(git_repository *repo, const char *notes_ref, const git_oid *commit,
			struct orch_verdict_record *tmpl, const char *signing_key);

int orch_verdict_write(git_repository *repo, const char *notes_ref, const git_oid *commit,
		       enum orch_verdict_value verdict, const char *reviewer,
		       const char *duration, const char *body)
{
	return orch_verdict_write_signed(repo, notes_ref, commit, verdict, reviewer, duration, body, NULL);
}

/*
 * Verdicts only grow (the server refuses a note that loses a record): a new
 * record joins the records the note has. Its Date is never before their
 * newest, even with a clock behind or two verdicts in one second, so the
 * newest record is the last one given. Returns the earlier note text to keep
 * (NULL: none, or one that no record could make valid: not in the verdict
 * format, or naming another commit or tree; that one is replaced).
 */
static char *earlier_records(git_repository *repo, const char *notes_ref, const git_commit *notes,
			     const git_commit *c, time_t *when)
{
	const git_oid *commit = git_commit_id(c);
	char hex[GIT_OID_HEXSZ + 1], tree[GIT_OID_HEXSZ + 1];
	struct orch_verdict_record *recs = NULL;
	char *text = NULL, *err = NULL;
	size_t len;
	int n, i;

	if (!notes || orch_note_text(repo, notes_ref, notes, commit, &text, &len) <= 0)
		return NULL;
	n = orch_note_parse(text, len, &recs, &err);
	free(err);
	if (n <= 0) {
		free(text);
		return NULL;
	}
	git_oid_tostr(hex, sizeof(hex), commit);
	git_oid_tostr(tree, sizeof(tree), git_commit_tree_id(c));
	for (i = 0; i < n; i++) {
		if (strcmp(recs[i].commit, hex) || (recs[i].tree && strcmp(recs[i].tree, tree)))
			break;
		if (recs[i].when >= *when)
			*when = recs[i].when + 1;
	}
	orch_verdict_records_free(recs, n);
	if (i < n) {
		free(text);
		return NULL;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	return text;
}

int orch_verdict_write_signed(git_repository *repo, const char *notes_ref, const git_oid *commit,
			      enum orch_verdict_value verdict, const char *reviewer,
			      const char *duration, const char *body, const char *signing_key)
{
	struct orch_verdict_record r;

	memset(&r, 0, sizeof(r));
	r.verdict = verdict;
	r.reviewer = (char *)reviewer;
	r.duration = (char *)duration;
	r.body = (char *)body;
	return write_record(repo, notes_ref, commit, &r, signing_key);
}

int orch_verdict_write_carried(git_repository *repo, const char *notes_ref, const git_oid *commit,
			       const git_oid *from, const git_oid *from_base, const char *reviewer,
			       const char *body)
{
	struct orch_verdict_record r;
	char from_hex[GIT_OID_HEXSZ + 1], base_hex[GIT_OID_HEXSZ + 1];

	memset(&r, 0, sizeof(r));
	r.verdict = ORCH_VERDICT_PASS;
	r.reviewer = (char *)reviewer;
	r.carried_from = git_oid_tostr(from_hex, sizeof(from_hex), from);
	r.carried_base = git_oid_tostr(base_hex, sizeof(base_hex), from_base);
	r.body = (char *)body;
	/* Never signed: a signature over it would read as a signed PASS of its own. */
	return write_record(repo, notes_ref, commit, &r, NULL);
}

/* Writes r (verdict, reviewer, duration, body, carried_* filled in) as a new record of commit. */
static int write_record(git_repository *repo, const char *notes_ref, const git_oid *commit,
			struct orch_verdict_record *tmpl, const char *signing_key)
{
	struct orch_verdict_record r = *tmpl;
	char hex[GIT_OID_HEXSZ + 1], tree[GIT_OID_HEXSZ + 1], date[32];
	git_signature *sig = NULL;
	git_commit *c = NULL, *old_notes = NULL;
	git_oid note_id;
	char *text = NULL, *earlier = NULL;
	time_t when = time(NULL);
	int ret = -1;

	r.signature = NULL;
	if (git_commit_lookup(&c, repo, commit) < 0) {
		orch_git_error("cannot read commit %s", orch_short_oid(commit));
		goto done;
	}
	/*
	 * libgit2 starts a new notes history when the ref does not point at a
	 * commit, dropping every verdict before it: refuse, and say what is wrong.
	 */
	if (notes_commit_of_ref(repo, notes_ref, &old_notes) < 0) {
		orch_git_error("cannot write the verdict note of %s; repair the notes ref first "
			       "(git fsck; git log -1 --stat %s)", orch_short_oid(commit), notes_ref);
		goto done;
	}
	if (orch_repo_signature(repo, &sig) < 0)
		goto done;
	r.commit = git_oid_tostr(hex, sizeof(hex), commit);
	r.tree = git_oid_tostr(tree, sizeof(tree), git_commit_tree_id(c));
	earlier = earlier_records(repo, notes_ref, old_notes, c, &when);
	r.date = orch_iso8601(when, date, sizeof(date));
	if (signing_key && *signing_key && orch_sign_record(&r, signing_key) < 0)
		goto done;
	text = orch_note_format(&r);
	if (earlier) {
		char *joined = xasprintf("%s\n\n%s", earlier, text);

		free(text);
		text = joined;
	}
	errno = 0;
	git_error_clear();
	if (git_note_create(&note_id, repo, notes_ref, sig, sig, commit, text, 1) < 0) {
		int e = errno;

		/* A write cut short (a full disk, a file size limit) may leave no libgit2 error. */
		if (!git_error_last() && e)
			orch_error("cannot write the verdict note of %s: %s", orch_short_oid(commit),
				   strerror(e));
		else
			orch_git_error("cannot write the verdict note of %s", orch_short_oid(commit));
		report_notes_ref_after_failure(repo, notes_ref, old_notes);
		goto done;
	}
	ret = 0;
done:
	free(r.signature);
	free(earlier);
	free(text);
	git_signature_free(sig);
	git_commit_free(old_notes);
	git_commit_free(c);
	return ret;
}

char *orch_branches_at(git_repository *repo, const git_oid *oid)
{
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	struct strbuf sb = STRBUF_INIT;

	if (git_branch_iterator_new(&it, repo, GIT_BRANCH_LOCAL) < 0)
		return NULL;
	while (git_branch_next(&ref, &type, it) == 0) {
		const git_oid *target = git_reference_target(ref);
		const char *name;

		if (target && git_oid_equal(target, oid) && git_branch_name(&name, ref) == 0)
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", name);
		git_reference_free(ref);
	}
	git_branch_iterator_free(it);
	return sb.len ? strbuf_detach(&sb) : NULL;
}
