#ifndef ORCH_DISPLAY_WIDTH_H
#define ORCH_DISPLAY_WIDTH_H

#include <stdio.h>

/*
 * Terminal columns of UTF-8 text, whatever the locale: East Asian wide
 * characters and most emoji take two, combining marks and zero-width
 * characters none, everything else one. A byte that is not valid UTF-8
 * counts as one column (it is shown as one replacement character).
 * For aligning tables of branch names: printf's "%-20s" counts bytes.
 */
size_t orch_display_width(const char *s);

/* Prints s, then spaces up to `width` columns (none when s is wider). */
void orch_print_padded(FILE *f, const char *s, size_t width);

#endif
