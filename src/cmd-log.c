/*
 * orch-hooks log: the verdict history, read from the notes ref's own
 * history. Every record ever written is listed, replaced ones included,
 * so the notes ref is the audit trail.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "parse-options.h"
#include "json.h"
#include "note.h"
#include "policy.h"
#include "repo.h"
#include "strbuf.h"

/* Bumped when a key changes meaning or goes away (new keys keep it). */
#define ORCH_LOG_JSON_VERSION 1

struct entry {
	git_oid commit;		/* the reviewed commit */
	git_oid notes_commit;	/* the notes commit that recorded it */
	char *recorded_by;	/* that notes commit's author */
	struct orch_verdict_record rec;
	int unreadable;
	int replaced;
};

struct log_state {
	git_repository *repo;
	struct entry *e;
	size_t nr;
	const git_oid *only;	/* REV, when given */
};

/* The annotated commit of a notes tree path (fanout slashes removed). */
static int path_oid(const char *path, git_oid *out)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t k = 0;

	for (; *path && k < GIT_OID_HEXSZ; path++)
		if (*path != '/')
			hex[k++] = *path;
	hex[k] = '\0';
	return k == GIT_OID_HEXSZ && !*path ? git_oid_fromstr(out, hex) : -1;
}

static int same_record(const struct orch_verdict_record *a, const struct orch_verdict_record *b)
{
#define EQ(f) ((!a->f && !b->f) || (a->f && b->f && !strcmp(a->f, b->f)))
	return a->verdict == b->verdict && EQ(commit) && EQ(date) && EQ(reviewer) && EQ(signature) &&
	       EQ(body);
#undef EQ
}

static int blob_records(git_repository *repo, const git_oid *id, struct orch_verdict_record **out)
{
	git_blob *blob = NULL;
	char *err = NULL;
	int n = -1;

	*out = NULL;
	if (git_blob_lookup(&blob, repo, id) < 0)
		return -1;
	n = orch_note_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), out, &err);
	free(err);
	git_blob_free(blob);
	return n;
}

static void add_entry(struct log_state *ls, const git_oid *commit, const git_commit *nc,
		      struct orch_verdict_record *rec)
{
	struct entry *e;
	const git_signature *who = git_commit_author(nc);

	ls->e = xrealloc(ls->e, (ls->nr + 1) * sizeof(*ls->e));
	e = &ls->e[ls->nr++];
	memset(e, 0, sizeof(*e));
	git_oid_cpy(&e->commit, commit);
	git_oid_cpy(&e->notes_commit, git_commit_id(nc));
	e->recorded_by = xasprintf("%s <%s>", who->name, who->email);
	if (rec) {
		e->rec = *rec;
		memset(rec, 0, sizeof(*rec));
	} else {
		e->unreadable = 1;
	}
}

/* The records one notes commit added, compared with its first parent. */
static int scan_notes_commit(struct log_state *ls, git_commit *nc)
{
	git_diff *diff = NULL;
	size_t i, nd;
	int ret = -1;

	if (orch_commit_diff(&diff, ls->repo, nc, NULL) < 0)
		goto done;
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		struct orch_verdict_record *now = NULL, *before = NULL;
		int n_now, n_before = 0, k, m;
		git_oid commit;

		if (path_oid(d->new_file.path, &commit) < 0 || (ls->only && !git_oid_equal(ls->only, &commit)))
			continue;
		if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED)
			continue;
		n_now = blob_records(ls->repo, &d->new_file.id, &now);
		if (n_now < 0) {
			add_entry(ls, &commit, nc, NULL);
			continue;
		}
		if (d->status == GIT_DELTA_MODIFIED)
			n_before = blob_records(ls->repo, &d->old_file.id, &before);
		for (k = 0; k < n_now; k++) {
			int seen = 0;

			for (m = 0; m < n_before; m++)
				if (same_record(&now[k], &before[m]))
					seen = 1;
			if (!seen)
				add_entry(ls, &commit, nc, &now[k]);
		}
		orch_verdict_records_free(now, n_now);
		orch_verdict_records_free(before, n_before > 0 ? n_before : 0);
	}
	ret = 0;
done:
	if (ret < 0)
		orch_git_error("cannot read notes commit %s", orch_short_oid(git_commit_id(nc)));
	git_diff_free(diff);
	return ret;
}

static int by_commit_then_order(const void *a, const void *b)
{
	const struct entry *const *x = a, *const *y = b;
	int c = git_oid_cmp(&(*x)->commit, &(*y)->commit);

	return c ? c : (*x < *y ? -1 : *x > *y);
}

/*
 * A record is replaced when a later notes commit wrote that commit's note
 * again. Sorting by commit keeps this linear-logarithmic in the history.
 */
static void mark_replaced(struct log_state *ls)
{
	struct entry **idx;
	size_t i, start;

	if (!ls->nr)
		return;
	idx = xcalloc(ls->nr, sizeof(*idx));
	for (i = 0; i < ls->nr; i++)
		idx[i] = &ls->e[i];
	qsort(idx, ls->nr, sizeof(*idx), by_commit_then_order);
	for (start = 0; start < ls->nr; start = i) {
		const struct entry *last;

		for (i = start; i < ls->nr && git_oid_equal(&idx[i]->commit, &idx[start]->commit); i++)
			;
		last = idx[i - 1];
		for (size_t k = start; k < i - 1; k++)
			if (!git_oid_equal(&idx[k]->notes_commit, &last->notes_commit))
				idx[k]->replaced = 1;
	}
	free(idx);
}

