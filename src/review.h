#ifndef ORCH_REVIEW_H
#define ORCH_REVIEW_H

#include <sys/types.h>

#include <git2.h>

#include "note.h"
#include "policy.h"
#include "ref-moves.h"
#include "snapshot.h"
#include "strbuf.h"

/*
 * One review: the commit's tree exported into a disposable directory, the
 * policy's reviewer run there by a worker process (so several can run at
 * once), then the checkout and the repository compared with how they were.
 * Nothing here writes a note: the caller does, once every review of a run
 * has been checked, so its own writes are never taken for a reviewer's.
 */

/* What every review of a run shares. */
struct orch_review_setup {
	git_repository *repo;
	const struct orch_policy *policy;
	const char *commondir;	/* the repository, as ORCH_REPO */
	const char *target;	/* short branch name, as ORCH_TARGET */
	const char *bwrap;	/* the bwrap program when sandboxed, else NULL */
	const char *tmp_root;	/* $TMPDIR or /tmp */
	int live_fd;		/* copy the output here as it comes (-1: buffer only) */
};

struct orch_review {
	char *name;		/* as the person wrote it */
	char *branch;		/* short branch name, "" for a bare commit */
	git_oid commit;
	git_oid base;
	int has_base;
	git_oid automerge;	/* a merge's automatic merge (tree), as ORCH_AUTOMERGE */
	int has_automerge;

	/* A pure rebase of a reviewed commit (carry-over.h): its verdict is carried, no reviewer runs. */
	int carried;
	git_oid carried_from;
	git_oid carried_base;

	char *tmpdir;		/* everything below is removed by orch_review_cleanup */
	char *checkout;
	char *private_tmp;
	char *view;		/* the reviewer's own git directory: refs copied, objects borrowed */
	struct orch_snapshot before;	/* of the view */
	struct orch_snapshot outside;	/* without a sandbox: what else it could reach */
	struct orch_ref_moves refs;	/* without a sandbox: the refs, to tell who moved them */
	char *email;		/* the reviewer's git identity, found again in reflogs */

	pid_t worker;		/* 0 when not running */
	int fd;			/* the worker's report, -1 when closed */
	struct strbuf report;
	double started_at;

	int finished;
	int interrupted;	/* stopped by Ctrl-C: nothing may be recorded */
	int error;		/* orch-hooks itself failed (said so); no verdict */
	int voided;		/* the reviewer changed something: no verdict is recorded */
	enum orch_verdict_value verdict;
	char *reason;		/* first line of the note body */
	char *body;
	double seconds;
	struct strbuf output;	/* what the reviewer printed (its tail) */
};

void orch_review_init(struct orch_review *r);
void orch_review_release(struct orch_review *r);

/* Makes the disposable directory and exports the tree; -1 (reported) on error. */
int orch_review_prepare(const struct orch_review_setup *s, struct orch_review *r);

/* Starts the worker; r->fd then carries its report. -1 (reported) on error. */
int orch_review_start(const struct orch_review_setup *s, struct orch_review *r);

/* Reads what the worker has sent; returns 1 when the report is complete (EOF). */
int orch_review_read(struct orch_review *r);

/* After the report: reaps the worker, checks what the reviewer changed, decides. */
int orch_review_finish(const struct orch_review_setup *s, struct orch_review *r);

/* Asks a running review to stop (its worker kills the reviewer's process group). */
void orch_review_stop(struct orch_review *r);

/* Removes the disposable directory (always; also after errors). */
int orch_review_cleanup(struct orch_review *r);

/* 0 if `bwrap` can make a sandbox here; else -1, with why in *why (caller frees). */
int orch_review_check_bwrap(const char *bwrap, char **why);

#endif
