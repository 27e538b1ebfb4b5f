// SPDX-License-Identifier: GPL-2.0
/* A minimal kernel BTF for one BPF object's CO-RE relocations; see include/corebtf.h. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "corebtf.h"
#include "kbtf.h"

/* The .BTF.ext header as far as the CO-RE records (linux/tools/lib/bpf/libbpf_internal.h). */
struct btf_ext_hdr {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 func_info_off;
	__u32 func_info_len;
	__u32 line_info_off;
	__u32 line_info_len;
	__u32 core_relo_off;
	__u32 core_relo_len;
};

struct section {
	const void *data;
	size_t size;
};

/* The named section of an ELF64 image, bounds checked. */
static int elf_section(const void *elf, size_t size, const char *name, struct section *out)
{
	const Elf64_Ehdr *eh = elf;
	const Elf64_Shdr *sh, *names;
	int i;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > size || (size - eh->e_shoff) / sizeof(*sh) < eh->e_shnum ||
	    eh->e_shstrndx >= eh->e_shnum)
		return -EINVAL;
	sh = (const void *)((const char *)elf + eh->e_shoff);
	names = &sh[eh->e_shstrndx];
	if (names->sh_offset > size || size - names->sh_offset < names->sh_size)
		return -EINVAL;
	for (i = 0; i < eh->e_shnum; i++) {
		const char *n = (const char *)elf + names->sh_offset + sh[i].sh_name;

		if (sh[i].sh_name >= names->sh_size ||
		    strnlen(n, names->sh_size - sh[i].sh_name) == names->sh_size - sh[i].sh_name ||
		    strcmp(n, name))
			continue;
		if (sh[i].sh_offset > size || size - sh[i].sh_offset < sh[i].sh_size)
			return -EINVAL;
		out->data = (const char *)elf + sh[i].sh_offset;
		out->size = sh[i].sh_size;
		return 0;
	}
	return -ENOENT;
}

/* The candidates libbpf would match a local type against: same kind, same essential name. */
struct root {
	unsigned int local_id;
	const struct btf_type *type; /* local */
	const char *name;
	size_t name_len; /* essential */
	unsigned int *cands;
	unsigned int nr_cands;
};

struct cut {
	const struct kbtf *k;	 /* kernel */
	const struct kbtf *l;	 /* the object's own BTF */
	unsigned char *keep;	 /* kernel id -> kept */
	unsigned char **members; /* kernel id -> kept members of a struct/union */
	struct root *roots;
	unsigned int nr_roots;
	const char *why;
};

/* "task_struct___old" and "task_struct" are one type to CO-RE. */
static size_t essential_len(const char *name)
{
	const char *flavor = strstr(name, "___");

	return flavor ? (size_t)(flavor - name) : strlen(name);
}

static bool kinds_compatible(const struct btf_type *a, const struct btf_type *b)
{
	bool a_enum = btf_is_enum(a) || btf_is_enum64(a);
	bool b_enum = btf_is_enum(b) || btf_is_enum64(b);

	return btf_kind(a) == btf_kind(b) || (a_enum && b_enum);
}

static struct root *root_of(struct cut *c, unsigned int local_id)
{
	struct root *r;
	unsigned int i;

	for (i = 0; i < c->nr_roots; i++) {
		if (c->roots[i].local_id == local_id)
			return &c->roots[i];
	}
	r = realloc(c->roots, (c->nr_roots + 1) * sizeof(*r));
	if (!r)
		return NULL;
	c->roots = r;
	r = &c->roots[c->nr_roots++];
	memset(r, 0, sizeof(*r));
	r->local_id = local_id;
	return r;
}

