#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "carry-find.h"
#include "error.h"
#include "oidset.h"
#include "repo.h"
#include "strbuf.h"
#include "trust.h"

struct finder {
	git_repository *repo;
	const struct orch_policy *p;
	const git_oid *tip, *target;
	struct orch_oidset seen;	/* candidates looked at */
	struct orch_oidset tried;	/* reviewed commits compared */
	git_oid from;
	struct orch_carry *cmp;
	int found;
	int error;
};

/* The reviewed commit behind candidate `c`: 1 with *out, 0 when it has no valid PASS. */
static int reviewed_behind(struct finder *f, const git_oid *c, git_oid *out)
{
	struct orch_judgement_result j;
	int r = 0;

	orch_trust_judge(f->repo, f->p, ORCH_TRUST_LOCAL, NULL, c, &j);
	if (j.kind == ORCH_JUDGE_PASS) {
		git_oid_cpy(out, c);
		r = 1;
	} else if (j.kind == ORCH_JUDGE_CARRY_REFUSED && j.has_record && j.record.carried_from) {
		/* Carried itself: the gates check the carry from where it came. */
		r = git_oid_fromstr(out, j.record.carried_from) == 0;
	}
	orch_judgement_result_release(&j);
	return r;
}

static void consider(struct finder *f, const git_oid *c)
{
	git_oid from;

	if (f->found || f->error || git_oid_is_zero(c) || git_oid_equal(c, f->tip) ||
	    !orch_oidset_add(&f->seen, c))
		return;
	if (git_oid_equal(c, f->target) || git_graph_descendant_of(f->repo, f->target, c) == 1)
		return;	/* landed already: not a reviewed branch to carry from */
	if (!reviewed_behind(f, c, &from) || !orch_oidset_add(&f->tried, &from))
		return;
	orch_carry_release(f->cmp);
	if (orch_carry_over_compare(f->repo, &from, f->tip, f->target, f->cmp) < 0) {
		f->error = 1;
		return;
	}
	if (f->cmp->holds) {
		git_oid_cpy(&f->from, &from);
		f->found = 1;
	}
}

static void from_reflog(struct finder *f, const char *branch)
{
	git_reflog *log = NULL;
	char *ref;
	size_t i, n;

	if (!branch || !*branch)
		return;
	ref = xasprintf("refs/heads/%s", branch);
	if (git_reflog_read(&log, f->repo, ref) == 0) {
		n = git_reflog_entrycount(log);
		for (i = 0; i < n && !f->found; i++) {
			const git_reflog_entry *e = git_reflog_entry_byindex(log, i);

			consider(f, git_reflog_entry_id_new(e));
			consider(f, git_reflog_entry_id_old(e));
		}
	}
	git_reflog_free(log);
	free(ref);
}

struct by_author {
	struct finder *f;
	const git_signature *author;
	git_oid *ids;
	size_t nr;
};

static int same_author(const git_signature *a, const git_signature *b)
{
	return a->when.time == b->when.time && !strcmp(a->name, b->name) && !strcmp(a->email, b->email);
}

static int note_cb(const git_oid *blob, const git_oid *annotated, void *payload)
{
	struct by_author *ba = payload;
	git_commit *c = NULL;

	(void)blob;
	if (git_commit_lookup(&c, ba->f->repo, annotated) == 0 && same_author(git_commit_author(c), ba->author)) {
		ba->ids = xrealloc(ba->ids, (ba->nr + 1) * sizeof(*ba->ids));
		git_oid_cpy(&ba->ids[ba->nr++], annotated);
	}
	git_commit_free(c);
	return 0;
}

static void from_notes(struct finder *f)
{
	struct by_author ba = { .f = f };
	git_commit *tip = NULL;
	size_t i;

	if (git_commit_lookup(&tip, f->repo, f->tip) < 0)
		return;
	ba.author = git_commit_author(tip);
	git_note_foreach(f->repo, f->p->notes_ref, note_cb, &ba);
	for (i = 0; i < ba.nr && !f->found; i++)
		consider(f, &ba.ids[i]);
	free(ba.ids);
	git_commit_free(tip);
}

int orch_carry_over_find(git_repository *repo, const struct orch_policy *p, const char *branch,
			 const git_oid *tip, const git_oid *target, git_oid *from, struct orch_carry *cmp)
{
	struct finder f = { .repo = repo, .p = p, .tip = tip, .target = target, .cmp = cmp,
			    .seen = ORCH_OIDSET_INIT, .tried = ORCH_OIDSET_INIT };

	memset(cmp, 0, sizeof(*cmp));
	if (p->carry_over == ORCH_CARRY_OVER_NONE)
		return 0;
	from_reflog(&f, branch);
	if (!f.found && !f.error)
		from_notes(&f);
	orch_oidset_release(&f.seen);
	orch_oidset_release(&f.tried);
	if (f.error)
		return -1;
	if (!f.found) {
		orch_carry_release(cmp);
		return 0;
	}
	git_oid_cpy(from, &f.from);
	return 1;
}
