/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strings from the kernel or the command line, made safe for a terminal and
 * for JSON.  The bottom layer of lib/: it includes nothing else of lib/.
 *
 * Text form: valid, printable UTF-8 passes; every control byte, invalid
 * UTF-8 byte, bidirectional or line-separator control (U+202E, U+2066, ...)
 * is written as \xNN per byte and a backslash as \\, so the output is
 * reversible and nothing reaches the terminal raw.
 *
 * JSON form: the same string, decoded by any JSON parser, reads as the text
 * form would for invalid bytes and backslashes (an invalid byte 0xff becomes
 * the four characters \xff, a backslash two backslashes), so the valid
 * "\u00ff" and the invalid byte stay distinct; controls and bidi marks are
 * \uNNNN escapes.
 */
#ifndef BPFSCOPE_TEXT_H
#define BPFSCOPE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Escape src (at most srclen bytes, stopping at NUL) into dst in the text
 * form; never splits an escape; always NUL-terminates.  Returns the length.
 */
size_t str_escape(char *dst, size_t dstlen, const char *src, size_t srclen);

/* As str_escape, quoting '"' too. */
size_t str_escape_quoted(char *dst, size_t dstlen, const char *src, size_t srclen);

/*
 * Escape src and cut it to at most max characters, ending in "..." when cut:
 * for echoing what a user typed in a one-line message.
 */
size_t str_escape_short(char *dst, size_t dstlen, const char *src, size_t max);

/* Columns the text form of src takes (a UTF-8 character counts one). */
size_t str_columns(const char *src, size_t srclen);

/* Write src in the text form; pad with spaces to width columns (0: no padding). */
void print_escaped_col(FILE *f, const char *src, size_t srclen, int width);

/* Write src as a JSON string body in double quotes (the JSON form). */
void json_write_string(FILE *f, const char *src, size_t srclen);
/* The same for exactly n bytes of data (a NUL is a control: \u0000), e.g. a captured buffer. */
void json_write_bytes(FILE *f, const char *src, size_t n);

#endif
