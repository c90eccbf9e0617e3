#ifndef ORCH_OIDSET_H
#define ORCH_OIDSET_H

#include <stddef.h>

#include <git2.h>

/*
 * A set of object ids: open addressing, so adding and asking are O(1) on
 * average and a push of 100,000 commits stays linear.
 */
struct orch_oidset {
	git_oid *slots;
	unsigned char *used;
	size_t nr, cap;
};

#define ORCH_OIDSET_INIT { .slots = NULL }

/* 1 if added, 0 if it was there already. */
int orch_oidset_add(struct orch_oidset *s, const git_oid *oid);
int orch_oidset_contains(const struct orch_oidset *s, const git_oid *oid);
void orch_oidset_release(struct orch_oidset *s);

#endif
