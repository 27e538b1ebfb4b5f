// SPDX-License-Identifier: GPL-2.0
/* Output helpers: buffered stdout, safe strings, timestamps, JSON Lines. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "output.h"

static unsigned long long start_ns;

void output_init(void)
{
	static char buf[1 << 16];

	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	output_mark_start();
}

void output_mark_start(void)
{
	start_ns = mono_ns();
}

double secs_since_start(uint64_t ktime_ns)
{
	if (ktime_ns < start_ns)
		return 0;
	return (ktime_ns - start_ns) / 1e9;
}

char *time_hms(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF, and C1 controls. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
		return 0;
	return len;
}

static size_t escape_into(char *dst, size_t dstlen, const char *src, size_t srclen, bool quote)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strnlen(src, srclen), i = 0, o = 0;

	if (!dstlen)
		return 0;
	while (i < n) {
		size_t seq = s[i] >= 0x80 ? utf8_seq_len(s + i, n - i) : 0;
		char tmp[5];
		size_t w;

		if (seq) {
			memcpy(tmp, s + i, seq);
			w = seq;
			i += seq;
		} else if (s[i] < 0x20 || s[i] >= 0x7f) {
			w = snprintf(tmp, sizeof(tmp), "\\x%02x", s[i]);
			i++;
		} else if (s[i] == '\\' || (quote && s[i] == '"')) {
			tmp[0] = '\\';
			tmp[1] = s[i++];
			w = 2;
		} else {
			tmp[0] = s[i++];
			w = 1;
		}
		if (o + w >= dstlen)
			break;
		memcpy(dst + o, tmp, w);
		o += w;
	}
	dst[o] = '\0';
	return o;
}

size_t str_escape(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	return escape_into(dst, dstlen, src, srclen, false);
}

void print_escaped(FILE *f, const char *src, size_t srclen)
{
	char buf[4 * 4096 + 1];

	if (srclen > 4096)
		srclen = 4096;
	escape_into(buf, sizeof(buf), src, srclen, false);
	fputs(buf, f);
}

void print_quoted(FILE *f, const char *src, size_t srclen)
{
	char buf[4 * 4096 + 1];

	if (srclen > 4096)
		srclen = 4096;
	escape_into(buf, sizeof(buf), src, srclen, true);
	fprintf(f, "\"%s\"", buf);
}

/* JSON */

static void json_sep(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key)
		fprintf(j->f, "\"%s\":", key);
}

static void json_string_body(FILE *f, const char *s, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, maxlen), i = 0;

	fputc('"', f);
	while (i < n) {
		size_t seq = p[i] >= 0x80 ? utf8_seq_len(p + i, n - i) : 0;

		if (seq) {
			fwrite(p + i, 1, seq, f);
			i += seq;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\')
			fprintf(f, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			fprintf(f, "\\u%04x", p[i]);
		else
			fputc(p[i], f);
		i++;
	}
	fputc('"', f);
}

void json_begin(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	fputc('{', f);
}

void json_end(struct json *j)
{
	fputs("}\n", j->f);
}

void json_key(struct json *j, const char *key)
{
	json_sep(j, key);
}

void json_obj_begin(struct json *j, const char *key)
{
	json_sep(j, key);
	fputc('{', j->f);
	if (j->depth < 15)
		j->need_comma[++j->depth] = false;
}

void json_obj_end(struct json *j)
{
	fputc('}', j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_arr_begin(struct json *j, const char *key)
{
	json_sep(j, key);
	fputc('[', j->f);
	if (j->depth < 15)
		j->need_comma[++j->depth] = false;
}

void json_arr_end(struct json *j)
{
	fputc(']', j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_strn(struct json *j, const char *key, const char *val, size_t maxlen)
{
	json_sep(j, key);
	json_string_body(j->f, val, maxlen);
}

void json_str(struct json *j, const char *key, const char *val)
{
	if (!val) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, val, (size_t)-1);
}

void json_int(struct json *j, const char *key, long long val)
{
	json_sep(j, key);
	fprintf(j->f, "%lld", val);
}

void json_uint(struct json *j, const char *key, unsigned long long val)
{
	json_sep(j, key);
	fprintf(j->f, "%llu", val);
}

void json_double(struct json *j, const char *key, double val)
{
	json_sep(j, key);
	fprintf(j->f, "%.6f", val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_sep(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_sep(j, key);
	fputs("null", j->f);
}
