// SPDX-License-Identifier: GPL-2.0
/* Escaping of untrusted strings for the terminal and for JSON; see include/text.h. */
#include <string.h>

#include "text.h"

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0; its code point in *cp. */
static size_t utf8_seq_len(const unsigned char *s, size_t n, unsigned int *cp)
{
	size_t len, i;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	*cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((len == 3 && *cp < 0x800) || (len == 4 && *cp < 0x10000) || *cp > 0x10ffff ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Code points a terminal acts on rather than shows: C1 controls, the
 * bidirectional overrides, embeddings and isolates (which reorder what
 * follows them: "Trojan Source"), and the line and paragraph separators.
 */
static bool is_format_control(unsigned int cp)
{
	return (cp >= 0x80 && cp < 0xa0) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The next unit of src at i: a printable UTF-8 sequence (*safe set, its
 * length returned) or one byte to escape (*safe clear, 1 returned).
 */
static size_t next_unit(const unsigned char *s, size_t n, size_t i, bool *safe, unsigned int *cp)
{
	size_t seq;

	*cp = s[i];
	if (s[i] < 0x80) {
		*safe = s[i] >= 0x20 && s[i] != 0x7f;
		return 1;
	}
	seq = utf8_seq_len(s + i, n - i, cp);
	*safe = seq && !is_format_control(*cp);
	return seq ? seq : 1;
}

/*
 * Escape into dst; *used: how many bytes of src the output holds, *cols: the
 * columns they take on a terminal (a UTF-8 character one, an escape its width).
 */
static size_t escape_into(char *dst, size_t dstlen, const char *src, size_t srclen, bool quote,
			  size_t *used, size_t *cols)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strnlen(src, srclen), i = 0, o = 0;

	*used = *cols = 0;
	if (!dstlen)
		return 0;
	while (i < n) {
		unsigned char c = s[i];
		char tmp[16];
		size_t w = 0, len, k;
		unsigned int cp;
		bool safe;

		/* Most bytes: printable ASCII that needs no backslash. */
		if (c >= 0x20 && c < 0x7f && c != '\\' && !(quote && c == '"')) {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = c;
			i++;
			continue;
		}
		len = next_unit(s, n, i, &safe, &cp);
		for (k = 0; k < len; k++) {
			c = s[i + k];
			if (!safe) {
				tmp[w++] = '\\';
				tmp[w++] = 'x';
				tmp[w++] = hex[c >> 4];
				tmp[w++] = hex[c & 15];
				continue;
			}
			if (c == '\\' || (quote && c == '"'))
				tmp[w++] = '\\';
			tmp[w++] = c;
		}
		if (o + w >= dstlen)
			break;
		memcpy(dst + o, tmp, w);
		o += w;
		i += len;
		*cols += safe && len > 1 ? 1 - w : 0; /* o counts w; a character shows as one */
	}
	dst[o] = '\0';
	*used = i;
	*cols += o;
	return o;
}

size_t str_escape(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t used, cols;

	return escape_into(dst, dstlen, src, srclen, false, &used, &cols);
}

size_t str_escape_quoted(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t used, cols;

	return escape_into(dst, dstlen, src, srclen, true, &used, &cols);
}

size_t str_escape_short(char *dst, size_t dstlen, const char *src, size_t max)
{
	size_t limit = max + 1 < dstlen ? max + 1 : dstlen, used, cols, len;

	len = escape_into(dst, limit, src, (size_t)-1, false, &used, &cols);
	if (!src[used] || limit < 4)
		return len;
	len = escape_into(dst, limit - 3, src, (size_t)-1, false, &used, &cols);
	memcpy(dst + len, "...", 4);
	return len + 3;
}

size_t str_columns(const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strnlen(src, srclen), i = 0, cols = 0;

	while (i < n) {
		unsigned int cp;
		bool safe;
		size_t len = next_unit(s, n, i, &safe, &cp);

		if (!safe)
			cols += 4 * len;
		else
			cols += 1 + (s[i] == '\\');
		i += len;
	}
	return cols;
}

void print_escaped_col(FILE *f, const char *src, size_t srclen, int width)
{
	char buf[512]; /* escaped a piece at a time: no page-sized buffer on the stack */
	size_t n = strnlen(src, srclen), pos = 0, shown = 0, used, cols, len;

	while (pos < n) {
		len = escape_into(buf, sizeof(buf), src + pos, n - pos, false, &used, &cols);
		if (!used)
			break;
		fwrite(buf, 1, len, f);
		pos += used;
		shown += cols;
	}
	if (width > 0 && shown < (size_t)width)
		fprintf(f, "%*s", (int)(width - shown), "");
}

void json_write_string(FILE *f, const char *src, size_t srclen)
{
	json_write_bytes(f, src, strnlen(src, srclen));
}

void json_write_bytes(FILE *f, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0;

	fputc('"', f);
	while (i < n) {
		unsigned int cp;
		bool safe;
		size_t len = next_unit(s, n, i, &safe, &cp);

		if (safe && (s[i] == '"' || s[i] == '\\'))
			fprintf(f, s[i] == '"' ? "\\\"" : "\\\\\\\\");
		else if (safe)
			fwrite(s + i, 1, len, f);
		else if (len > 1 || s[i] < 0x80) /* a control or bidi mark: valid, escaped */
			fprintf(f, "\\u%04x", cp);
		else
			fprintf(f, "\\\\x%02x", s[i]); /* an invalid byte: decodes to \xNN */
		i += len;
	}
	fputc('"', f);
}
