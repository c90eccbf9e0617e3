#ifndef ORCH_TEST_RECORD_GROWTH_H
#define ORCH_TEST_RECORD_GROWTH_H

#include "notes-growth.h"

/*
 * Test records only grow, as verdicts do (notes-growth.h): a note of the
 * tests ref may gain records, never lose one, and a record it gains may not
 * be dated before the newest record it had nor after `latest`. Otherwise a
 * FAIL could be swapped for an older signed PASS of the same tree (CI said
 * PASS once, then FAIL), and the tests ref would still fast-forward.
 * For orch_notes_kind_growth and orch_notes_kind_growth_check.
 */
extern const struct orch_notes_kind orch_notes_test_records;

#endif
