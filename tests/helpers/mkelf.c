// SPDX-License-Identifier: GPL-2.0
/*
 * mkelf KIND OUT [OPTION...]: write a hand-made ELF64 object for this machine,
 * crafted to test what a symbol reader does with files a traced process
 * controls (tests/integration/test_profile_hostile.sh).
 *
 * Every object is ET_DYN, little endian, with one PT_LOAD (R+X) covering the
 * whole file from offset 0 at address 0, and a .text section at file offset
 * 0x1000 holding a loop that jumps to itself: a process that maps the file and
 * calls mapping + 0x1000 spins there forever.
 *
 * Kinds:
 *   good           .symtab + .strtab with the function symbol at 0x1000
 *   nobits-strtab  .symtab whose sh_link names a SHT_NOBITS section of 4096 bytes
 *   zsymtab        .symtab compressed (SHF_COMPRESSED, zlib), declaring --zsize
 *                  bytes of zeros, which the stream does hold (~4 MB on disk)
 *   stripped       no .symtab (give it --build-id and/or --debuglink)
 *   debug          a separate debug file for stripped: .symtab + .strtab
 * Options:
 *   --name SYM            the function symbol (default bpfscope_hostile_fn)
 *   --build-id HEX        an NT_GNU_BUILD_ID note in .note.gnu.build-id
 *   --debuglink NAME      a .gnu_debuglink section naming NAME, with the CRC32
 *   --crc FILE            ... of FILE's content (without it, of nothing)
 *   --size BYTES          extend (sparse) or cut the file to BYTES at the end
 *   --zsize BYTES         zsymtab: the decompressed size declared and deflated;
 *                         default 4 GiB less 16 bytes, the largest multiple of
 *                         the symbol size below 4 GiB (libelf, 0.188 here,
 *                         hands the size to zlib as its 32-bit avail_out:
 *                         exactly 4 GiB becomes 0 and fails at once, untried)
 *   --match-crc FILE      append 4 bytes that make this file's CRC32 that of FILE
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#if defined(__x86_64__)
#define MACHINE EM_X86_64
/* jmp . ; then int3 */
static const unsigned char spin_code[16] = { 0xeb, 0xfe, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
					     0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
#elif defined(__aarch64__)
#define MACHINE EM_AARCH64
/* b . ; then brk #0 */
static const unsigned char spin_code[16] = { 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x20, 0xd4,
					     0x00, 0x00, 0x20, 0xd4, 0x00, 0x00, 0x20, 0xd4 };
#else
#error "mkelf: x86_64 and aarch64 only"
#endif

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mkelf: little endian hosts only"
#endif

#define TEXT_OFF     0x1000
#define PAGE	     0x1000
#define MAX_SECTS    16
#define BUILD_ID_MAX 64
#define IOBUF	     (1 << 20)
#define ZCHUNK	     (16 << 20)

enum kind { K_GOOD, K_NOBITS_STRTAB, K_ZSYMTAB, K_STRIPPED, K_DEBUG };

struct opts {
	enum kind kind;
	const char *out;
	const char *name;
	unsigned char build_id[BUILD_ID_MAX];
	size_t build_id_len;
	const char *debuglink;
	const char *crc_file;
	const char *match_crc;
	long long size; /* -1: keep */
	unsigned long long zsize;
};

/* The file being written: an fd, where the next section goes, the section headers. */
struct out {
	int fd;
	uint64_t off;
	Elf64_Shdr sh[MAX_SECTS];
	int nsh;
	char shstr[512];
	size_t shstr_len;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mkelf good|nobits-strtab|zsymtab|stripped|debug OUT [--name SYM]\n"
		"             [--build-id HEX] [--debuglink NAME [--crc FILE]] [--size BYTES]\n"
		"             [--zsize BYTES] [--match-crc FILE]\n");
	exit(2);
}

static void write_at(struct out *o, uint64_t off, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(o->fd, p, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("mkelf: write");
		}
		p += n;
		off += n;
		len -= n;
	}
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint32_t shstr_add(struct out *o, const char *name)
{
	size_t len = strlen(name) + 1;
	uint32_t at = o->shstr_len;

	if (o->shstr_len + len > sizeof(o->shstr)) {
		fprintf(stderr, "mkelf: too many section names\n");
		exit(1);
	}
	memcpy(o->shstr + o->shstr_len, name, len);
	o->shstr_len += len;
	return at;
}

