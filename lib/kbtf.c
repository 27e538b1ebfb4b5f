// SPDX-License-Identifier: GPL-2.0
/* A read-only, index-only view of raw BTF; see include/kbtf.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbtf.h"

#define KERNEL_BTF "/sys/kernel/btf/vmlinux"

struct kbtf {
	const char *types;
	const char *strs;
	size_t strs_len;
	unsigned int nr_types; /* including void */
	unsigned int *offs;    /* type id -> offset in types */
	void *owned;	       /* what to unmap or free with the view */
	size_t owned_size;
	bool mapped;
};

/* Bytes that follow struct btf_type for a type of this kind; -1 for a kind we do not know. */
static long type_extra(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return sizeof(__u32);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)btf_vlen(t) * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)btf_vlen(t) * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)btf_vlen(t) * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return (long)btf_vlen(t) * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return (long)btf_vlen(t) * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

static int index_types(struct kbtf *btf, size_t types_len)
{
	unsigned int cap = 1024, n = 1;
	size_t off = 0;

	btf->offs = malloc(cap * sizeof(*btf->offs));
	if (!btf->offs)
		return -ENOMEM;
	btf->offs[0] = 0;
	while (off < types_len) {
		const struct btf_type *t = (const void *)(btf->types + off);
		long extra;

		if (types_len - off < sizeof(*t) || (extra = type_extra(t)) < 0 ||
		    types_len - off - sizeof(*t) < (size_t)extra)
			return -EINVAL;
		if (n == cap) {
			unsigned int *bigger = realloc(btf->offs, (cap *= 2) * sizeof(*bigger));

			if (!bigger)
				return -ENOMEM;
			btf->offs = bigger;
		}
		btf->offs[n++] = off;
		off += sizeof(*t) + extra;
	}
	btf->nr_types = n;
	return 0;
}

static struct kbtf *view(const void *data, size_t size)
{
	const struct btf_header *hdr = data;
	struct kbtf *btf;

	if (size < sizeof(*hdr) || hdr->magic != BTF_MAGIC || hdr->hdr_len < sizeof(*hdr) ||
	    hdr->hdr_len > size || (size_t)hdr->type_off + hdr->type_len > size - hdr->hdr_len ||
	    (size_t)hdr->str_off + hdr->str_len > size - hdr->hdr_len || !hdr->str_len)
		return NULL;
	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return NULL;
	btf->types = (const char *)data + hdr->hdr_len + hdr->type_off;
	btf->strs = (const char *)data + hdr->hdr_len + hdr->str_off;
	btf->strs_len = hdr->str_len;
	if (btf->strs[btf->strs_len - 1] || index_types(btf, hdr->type_len)) {
		kbtf_free(btf);
		return NULL;
	}
	return btf;
}

struct kbtf *kbtf_new(const void *data, size_t size)
{
	return view(data, size);
}

void kbtf_free(struct kbtf *btf)
{
	if (!btf)
		return;
	if (btf->mapped)
		munmap(btf->owned, btf->owned_size);
	else
		free(btf->owned);
	free(btf->offs);
	free(btf);
}

/* sysfs serves the BTF 4 KiB per read(); a mapping (Linux 6.16+) avoids 1400 reads and a copy. */
static void *read_all(int fd, size_t size)
{
	char *buf = malloc(size);
	size_t len = 0;
	ssize_t n;

	while (buf && len < size && (n = read(fd, buf + len, size - len)) > 0)
		len += n;
	if (buf && len != size) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

static struct kbtf *open_kernel(void)
{
	struct kbtf *btf = NULL;
	bool mapped = true;
	struct stat st;
	void *data;
	int fd;

	fd = open(KERNEL_BTF, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (data == MAP_FAILED) {
		mapped = false;
		data = read_all(fd, st.st_size);
	}
	close(fd);
	if (data)
		btf = view(data, st.st_size);
	if (!btf) {
		if (mapped)
			munmap(data, st.st_size);
		else
			free(data);
		return NULL;
	}
	btf->owned = data;
	btf->owned_size = st.st_size;
	btf->mapped = mapped;
	return btf;
}

static struct {
	struct kbtf *btf;
	bool tried;
} kernel;

const struct kbtf *kbtf_kernel(void)
{
	if (!kernel.tried) {
		kernel.tried = true;
		kernel.btf = open_kernel();
	}
	return kernel.btf;
}

void kbtf_release(void)
{
	kbtf_free(kernel.btf);
	kernel.btf = NULL;
	kernel.tried = false;
}

unsigned int kbtf_type_cnt(const struct kbtf *btf)
{
	return btf->nr_types;
}

const struct btf_type *kbtf_type_by_id(const struct kbtf *btf, unsigned int id)
{
	static const struct btf_type void_type;

	if (!id)
		return &void_type;
	if (id >= btf->nr_types)
		return NULL;
	return (const void *)(btf->types + btf->offs[id]);
}

const char *kbtf_name_by_offset(const struct kbtf *btf, unsigned int offset)
{
	return offset < btf->strs_len ? btf->strs + offset : NULL;
}

int kbtf_find_by_name_kind(const struct kbtf *btf, const char *name, int kind)
{
	unsigned int id;

	for (id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = kbtf_type_by_id(btf, id);

		if (btf_kind(t) == kind && t->name_off < btf->strs_len &&
		    !strcmp(btf->strs + t->name_off, name))
			return id;
	}
	return -ENOENT;
}

bool kbtf_has_name(const struct kbtf *btf, const char *name)
{
	unsigned int id;

	for (id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = kbtf_type_by_id(btf, id);

		if (t->name_off && t->name_off < btf->strs_len &&
		    !strcmp(btf->strs + t->name_off, name))
			return true;
	}
	return false;
}

unsigned int kbtf_skip_mods(const struct kbtf *btf, unsigned int id)
{
	const struct btf_type *t = kbtf_type_by_id(btf, id);
	int depth = 0;

	while (t && depth++ < 32 &&
	       (btf_is_typedef(t) || btf_is_mod(t) || btf_kind(t) == BTF_KIND_TYPE_TAG)) {
		id = t->type;
		t = kbtf_type_by_id(btf, id);
	}
	return id;
}

const char *kbtf_strings(const struct kbtf *btf, size_t *len)
{
	*len = btf->strs_len;
	return btf->strs;
}
