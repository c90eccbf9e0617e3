#ifndef ORCH_HEADER_FIELDS_H
#define ORCH_HEADER_FIELDS_H

#include <stddef.h>

/*
 * The "Key: value" headers of a record (a verdict note, a test record) and
 * the string field of the record's struct that each fills. A record's table
 * of them is the one list of its header fields: the reader finds a field
 * through it, the writer and the release walk it, so a new header is added
 * in one place.
 */
struct orch_header_field {
	const char *name;
	size_t offset;	/* of a char * in the record */
};

#define ORCH_HEADER_FIELD(type, name, field) { (name), offsetof(type, field) }

/* The field that header `key` (klen bytes) fills in `record`; NULL when the table has no such header. */
char **orch_header_field_find(const struct orch_header_field *table, size_t n, void *record, const char *key,
			      size_t klen);

/* The value of h's field in `record`, NULL when unset. */
const char *orch_header_field_value(const struct orch_header_field *h, const void *record);

/* Frees every field of `record` that the table names. */
void orch_header_fields_free(const struct orch_header_field *table, size_t n, void *record);

#endif