/* A new section header; the caller fills in what differs from the defaults. */
static Elf64_Shdr *section(struct out *o, const char *name, uint32_t type, uint64_t align)
{
	Elf64_Shdr *sh;

	if (o->nsh == MAX_SECTS) {
		fprintf(stderr, "mkelf: too many sections\n");
		exit(1);
	}
	sh = &o->sh[o->nsh++];
	memset(sh, 0, sizeof(*sh));
	sh->sh_name = shstr_add(o, name);
	sh->sh_type = type;
	sh->sh_addralign = align;
	return sh;
}

/* Append a section's content at the next offset aligned to align. */
static void put_data(struct out *o, Elf64_Shdr *sh, const void *buf, size_t len)
{
	o->off = align_up(o->off, sh->sh_addralign ? sh->sh_addralign : 1);
	sh->sh_offset = o->off;
	sh->sh_size = len;
	write_at(o, o->off, buf, len);
	o->off += len;
}

static uint32_t fd_crc32(int fd)
{
	static unsigned char buf[IOBUF];
	uLong crc = crc32(0, Z_NULL, 0);
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crc = crc32(crc, buf, n);
	if (n < 0)
		die("mkelf: read");
	return crc;
}

static uint32_t file_crc32(const char *path)
{
	uint32_t crc;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(path);
	crc = fd_crc32(fd);
	close(fd);
	return crc;
}

/*
 * The 4 bytes that, appended to data whose CRC32 is cur, make it want.  The
 * CRC register (the complement of zlib's value) takes 4 bytes as an XOR of
 * the little-endian word into it followed by 32 steps of the reflected
 * polynomial; each step can be undone, since the top bit after it tells whether
 * the polynomial was added.
 */
static uint32_t crc_patch(uint32_t cur, uint32_t want)
{
	uint32_t reg = ~want;
	int i;

	for (i = 0; i < 32; i++)
		reg = reg & 0x80000000u ? ((reg ^ 0xedb88320u) << 1) | 1 : reg << 1;
	return reg ^ ~cur;
}

/* .strtab: "" and the symbol's name. */
static void put_strtab(struct out *o, const struct opts *op)
{
	size_t nlen = strlen(op->name);
	char *strs = calloc(1, nlen + 2);
	Elf64_Shdr *sh;

	if (!strs)
		die("mkelf: calloc");
	memcpy(strs + 1, op->name, nlen);
	sh = section(o, ".strtab", SHT_STRTAB, 1);
	put_data(o, sh, strs, nlen + 2);
	free(strs);
}

/* .symtab + .strtab (strtab_type SHT_NOBITS: 4096 bytes of nothing, no names). */
static void put_symtab(struct out *o, const struct opts *op, int text, uint32_t strtab_type)
{
	Elf64_Sym syms[2];
	Elf64_Shdr *sh, *str;
	int symndx = o->nsh;

	memset(syms, 0, sizeof(syms));
	syms[1].st_name = 1;
	syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	syms[1].st_shndx = text;
	syms[1].st_value = TEXT_OFF;
	syms[1].st_size = sizeof(spin_code);
	sh = section(o, ".symtab", SHT_SYMTAB, 8);
	sh->sh_entsize = sizeof(Elf64_Sym);
	sh->sh_info = 1;
	sh->sh_link = symndx + 1;
	put_data(o, sh, syms, sizeof(syms));

	if (strtab_type == SHT_STRTAB) {
		put_strtab(o, op);
		return;
	}
	str = section(o, ".strtab", SHT_NOBITS, 1);
	str->sh_offset = o->off;
	str->sh_size = 4096;
}

/* Deflate len zeros (at most ZCHUNK) with flush, appending the output to the file. */
static void deflate_zeros(struct out *o, z_stream *z, size_t len, int flush)
{
	static unsigned char in[ZCHUNK], buf[IOBUF];
	int rc;

	z->next_in = (unsigned char *)in;
	z->avail_in = len;
	do {
		z->next_out = buf;
		z->avail_out = sizeof(buf);
		rc = deflate(z, flush);
		if (rc == Z_STREAM_ERROR) {
			fprintf(stderr, "mkelf: deflate failed\n");
			exit(1);
		}
		write_at(o, o->off, buf, sizeof(buf) - z->avail_out);
		o->off += sizeof(buf) - z->avail_out;
	} while (z->avail_out == 0 || z->avail_in);
}

/*
 * .symtab compressed: an Elf64_Chdr declaring zsize bytes, then a zlib stream
 * of that many zeros.  Deflating 4 GiB takes 14 s at level 9 (8 s with
 * Z_RLE), so one chunk is deflated at level 9 and ended with Z_FULL_FLUSH:
 * what follows such a flush refers to nothing before it and starts on a byte,
 * so the chunk's output stands for every further chunk of zeros, repeated.
 * The zlib header and the Adler-32 of the zeros (a = 1, b = size mod 65521)
 * are written here around the raw deflate data.
 */