static void print_text(const struct log_state *ls)
{
	size_t i;

	for (i = 0; i < ls->nr; i++) {
		const struct entry *e = &ls->e[i];

		if (e->unreadable) {
			printf("%-20s  %s  %-10s  recorded by %s in notes %s%s\n", "-",
			       orch_short_oid(&e->commit), "unreadable", e->recorded_by,
			       orch_short_oid(&e->notes_commit), e->replaced ? "  (replaced)" : "");
			continue;
		}
		printf("%-20s  %s  %-4s  %-8s  %s  [recorded by %s in notes %s]%s\n",
		       e->rec.date ? e->rec.date : "-", orch_short_oid(&e->commit),
		       e->rec.verdict == ORCH_VERDICT_PASS ? "PASS" : "FAIL",
		       e->rec.signature ? "signed" : "unsigned", e->rec.reviewer ? e->rec.reviewer : "-",
		       e->recorded_by, orch_short_oid(&e->notes_commit), e->replaced ? "  (replaced)" : "");
	}
}

static void print_json(const struct log_state *ls)
{
	size_t i;

	printf("{\"version\": %d, \"records\": [", ORCH_LOG_JSON_VERSION);
	for (i = 0; i < ls->nr; i++) {
		const struct entry *e = &ls->e[i];
		char c[GIT_OID_HEXSZ + 1], n[GIT_OID_HEXSZ + 1];

		printf("%s\n    {\"commit\": \"%s\", \"notes_commit\": \"%s\", \"verdict\": ", i ? "," : "",
		       git_oid_tostr(c, sizeof(c), &e->commit), git_oid_tostr(n, sizeof(n), &e->notes_commit));
		orch_json_string(stdout, e->unreadable ? "unreadable"
				 : e->rec.verdict == ORCH_VERDICT_PASS ? "PASS" : "FAIL");
		printf(", \"reviewer\": ");
		orch_json_string(stdout, e->rec.reviewer);
		printf(", \"date\": ");
		orch_json_string(stdout, e->rec.date);
		printf(", \"signed\": %s, \"recorded_by\": ", e->rec.signature ? "true" : "false");
		orch_json_string(stdout, e->recorded_by);
		printf(", \"replaced\": %s}", e->replaced ? "true" : "false");
	}
	printf("%s]}\n", ls->nr ? "\n  " : "");
}

static int cmd_log(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	struct log_state ls;
	git_revwalk *walk = NULL;
	git_oid id, only;
	const char *rev = NULL;
	int i, json = 0, ret = 128, err, nargs;
	const struct orch_option options[] = {
		OPT_BOOL(0, "json", &json, "print the records as JSON: one object with \"version\" (orch-hooks(1))"),
		OPT_EXITS("0 listed (also when there are no verdicts yet)"),
		OPT_END(),
	};

	memset(&ls, 0, sizeof(ls));
	nargs = orch_parse_options(argc, argv, options, &orch_cmd_log);
	if (nargs < 0 || nargs > 1) {
		ret = nargs < 0 ? ORCH_EXIT_USAGE : orch_usage(&orch_cmd_log);
		goto done;
	}
	rev = nargs ? argv[0] : NULL;
	if (orch_cmd_setup(ctx) < 0)
		goto done;
	ls.repo = ctx->repo;
	if (rev) {
		if (orch_revparse_commit(ls.repo, rev, &only) < 0) {
			orch_error("'%s' does not name a commit here", rev);
			goto done;
		}
		ls.only = &only;
	}
	err = git_reference_name_to_id(&id, ls.repo, ctx->policy->notes_ref);
	if (err == GIT_ENOTFOUND) {
		ret = 0;
		if (json)
			print_json(&ls);
		else
			orch_say("no verdicts recorded yet (%s does not exist)", ctx->policy->notes_ref);
		goto done;
	}
	if (err < 0 || git_revwalk_new(&walk, ls.repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(walk, &id) < 0) {
		orch_git_error("cannot walk the history of %s", ctx->policy->notes_ref);
		goto done;
	}
	while ((err = git_revwalk_next(&id, walk)) == 0) {
		git_commit *nc = NULL;

		if (git_commit_lookup(&nc, ls.repo, &id) < 0 || scan_notes_commit(&ls, nc) < 0) {
			git_commit_free(nc);
			goto done;
		}
		git_commit_free(nc);
	}
	mark_replaced(&ls);
	if (json)
		print_json(&ls);
	else
		print_text(&ls);
	ret = 0;
done:
	for (i = 0; (size_t)i < ls.nr; i++) {
		free(ls.e[i].recorded_by);
		orch_verdict_record_release(&ls.e[i].rec);
	}
	free(ls.e);
	git_revwalk_free(walk);
	return ret;
}

ORCH_CMD_DEFINE(log, ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY, "log [--json] [REV]",
		"list the verdict history from the notes ref's own history, replaced verdicts included");
