#include "config.h"

#include <stdlib.h>

#include "header-fields.h"
#include "strbuf.h"

static char **field(const struct orch_header_field *h, void *record)
{
	return (char **)((char *)record + h->offset);
}

char **orch_header_field_find(const struct orch_header_field *table, size_t n, void *record, const char *key,
			      size_t klen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mem_equals(key, klen, table[i].name))
			return field(&table[i], record);
	return NULL;
}

const char *orch_header_field_value(const struct orch_header_field *h, const void *record)
{
	return *(char *const *)((const char *)record + h->offset);
}

void orch_header_fields_free(const struct orch_header_field *table, size_t n, void *record)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(*field(&table[i], record));
}