static void put_zsymtab(struct out *o, const struct opts *op)
{
	static const unsigned char zhdr[2] = { 0x78, 0xda }; /* 32K window, level 9 */
	unsigned long long chunks = op->zsize / ZCHUNK, i;
	unsigned char trailer[4];
	uint64_t start, one, len;
	unsigned char *copy;
	uint32_t adler;
	Elf64_Chdr ch;
	Elf64_Shdr *sh;
	z_stream z;

	sh = section(o, ".symtab", SHT_SYMTAB, 8);
	sh->sh_flags = SHF_COMPRESSED;
	sh->sh_entsize = sizeof(Elf64_Sym);
	/* All the zeros are null symbols: local ones. */
	sh->sh_info = op->zsize / sizeof(Elf64_Sym) > UINT32_MAX ? UINT32_MAX
								 : op->zsize / sizeof(Elf64_Sym);
	sh->sh_link = o->nsh; /* .strtab, next */
	o->off = align_up(o->off, 8);
	start = sh->sh_offset = o->off;
	memset(&ch, 0, sizeof(ch));
	ch.ch_type = ELFCOMPRESS_ZLIB;
	ch.ch_size = op->zsize;
	ch.ch_addralign = 8;
	write_at(o, o->off, &ch, sizeof(ch));
	o->off += sizeof(ch);
	write_at(o, o->off, zhdr, sizeof(zhdr));
	o->off += sizeof(zhdr);

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		fprintf(stderr, "mkelf: deflateInit2 failed\n");
		exit(1);
	}
	if (chunks) {
		one = o->off;
		deflate_zeros(o, &z, ZCHUNK, Z_FULL_FLUSH);
		len = o->off - one;
		copy = malloc(len);
		if (!copy)
			die("mkelf: malloc");
		if (pread(o->fd, copy, len, one) != (ssize_t)len)
			die("mkelf: pread");
		for (i = 1; i < chunks; i++) {
			write_at(o, o->off, copy, len);
			o->off += len;
		}
		free(copy);
	}
	deflate_zeros(o, &z, op->zsize % ZCHUNK, Z_FINISH);
	deflateEnd(&z);
	adler = (uint32_t)(op->zsize % 65521) << 16 | 1;
	trailer[0] = adler >> 24;
	trailer[1] = adler >> 16;
	trailer[2] = adler >> 8;
	trailer[3] = adler;
	write_at(o, o->off, trailer, sizeof(trailer));
	o->off += sizeof(trailer);
	sh->sh_size = o->off - start;
	put_strtab(o, op);
}

static void put_build_id(struct out *o, const struct opts *op)
{
	unsigned char note[sizeof(Elf64_Nhdr) + 4 + BUILD_ID_MAX];
	Elf64_Nhdr nh = { .n_namesz = 4, .n_descsz = op->build_id_len, .n_type = NT_GNU_BUILD_ID };
	size_t len = sizeof(nh) + 4 + align_up(op->build_id_len, 4);
	Elf64_Shdr *sh;

	memset(note, 0, sizeof(note));
	memcpy(note, &nh, sizeof(nh));
	memcpy(note + sizeof(nh), "GNU", 4);
	memcpy(note + sizeof(nh) + 4, op->build_id, op->build_id_len);
	sh = section(o, ".note.gnu.build-id", SHT_NOTE, 4);
	sh->sh_flags = SHF_ALLOC;
	put_data(o, sh, note, len);
	sh->sh_addr = sh->sh_offset; /* the PT_LOAD maps offset N at address N */
}

static void put_debuglink(struct out *o, const struct opts *op)
{
	size_t nlen = strlen(op->debuglink), len = align_up(nlen + 1, 4) + 4;
	uint32_t crc = op->crc_file ? file_crc32(op->crc_file) : crc32(0, Z_NULL, 0);
	unsigned char *buf = calloc(1, len);
	Elf64_Shdr *sh;

	if (!buf)
		die("mkelf: calloc");
	memcpy(buf, op->debuglink, nlen);
	memcpy(buf + len - 4, &crc, 4);
	sh = section(o, ".gnu_debuglink", SHT_PROGBITS, 4);
	put_data(o, sh, buf, len);
	free(buf);
}