static int add_cand(struct root *r, unsigned int id)
{
	unsigned int *more = realloc(r->cands, (r->nr_cands + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	r->cands = more;
	r->cands[r->nr_cands++] = id;
	return 0;
}

static bool is_cand(const struct root *r, const struct btf_type *kt, const char *kname)
{
	return !strncmp(r->name, kname, r->name_len) && essential_len(kname) == r->name_len &&
	       kinds_compatible(r->type, kt);
}

static int by_first_char(const void *a, const void *b)
{
	const struct root *x = a, *y = b;

	return (unsigned char)x->name[0] - (unsigned char)y->name[0];
}

/*
 * One pass over the kernel types finds the candidates of every root; roots are
 * sorted by first letter so a kernel name is compared with few of them.
 */
static int find_cands(struct cut *c)
{
	unsigned int id, i, n = kbtf_type_cnt(c->k);
	unsigned int first[257] = { 0 };

	if (!c->nr_roots)
		return 0;
	for (i = 0; i < c->nr_roots; i++) {
		struct root *r = &c->roots[i];

		r->type = kbtf_type_by_id(c->l, r->local_id);
		r->name = kbtf_name_by_offset(c->l, r->type->name_off);
		r->name_len = essential_len(r->name);
	}
	qsort(c->roots, c->nr_roots, sizeof(*c->roots), by_first_char);
	for (i = c->nr_roots; i-- > 0;)
		first[(unsigned char)c->roots[i].name[0]] = i + 1; /* 1-based start of the run */
	for (id = 1; id < n; id++) {
		const struct btf_type *kt = kbtf_type_by_id(c->k, id);
		const char *kname = kbtf_name_by_offset(c->k, kt->name_off);
		unsigned char ch = kname ? (unsigned char)kname[0] : 0;

		for (i = ch ? first[ch] : 0;
		     i && i <= c->nr_roots && c->roots[i - 1].name[0] == kname[0]; i++) {
			if (is_cand(&c->roots[i - 1], kt, kname) && add_cand(&c->roots[i - 1], id))
				return -ENOMEM;
		}
	}
	for (i = 0; i < c->nr_roots; i++) {
		/* libbpf would look in the modules' BTF next: let it. */
		if (!c->roots[i].nr_cands) {
			c->why = "a type it relocates is not in the kernel image's BTF";
			return -ENOENT;
		}
	}
	return 0;
}

/* Kinds whose struct btf_type .type names another type (not a size). */
static bool refers_by_type(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
		return true;
	default:
		return false;
	}
}

/* Keep a kernel type and what it refers to, structs and unions as empty shells. */
static void keep_shallow(struct cut *c, unsigned int id)
{
	const struct btf_type *t;
	const struct btf_param *p;
	int i;

	if (!id || c->keep[id])
		return;
	c->keep[id] = 1;
	t = kbtf_type_by_id(c->k, id);
	if (refers_by_type(t)) {
		keep_shallow(c, t->type);
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_ARRAY:
		keep_shallow(c, btf_array(t)->type);
		keep_shallow(c, btf_array(t)->index_type);
		break;
	case BTF_KIND_FUNC_PROTO:
		keep_shallow(c, t->type);
		p = btf_params(t);
		for (i = 0; i < btf_vlen(t); i++)
			keep_shallow(c, p[i].type);
		break;
	default:
		break;
	}
}

static int keep_member(struct cut *c, unsigned int id, int idx)
{
	const struct btf_type *t = kbtf_type_by_id(c->k, id);

	if (!c->members[id]) {
		c->members[id] = calloc(btf_vlen(t), 1);
		if (!c->members[id])
			return -ENOMEM;
	}
	c->members[id][idx] = 1;
	keep_shallow(c, btf_members(t)[idx].type);
	return 0;
}

/*
 * Find a member by name as libbpf does, looking into anonymous structs and
 * unions in member order, and keep the members on the way.  *next: its type.
 */
static int keep_named_member(struct cut *c, unsigned int id, const char *name, unsigned int *next)
{
	const struct btf_type *t = kbtf_type_by_id(c->k, id);
	const struct btf_member *m = btf_members(t);
	int i, found;

	for (i = 0; i < btf_vlen(t); i++) {
		const char *mname = kbtf_name_by_offset(c->k, m[i].name_off);
		unsigned int sub;

		if (mname && *mname) {
			if (strcmp(mname, name))
				continue;
			*next = m[i].type;
			return keep_member(c, id, i) ?: 1;
		}
		sub = kbtf_skip_mods(c->k, m[i].type);
		if (!btf_is_composite(kbtf_type_by_id(c->k, sub)))
			continue;
		found = keep_named_member(c, sub, name, next);
		if (found)
			return found < 0 ? found : keep_member(c, id, i) ?: 1;
	}
	return 0;
}

static int parse_access(const char *spec, int *idx, int max)
{
	int n = 0;

	while (*spec) {
		char *end;

		if (n == max)
			return -E2BIG;
		idx[n++] = strtol(spec, &end, 10);
		if (end == spec || (*end && *end != ':'))
			return -EINVAL;
		spec = *end ? end + 1 : end;
	}
	return n;
}

/* Follow one field access path of the local type through a kernel candidate. */
static int keep_field_path(struct cut *c, unsigned int kid, unsigned int lid, const int *idx, int n)
{
	unsigned int lt = kbtf_skip_mods(c->l, lid), kt;
	int i, err;

	keep_shallow(c, kid);
	kt = kbtf_skip_mods(c->k, kid);
	for (i = 1; i < n; i++) {
		const struct btf_type *l = kbtf_type_by_id(c->l, lt);
		const struct btf_type *k = kbtf_type_by_id(c->k, kt);
		const struct btf_member *lm;
		const char *name;
		unsigned int next;

		if (btf_is_array(l)) {
			if (!btf_is_array(k))
				return 0;
			lt = kbtf_skip_mods(c->l, btf_array(l)->type);
			kt = kbtf_skip_mods(c->k, btf_array(k)->type);
			continue;
		}
		if (!btf_is_composite(l) || idx[i] < 0 || idx[i] >= btf_vlen(l))
			return -EINVAL;
		lm = &btf_members(l)[idx[i]];
		lt = kbtf_skip_mods(c->l, lm->type);
		name = kbtf_name_by_offset(c->l, lm->name_off);
		if (!name || !*name)
			continue; /* an anonymous local member: CO-RE matches its named members */
		if (!btf_is_composite(k))
			return 0;
		err = keep_named_member(c, kt, name, &next);
		if (err <= 0)
			return err;
		kt = kbtf_skip_mods(c->k, next);
	}
	return 0;
}

static int keep_relo(struct cut *c, const struct bpf_core_relo *relo)
{
	const char *spec = kbtf_name_by_offset(c->l, relo->access_str_off);
	struct root *r;
	int idx[64], n, err;
	unsigned int i;

	if (relo->kind == BPF_CORE_TYPE_ID_LOCAL)
		return 0;
	if (relo->kind == BPF_CORE_TYPE_ID_TARGET || relo->kind > BPF_CORE_ENUMVAL_VALUE) {
		c->why = "the object asks for kernel type ids or deep type matches";
		return -ENOTSUP;
	}
	r = root_of(c, relo->type_id);
	if (!spec || !r)
		return -EINVAL;
	for (i = 0; i < r->nr_cands; i++) {
		if (relo->kind >= BPF_CORE_TYPE_EXISTS) {
			keep_shallow(c, r->cands[i]);
			continue;
		}
		n = parse_access(spec, idx, 64);
		if (n < 1)
			return -EINVAL;
		err = keep_field_path(c, r->cands[i], relo->type_id, idx, n);
		if (err)
			return err;
	}
	return 0;
}

/* Calls fn for each CO-RE record of .BTF.ext, after a first pass that collects the roots. */
static int for_each_relo(struct cut *c, const struct section *ext,
			 int (*fn)(struct cut *c, const struct bpf_core_relo *relo))
{
	const struct btf_ext_hdr *hdr = ext->data;
	const char *p, *end;
	__u32 rec_size;

	if (ext->size < sizeof(*hdr) || hdr->magic != BTF_MAGIC)
		return -EINVAL;
	if (hdr->hdr_len < sizeof(*hdr) || !hdr->core_relo_len)
		return 0; /* nothing to relocate */
	if ((size_t)hdr->hdr_len + hdr->core_relo_off + hdr->core_relo_len > ext->size)
		return -EINVAL;
	p = (const char *)ext->data + hdr->hdr_len + hdr->core_relo_off;
	end = p + hdr->core_relo_len;
	rec_size = *(const __u32 *)p;
	if (rec_size < sizeof(struct bpf_core_relo))
		return -EINVAL;
	for (p += sizeof(__u32); end - p >= 8;) {
		__u32 nr = ((const __u32 *)p)[1];
		__u32 i;

		p += 8;
		if ((size_t)(end - p) / rec_size < nr)
			return -EINVAL;
		for (i = 0; i < nr; i++, p += rec_size) {
			struct bpf_core_relo relo;
			int err;

			memcpy(&relo, p, sizeof(relo));
			if (!kbtf_type_by_id(c->l, relo.type_id))
				return -EINVAL;
			err = fn(c, &relo);
			if (err)
				return err;
		}
	}
	return 0;
}

static int collect_root(struct cut *c, const struct bpf_core_relo *relo)
{
	const struct btf_type *t = kbtf_type_by_id(c->l, relo->type_id);
	const char *name = kbtf_name_by_offset(c->l, t->name_off);

	if (relo->kind == BPF_CORE_TYPE_ID_LOCAL)
		return 0;
	if (!name || !*name) {
		c->why = "the object relocates an anonymous type";
		return -ENOTSUP;
	}
	return root_of(c, relo->type_id) ? 0 : -ENOMEM;
}

/* The output BTF, written as raw bytes: header, types, strings. */
struct out {
	char *types, *strs;
	size_t types_len, types_cap, strs_len, strs_cap;
	unsigned int *new_id;
};

static int append(char **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
	if (*len + n > *cap) {
		size_t want = *cap ? *cap * 2 : 4096;
		char *bigger;

		while (want < *len + n)
			want *= 2;
		bigger = realloc(*buf, want);
		if (!bigger)
			return -ENOMEM;
		*buf = bigger;
		*cap = want;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	return 0;
}

/* A kernel string copied into the output; 0 (the empty string) on failure or for none. */
static __u32 add_str(struct out *o, const struct kbtf *k, __u32 off)
{
	const char *s = kbtf_name_by_offset(k, off);
	size_t at = o->strs_len;

	if (!off || !s || !*s)
		return 0;
	if (append(&o->strs, &o->strs_len, &o->strs_cap, s, strlen(s) + 1))
		return 0;
	return at;
}

static int put(struct out *o, const void *data, size_t n)
{
	return append(&o->types, &o->types_len, &o->types_cap, data, n);
}

static __u32 remap(const struct out *o, __u32 id)
{
	return id ? o->new_id[id] : 0;
}

static int emit_members(struct cut *c, struct out *o, unsigned int id, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	int i, err = 0;

	for (i = 0; i < btf_vlen(t) && !err; i++) {
		struct btf_member nm = m[i];

		if (!c->members[id] || !c->members[id][i])
			continue;
		nm.name_off = add_str(o, c->k, m[i].name_off);
		nm.type = remap(o, m[i].type);
		err = put(o, &nm, sizeof(nm));
	}
	return err;
}

static int kept_members(struct cut *c, unsigned int id, const struct btf_type *t)
{
	int i, n = 0;

	for (i = 0; c->members[id] && i < btf_vlen(t); i++)
		n += c->members[id][i];
	return n;
}

/*
 * Copy the vlen records that follow an enum, enum64 or func_proto: each starts
 * with a name, and a parameter's goes on with its type.
 */
static int emit_records(struct cut *c, struct out *o, const struct btf_type *t, size_t rec_size,
			bool typed)
{
	const char *rec = (const char *)(t + 1);
	int i, err = 0;

	for (i = 0; i < btf_vlen(t) && !err; i++, rec += rec_size) {
		__u32 words[3];

		memcpy(words, rec, rec_size);
		words[0] = add_str(o, c->k, words[0]);
		if (typed)
			words[1] = remap(o, words[1]);
		err = put(o, words, rec_size);
	}
	return err;
}

static int emit_type(struct cut *c, struct out *o, unsigned int id)
{
	const struct btf_type *t = kbtf_type_by_id(c->k, id);
	struct btf_type nt = *t;
	int err;

	nt.name_off = add_str(o, c->k, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_FUNC_PROTO: /* .type is the return type */
		nt.type = remap(o, t->type);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		nt.info =
			(t->info & ~0xffffu) | kept_members(c, id, t); /* vlen is the low 16 bits */
		break;
	case BTF_KIND_INT:
	case BTF_KIND_ARRAY:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
		break;
	default:
		if (!refers_by_type(t)) {
			c->why = "the kernel BTF has a kind this build does not cut";
			return -ENOTSUP;
		}
		nt.type = remap(o, t->type);
	}
	err = put(o, &nt, sizeof(nt));
	if (err)
		return err;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return put(o, t + 1, sizeof(__u32));
	case BTF_KIND_ARRAY: {
		struct btf_array a = *btf_array(t);

		a.type = remap(o, a.type);
		a.index_type = remap(o, a.index_type);
		return put(o, &a, sizeof(a));
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return emit_members(c, o, id, t);
	case BTF_KIND_ENUM:
		return emit_records(c, o, t, sizeof(struct btf_enum), false);
	case BTF_KIND_ENUM64:
		return emit_records(c, o, t, sizeof(struct btf_enum64), false);
	case BTF_KIND_FUNC_PROTO:
		return emit_records(c, o, t, sizeof(struct btf_param), true);
	default:
		return 0;
	}
}

static void *emit(struct cut *c, size_t *out_size)
{
	unsigned int id, next = 1, n = kbtf_type_cnt(c->k);
	struct btf_header hdr = { .magic = BTF_MAGIC,
				  .version = BTF_VERSION,
				  .hdr_len = sizeof(hdr) };
	struct out o = { 0 };
	char *raw = NULL;
	int err = 0;

	o.new_id = calloc(n, sizeof(*o.new_id));
	if (!o.new_id || append(&o.strs, &o.strs_len, &o.strs_cap, "", 1))
		goto out;
	for (id = 1; id < n; id++) {
		if (c->keep[id])
			o.new_id[id] = next++;
	}
	for (id = 1; id < n && !err; id++) {
		if (c->keep[id])
			err = emit_type(c, &o, id);
	}
	if (err)
		goto out;
	hdr.type_len = o.types_len;
	hdr.str_off = o.types_len;
	hdr.str_len = o.strs_len;
	raw = malloc(sizeof(hdr) + o.types_len + o.strs_len);
	if (raw) {
		memcpy(raw, &hdr, sizeof(hdr));
		if (o.types_len)
			memcpy(raw + sizeof(hdr), o.types, o.types_len);
		memcpy(raw + sizeof(hdr) + o.types_len, o.strs, o.strs_len);
		*out_size = sizeof(hdr) + o.types_len + o.strs_len;
	}
out:
	free(o.new_id);
	free(o.types);
	free(o.strs);
	return raw;
}

static void cut_free(struct cut *c)
{
	unsigned int i, n = c->k ? kbtf_type_cnt(c->k) : 0;

	for (i = 0; c->members && i < n; i++)
		free(c->members[i]);
	for (i = 0; i < c->nr_roots; i++)
		free(c->roots[i].cands);
	free(c->roots);
	free(c->members);
	free(c->keep);
	kbtf_free((struct kbtf *)c->l);
}

void *corebtf_build(const void *elf, size_t size, size_t *out_size, const char **why)
{
	struct section btf_sec, ext_sec;
	struct cut c = { 0 };
	void *raw = NULL;

	c.why = "the BPF object has no CO-RE records to go by";
	c.k = kbtf_kernel();
	if (!c.k) {
		c.why = "cannot read the kernel BTF";
		goto out;
	}
	if (elf_section(elf, size, ".BTF", &btf_sec) ||
	    elf_section(elf, size, ".BTF.ext", &ext_sec))
		goto out;
	c.l = kbtf_new(btf_sec.data, btf_sec.size);
	c.keep = calloc(kbtf_type_cnt(c.k), 1);
	c.members = calloc(kbtf_type_cnt(c.k), sizeof(*c.members));
	if (!c.l || !c.keep || !c.members || for_each_relo(&c, &ext_sec, collect_root) ||
	    find_cands(&c) || for_each_relo(&c, &ext_sec, keep_relo))
		goto out;
	raw = emit(&c, out_size);
	if (raw)
		c.why = NULL;
out:
	if (why)
		*why = c.why;
	cut_free(&c);
	return raw;
}

static struct {
	int fd;
	char path[32];
} current = { .fd = -1 };

const char *corebtf_for_object(const void *elf, size_t size, const char **why)
{
	size_t len = 0;
	void *raw;

	corebtf_release();
	raw = corebtf_build(elf, size, &len, why);
	if (!raw)
		return NULL;
	/* libbpf takes a path; a memfd leaves nothing on disk and needs no writable directory. */
	current.fd = memfd_create("bpfscope-core-btf", MFD_CLOEXEC);
	if (current.fd < 0 || write(current.fd, raw, len) != (ssize_t)len) {
		if (why)
			*why = "cannot create a memfd for it";
		free(raw);
		corebtf_release();
		return NULL;
	}
	free(raw);
	snprintf(current.path, sizeof(current.path), "/proc/self/fd/%d", current.fd);
	if (access(current.path, R_OK)) {
		if (why)
			*why = "/proc is not mounted";
		corebtf_release();
		return NULL;
	}
	return current.path;
}

void corebtf_release(void)
{
	if (current.fd >= 0)
		close(current.fd);
	current.fd = -1;
	current.path[0] = '\0';
}
