#ifndef ORCH_RECEIVE_LINES_H
#define ORCH_RECEIVE_LINES_H

#include <stddef.h>

#include <git2.h>

/*
 * What git feeds pre-receive on stdin: one "<old> <new> <ref>" line per
 * pushed ref, 40 zeros for "did not exist" (create) and "will not exist"
 * (delete). Pure parsing, so it can be tested without a repository.
 */
struct orch_ref_update {
	git_oid old_oid;
	git_oid new_oid;
	char *ref;
	char *pushed_as;	/* the name pushed, when `ref` is what it resolves to; else NULL */
};

struct orch_ref_updates {
	struct orch_ref_update *items;
	size_t nr, alloc;
};

#define ORCH_REF_UPDATES_INIT { .items = NULL }

/*
 * Parses every line of `text` (an empty last line is fine). On a malformed
 * line, writes "line N: problem" into *err (caller frees), leaves `out`
 * empty and returns -1.
 */
int orch_ref_updates_parse(struct orch_ref_updates *out, const char *text, size_t len, char **err);
void orch_ref_updates_release(struct orch_ref_updates *u);

/*
 * What each pushed ref really updates. receive-pack moves the ref a symbolic
 * ref points at (through a chain of them), so an update of an alias is an
 * update of its target, and of every name on the way. Fills `out` with a copy
 * of `in` where each ref is the first name of its chain (the name pushed,
 * the symbolic refs it passes, the ref at the end) that claims(name, payload)
 * wants, else the ref at the end; pushed_as keeps the name pushed. Returns 0,
 * or -1 with *err (caller frees) when a chain cannot be read.
 */
int orch_ref_updates_resolve(struct orch_ref_updates *out, const struct orch_ref_updates *in,
			     git_repository *repo, int (*claims)(const char *ref, void *payload),
			     void *payload, char **err);

int orch_ref_update_is_create(const struct orch_ref_update *u);
int orch_ref_update_is_delete(const struct orch_ref_update *u);

/*
 * Whether the old value the push claims for u->ref (zero: none) is what the
 * ref holds now: 1 yes, 0 no, -1 when it cannot be read. pre-receive is
 * handed the client's claim; git refuses the update afterwards when it is
 * wrong, but a push that is not atomic still moves its other refs.
 */
int orch_ref_update_old_is_current(git_repository *repo, const struct orch_ref_update *u);

#endif
