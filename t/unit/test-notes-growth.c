/*
 * Unit tests for the pure rules of notes reading and growth: which tree
 * entries git takes for notes (src/notes-index.c) and when a changed note
 * only grew (src/notes-growth.c).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "notes-growth.h"
#include "notes-index.h"
#include "strbuf.h"
#include "unit-helpers.h"

#define ID "0123456789abcdef0123456789abcdef01234567"
#define REG (S_IFREG | 0644)
#define EXE (S_IFREG | 0755)
#define DIR_ S_IFDIR
#define LNK (S_IFLNK | 0777)
#define GITLINK 0160000

static enum orch_notes_entry classify(const char *name, unsigned mode, size_t depth, char *hex)
{
	return orch_notes_entry_classify(name, mode, depth, hex);
}

static void test_classify_layouts(void **state)
{
	char hex[41];

	(void)state;
	assert_int_equal(classify(ID, REG, 0, hex), ORCH_NOTES_NOTE);
	assert_string_equal(hex, ID);
	assert_int_equal(classify(ID, EXE, 0, hex), ORCH_NOTES_NOTE);
	/* Upper case, as git's hex parser reads it, gives the same id. */
	assert_int_equal(classify("0123456789ABCDEF0123456789ABCDEF01234567", REG, 0, hex),
			 ORCH_NOTES_NOTE);
	assert_string_equal(hex, ID);
	/* ab/ then the 38 digits left. */
	assert_int_equal(classify("01", DIR_, 0, hex), ORCH_NOTES_FANOUT);
	assert_int_equal(classify(&ID[2], REG, 2, hex), ORCH_NOTES_NOTE);
	assert_string_equal(hex, ID);
	/* At depth 38 a two-digit name is the note, never a directory. */
	memcpy(hex, ID, 38);
	assert_int_equal(classify("67", REG, 38, hex), ORCH_NOTES_NOTE);
	assert_int_equal(classify("67", DIR_, 38, hex), ORCH_NOTES_OTHER);
}

static void test_classify_not_notes(void **state)
{
	char hex[41];

	(void)state;
	assert_int_equal(classify(ID, LNK, 0, hex), ORCH_NOTES_OTHER);
	assert_int_equal(classify(ID, GITLINK, 0, hex), ORCH_NOTES_OTHER);
	assert_int_equal(classify(ID, DIR_, 0, hex), ORCH_NOTES_OTHER);
	assert_int_equal(classify("012", DIR_, 0, hex), ORCH_NOTES_OTHER);	/* odd split */
	assert_int_equal(classify("0", DIR_, 0, hex), ORCH_NOTES_OTHER);
	assert_int_equal(classify("0g", DIR_, 0, hex), ORCH_NOTES_OTHER);
	assert_int_equal(classify("01", REG, 0, hex), ORCH_NOTES_OTHER);	/* a file, not a fan-out */
	assert_int_equal(classify(ID, REG, 2, hex), ORCH_NOTES_OTHER);	/* 40 digits below ab/ */
	assert_int_equal(classify("g123456789abcdef0123456789abcdef01234567", REG, 0, hex),
			 ORCH_NOTES_OTHER);
	assert_int_equal(classify(ID ".txt", REG, 0, hex), ORCH_NOTES_OTHER);
	assert_int_equal(classify("", REG, 0, hex), ORCH_NOTES_OTHER);
	assert_int_equal(classify("01", DIR_, 40, hex), ORCH_NOTES_OTHER);
	assert_int_equal(classify("01", DIR_, 3, hex), ORCH_NOTES_OTHER);
}

static char *rec(const char *verdict, const char *date, const char *reason)
{
	return xasprintf("Verdict: %s\nCommit: " ID "\nReviewer: bot\nDate: %s\n\n%s\n", verdict, date,
			 reason);
}

/* 2100-01-01: no record of these tests is from the future. */
#define FAR_AHEAD ((time_t)4102444800)

static int grows(const char *old, const char *new, char **why)
{
	return orch_note_growth(old, strlen(old), new, strlen(new), FAR_AHEAD, why);
}

static void test_growth(void **state)
{
	char *pass = rec("PASS", "2026-01-01T10:00:00Z", "fine");
	char *fail = rec("FAIL", "2026-01-01T11:00:00Z", "broken");
	char *later = rec("PASS", "2026-01-01T12:00:00Z", "fixed?");
	char *early = rec("PASS", "2026-01-01T09:00:00Z", "backdated");
	char *both = xasprintf("%s\n%s", pass, fail);
	char *grown = xasprintf("%s\n%s", both, later);
	char *union_copy = xasprintf("%s\n%s\n%s\n%s", pass, later, pass, fail);
	char *backdated = xasprintf("%s\n%s", both, early);
	char *edited = xasprintf("%s\n%s", pass, fail);
	char *why = NULL;

	(void)state;
	assert_int_equal(grows(both, both, &why), 0);
	assert_int_equal(grows(both, grown, &why), 0);
	assert_int_equal(grows(both, union_copy, &why), 0);	/* twice is still there */

	assert_int_equal(grows(both, pass, &why), 1);
	assert_non_null(strstr(why, "drops the record 'FAIL by bot dated 2026-01-01T11:00:00Z'"));
	free(why);
	assert_int_equal(grows(both, backdated, &why), 1);
	assert_non_null(strstr(why, "'PASS by bot dated 2026-01-01T09:00:00Z'"));
	assert_non_null(strstr(why, "(2026-01-01T11:00:00Z)"));
	free(why);
	/* The reasons of a record are part of it. */
	*strstr(edited, "broken") = 'B';
	assert_int_equal(grows(both, edited, &why), 1);
	free(why);
	assert_int_equal(grows(both, "not a verdict\n", &why), 1);
	assert_non_null(strstr(why, "no longer in the verdict format"));
	free(why);
	/* Not from the future: the server's clock bounds a new record's Date. */
	assert_int_equal(orch_note_growth(both, strlen(both), grown, strlen(grown),
					  (time_t)1767266400 /* 2026-01-01T11:20:00Z */, &why), 1);
	assert_non_null(strstr(why, "'PASS by bot dated 2026-01-01T12:00:00Z', dated in the future"));
	free(why);
	assert_int_equal(orch_note_growth("", 0, later, strlen(later), (time_t)1767266400, &why), 1);
	free(why);
	assert_int_equal(orch_note_growth("", 0, later, strlen(later), FAR_AHEAD, &why), 0);
	/* A note that was never a verdict may only be added to. */
	assert_int_equal(grows("looks fine\n", "looks fine\n\nmore\n", &why), 0);
	assert_int_equal(grows("looks fine\n", "looks bad\n", &why), 1);
	free(why);
	free(pass), free(fail), free(later), free(early), free(both), free(grown);
	free(union_copy), free(backdated), free(edited);
}

UNIT_MAIN("notes-growth",
	  cmocka_unit_test(test_classify_layouts),
	  cmocka_unit_test(test_classify_not_notes),
	  cmocka_unit_test(test_growth))
