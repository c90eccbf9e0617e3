#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "repo.h"
#include "sign.h"
#include "strbuf.h"
#include "verdict.h"

int orch_note_text(git_repository *repo, const char *notes_ref, const git_commit *notes_commit,
		   const git_oid *commit, char **out, size_t *len)
{
	git_note *note = NULL;
	const char *msg;
	int err;

	*out = NULL;
	*len = 0;
	if (notes_commit)
		err = git_note_commit_read(&note, repo, (git_commit *)notes_commit, commit);
	else
		err = git_note_read(&note, repo, notes_ref, commit);
	if (err == GIT_ENOTFOUND)
		return 0;
	if (err < 0)
		return -1;
	msg = git_note_message(note);
	/* git_note_message is NUL-terminated; the blob may hold NULs beyond it. */
	{
		git_blob *blob = NULL;

		if (git_blob_lookup(&blob, repo, git_note_id(note)) == 0) {
			size_t n = (size_t)git_blob_rawsize(blob);

			if (n > ORCH_NOTE_MAX_SIZE) {
				git_blob_free(blob);
				git_note_free(note);
				git_error_set_str(GIT_ERROR_INVALID, "the note is larger than 1 MiB");
				return -1;
			}
			*out = xmalloc(n + 1);
			memcpy(*out, git_blob_rawcontent(blob), n);
			(*out)[n] = '\0';
			*len = n;
			git_blob_free(blob);
		} else {
			*len = strlen(msg);
			*out = xstrndup(msg, *len);
		}
	}
	git_note_free(note);
	return 1;
}

static int judge_one(git_repository *repo, const char *notes_ref, const git_commit *notes_commit,
		     const git_commit *c, struct orch_judgement_result *out, int *found)
{
	char hex[GIT_OID_HEXSZ + 1], tree[GIT_OID_HEXSZ + 1];
	char *text = NULL;
	size_t len;
	int r;

	memset(out, 0, sizeof(*out));
	r = orch_note_text(repo, notes_ref, notes_commit, git_commit_id(c), &text, &len);
	*found = r != 0;
	if (r < 0) {
		out->kind = ORCH_JUDGE_UNREADABLE;
		out->detail = xstrdup(orch_git_error_text());
		return 0;
	}
	if (r == 0) {
		out->kind = ORCH_JUDGE_NONE;
		return 0;
	}
	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	git_oid_tostr(tree, sizeof(tree), git_commit_tree_id(c));
	orch_note_judge(text, len, hex, tree, out);
	free(text);
	return 0;
}

int orch_verdict_judge(git_repository *repo, const char *notes_ref, const git_commit *notes_commit,
		       const git_oid *commit, struct orch_judgement_result *out,
		       git_oid *stale_commit)
{
	git_commit *c = NULL, *parent = NULL;
	int found, depth;

	memset(out, 0, sizeof(*out));
	if (git_commit_lookup(&c, repo, commit) < 0)
		return orch_git_error("cannot read commit %s", orch_short_oid(commit));
	judge_one(repo, notes_ref, notes_commit, c, out, &found);
	if (found)
		goto done;

	/* No note: was an earlier commit of this line reviewed? Then it is stale. */
	for (depth = 0; depth < ORCH_STALE_SEARCH_DEPTH; depth++) {
		struct orch_judgement_result older;

		if (git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) < 0)
			break;
		git_commit_free(c);
		c = parent;
		parent = NULL;
		judge_one(repo, notes_ref, notes_commit, c, &older, &found);
		if (found) {
			out->kind = ORCH_JUDGE_STALE;
			out->detail = xasprintf("the %s verdict is for the earlier commit %s",
						orch_judgement_name(older.kind),
						orch_short_oid(git_commit_id(c)));
			if (stale_commit)
				git_oid_cpy(stale_commit, git_commit_id(c));
			orch_judgement_result_release(&older);
			break;
		}
		orch_judgement_result_release(&older);
	}
done:
	git_commit_free(c);
	return 0;
}

int orch_verdict_write(git_repository *repo, const char *notes_ref, const git_oid *commit,
		       enum orch_verdict_value verdict, const char *reviewer,
		       const char *duration, const char *body)
{
	return orch_verdict_write_signed(repo, notes_ref, commit, verdict, reviewer, duration, body, NULL);
}

int orch_verdict_write_signed(git_repository *repo, const char *notes_ref, const git_oid *commit,
			      enum orch_verdict_value verdict, const char *reviewer,
			      const char *duration, const char *body, const char *signing_key)
{
	struct orch_verdict_record r;
	char hex[GIT_OID_HEXSZ + 1], tree[GIT_OID_HEXSZ + 1], date[32];
	git_signature *sig = NULL;
	git_commit *c = NULL;
	git_oid note_id;
	char *text = NULL;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	if (git_commit_lookup(&c, repo, commit) < 0) {
		orch_git_error("cannot read commit %s", orch_short_oid(commit));
		goto done;
	}
	if (orch_repo_signature(repo, &sig) < 0)
		goto done;
	r.verdict = verdict;
	r.commit = git_oid_tostr(hex, sizeof(hex), commit);
	r.tree = git_oid_tostr(tree, sizeof(tree), git_commit_tree_id(c));
	r.reviewer = (char *)reviewer;
	r.date = orch_iso8601(time(NULL), date, sizeof(date));
	r.duration = (char *)duration;
	r.body = (char *)body;
	if (signing_key && *signing_key && orch_sign_record(&r, signing_key) < 0)
		goto done;
	text = orch_note_format(&r);
	if (git_note_create(&note_id, repo, notes_ref, sig, sig, commit, text, 1) < 0) {
		orch_git_error("cannot write the verdict note of %s", orch_short_oid(commit));
		goto done;
	}
	ret = 0;
done:
	free(r.signature);
	free(text);
	git_signature_free(sig);
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