static void write_elf(const struct opts *op)
{
	struct out o;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	Elf64_Shdr *sh;
	int text, shstrndx;
	uint64_t shoff, end;

	memset(&o, 0, sizeof(o));
	o.fd = open(op->out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (o.fd < 0)
		die(op->out);
	shstr_add(&o, "");
	section(&o, "", SHT_NULL, 0);

	text = o.nsh;
	sh = section(&o, ".text", SHT_PROGBITS, 16);
	sh->sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	o.off = TEXT_OFF;
	put_data(&o, sh, spin_code, sizeof(spin_code));
	sh->sh_addr = TEXT_OFF;

	if (op->build_id_len)
		put_build_id(&o, op);
	if (op->debuglink)
		put_debuglink(&o, op);
	switch (op->kind) {
	case K_GOOD:
	case K_DEBUG:
		put_symtab(&o, op, text, SHT_STRTAB);
		break;
	case K_NOBITS_STRTAB:
		put_symtab(&o, op, text, SHT_NOBITS);
		break;
	case K_ZSYMTAB:
		put_zsymtab(&o, op);
		break;
	case K_STRIPPED:
		break;
	}

	shstrndx = o.nsh;
	sh = section(&o, ".shstrtab", SHT_STRTAB, 1);
	put_data(&o, sh, o.shstr, o.shstr_len);
	/* (section() added the name before the table was written.) */

	shoff = o.off = align_up(o.off, 8);
	write_at(&o, shoff, o.sh, o.nsh * sizeof(Elf64_Shdr));
	end = shoff + o.nsh * sizeof(Elf64_Shdr);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
	eh.e_type = ET_DYN;
	eh.e_machine = MACHINE;
	eh.e_version = EV_CURRENT;
	eh.e_entry = TEXT_OFF;
	eh.e_phoff = sizeof(eh);
	eh.e_shoff = shoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = o.nsh;
	eh.e_shstrndx = shstrndx;
	write_at(&o, 0, &eh, sizeof(eh));

	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_X;
	ph.p_offset = 0;
	ph.p_vaddr = ph.p_paddr = 0;
	ph.p_filesz = ph.p_memsz = end;
	ph.p_align = PAGE;
	write_at(&o, sizeof(eh), &ph, sizeof(ph));

	if (op->match_crc) {
		uint32_t patch;

		if (lseek(o.fd, 0, SEEK_SET) < 0)
			die("mkelf: lseek");
		patch = crc_patch(fd_crc32(o.fd), file_crc32(op->match_crc));
		write_at(&o, end, &patch, sizeof(patch));
	}
	if (op->size >= 0 && ftruncate(o.fd, op->size))
		die("mkelf: ftruncate");
	if (close(o.fd))
		die(op->out);
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void parse_build_id(struct opts *op, const char *hex)
{
	size_t len = strlen(hex), i;
	int hi, lo;

	if (!len || len % 2 || len / 2 > BUILD_ID_MAX) {
		fprintf(stderr, "mkelf: --build-id wants 2 to %d hex digits, an even number\n",
			2 * BUILD_ID_MAX);
		exit(2);
	}
	for (i = 0; i < len / 2; i++) {
		hi = hex_nibble(hex[2 * i]);
		lo = hex_nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			fprintf(stderr, "mkelf: --build-id: not hex: %s\n", hex);
			exit(2);
		}
		op->build_id[i] = hi << 4 | lo;
	}
	op->build_id_len = len / 2;
}

static unsigned long long parse_size(const char *s, const char *opt)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > (unsigned long long)INT64_MAX) {
		fprintf(stderr, "mkelf: %s: not a size: %s\n", opt, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "good", "nobits-strtab", "zsymtab", "stripped",
					     "debug" };
	struct opts op = { .name = "bpfscope_hostile_fn", .size = -1, .zsize = (1ULL << 32) - 16 };
	size_t k;
	int i;

	if (argc < 3)
		usage();
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (!strcmp(argv[1], kinds[k]))
			break;
	}
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		usage();
	op.kind = k;
	op.out = argv[2];
	for (i = 3; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			usage();
		i++;
		if (!strcmp(opt, "--name") && *val)
			op.name = val;
		else if (!strcmp(opt, "--build-id"))
			parse_build_id(&op, val);
		else if (!strcmp(opt, "--debuglink") && *val)
			op.debuglink = val;
		else if (!strcmp(opt, "--crc"))
			op.crc_file = val;
		else if (!strcmp(opt, "--size"))
			op.size = parse_size(val, opt);
		else if (!strcmp(opt, "--zsize"))
			op.zsize = parse_size(val, opt);
		else if (!strcmp(opt, "--match-crc"))
			op.match_crc = val;
		else
			usage();
	}
	if (op.crc_file && !op.debuglink) {
		fprintf(stderr, "mkelf: --crc goes with --debuglink\n");
		return 2;
	}
	if (op.match_crc && op.size >= 0) {
		fprintf(stderr, "mkelf: --match-crc and --size exclude each other\n");
		return 2;
	}
	write_elf(&op);
	return 0;
}
