/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UTF-8 as the writers that pass it on read it (JSON, folded stacks): which sequences are
 * valid, and which valid characters a terminal or a browser acts on rather than shows.
 */
#ifndef EBREC_REPORT_UTF8_H
#define EBREC_REPORT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes, n >= 1), *cp its code point;
 * 0 if it is not one (overlong forms, surrogates and code points past U+10FFFF are not). */
size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Characters that are controls however they are encoded: C1 (U+0080-U+009F; U+009B is a
 * terminal's CSI, U+0085 a line break), the line and paragraph separators U+2028/U+2029
 * (line breaks to JavaScript and some viewers) and the bidirectional embeddings, overrides
 * and isolates U+202A-U+202E, U+2066-U+2069 (they reorder the text after them on screen).
 */
bool utf8_is_control(uint32_t cp);

#endif
