#ifndef ORCH_REVIEW_VIEW_H
#define ORCH_REVIEW_VIEW_H

#include "review.h"
#include "snapshot.h"

/* Makes r->view under r->tmpdir: refs copied from s->repo, objects through alternates. -1 (reported) on error. */
int orch_review_view_make(const struct orch_review_setup *s, struct orch_review *r);

/* What the view holds now, to compare before and after the reviewer ran. */
int orch_review_view_snapshot(const struct orch_review *r, struct orch_snapshot *out);

#endif
