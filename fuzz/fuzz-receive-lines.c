/*
 * libFuzzer target: the parser of pre-receive's stdin. Besides "no crash":
 * whatever parses must print back as "<old> <new> <ref>" lines that parse
 * to the very same updates, a refused input must leave nothing behind, and
 * no update may have both ids zero (git never sends that).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "receive-lines.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct orch_ref_updates u = ORCH_REF_UPDATES_INIT, again = ORCH_REF_UPDATES_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *err = NULL, *err2 = NULL;
	size_t i;

	if (orch_ref_updates_parse(&u, (const char *)data, size, &err) < 0) {
		if (!err || u.nr)
			abort(); /* a refusal says why and keeps nothing */
		free(err);
		return 0;
	}
	for (i = 0; i < u.nr; i++) {
		char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];

		if (orch_ref_update_is_create(&u.items[i]) && orch_ref_update_is_delete(&u.items[i]))
			abort();
		strbuf_addf(&sb, "%s %s %s\n", git_oid_tostr(a, sizeof(a), &u.items[i].old_oid),
			    git_oid_tostr(b, sizeof(b), &u.items[i].new_oid), u.items[i].ref);
	}
	if (orch_ref_updates_parse(&again, strbuf_str(&sb), sb.len, &err2) < 0 || again.nr != u.nr)
		abort();
	for (i = 0; i < u.nr; i++)
		if (!git_oid_equal(&u.items[i].old_oid, &again.items[i].old_oid) ||
		    !git_oid_equal(&u.items[i].new_oid, &again.items[i].new_oid) ||
		    strcmp(u.items[i].ref, again.items[i].ref))
			abort();
	orch_ref_updates_release(&u);
	orch_ref_updates_release(&again);
	strbuf_release(&sb);
	free(err2);
	return 0;
}
