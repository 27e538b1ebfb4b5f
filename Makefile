# bpfscope: one build for every tool under tools/<name>/.
# A new tool folder is picked up by the wildcard below; no edit here is needed.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
OBJCOPY ?= objcopy
CC ?= cc
INSTALL ?= install
INSTALL_PROGRAM ?= $(INSTALL) -m 0755
INSTALL_DATA ?= $(INSTALL) -m 0644
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

BUILD := build
BIN := bin
TOOLS := $(sort $(patsubst tools/%/,%,$(dir $(wildcard tools/*/*.bpf.c))))
# Other names a tool answers to, one a line in tools/T/aliases (ext4slower is
# fsslower for ext4): bin/NAME and the installed NAME are links to T, which
# reads the name it was run by.  ALIAS_PAIRS: NAME:T.
ALIAS_PAIRS := $(foreach t,$(TOOLS),$(addsuffix :$(t),$(if $(wildcard tools/$(t)/aliases),$(file <tools/$(t)/aliases))))
ALIASES := $(foreach p,$(ALIAS_PAIRS),$(firstword $(subst :, ,$(p))))
alias_tool = $(word 2,$(subst :, ,$(1)))

ifneq ($(V),1)
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
else
Q :=
msg =
endif

.PHONY: all deps check-deps clean install install-multicall uninstall multicall test test-host \
	test-vm test-bins vm-helpers vmlinux format bench fuzz fuzz-bins fuzz-bins-if-possible
.DELETE_ON_ERROR:
.SECONDARY:

ifneq ($(filter deps,$(MAKECMDGOALS)),)
# `make deps all`: this make has read the file system (which compiler, where
# libbpf.a is) before deps installed anything, so the goals named with deps are
# made by a new make once the packages are in.
DEPS_GOALS := $(filter-out deps,$(MAKECMDGOALS))
.PHONY: $(DEPS_GOALS)

deps:
	$(Q)scripts/deps.sh install
ifneq ($(DEPS_GOALS),)
	$(Q)$(MAKE) --no-print-directory $(DEPS_GOALS)
endif

$(DEPS_GOALS): deps
	@:

else # not deps: the build

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRCS))
LIBBPFSCOPE := $(BUILD)/libbpfscope.a
TOOL_OBJS := $(foreach t,$(TOOLS),$(BUILD)/tools/$(t)/$(t).o)
BPF_OBJS := $(foreach t,$(TOOLS),$(BUILD)/tools/$(t)/$(t).bpf.o)

# Every object depends on the headers it includes, as the compiler saw them
# (-MMD writes build/.../X.d beside X.o; -MP keeps a deleted header from
# breaking the build): editing tools/a/a.h rebuilds tool a only.
DEPFLAGS := -MMD -MP
WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) $(DEPFLAGS) -D_GNU_SOURCE -Iinclude -I$(BUILD) \
	-DBPFSCOPE_VERSION='"$(VERSION)"'
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror $(DEPFLAGS) \
	-Ivmlinux/$(ARCH) -Iinclude -I$(BUILD)
# A BPF object needs neither DWARF at run time nor the relocations of .BTF.ext
# (libbpf skips them; they are a quarter of the object a tool embeds); BTF and
# .BTF.ext (CO-RE records, line info) stay.
BPF_STRIP_FLAGS := -g --remove-section=.rel.BTF.ext

# Tools are linked statically by default: they run in minimal containers and
# where libbpf is absent, start without the dynamic loader, and keep about 1 MiB
# less resident than with the shared libc mapped.  STATIC=0 links libc, libelf
# and zlib dynamically (libbpf stays static); SANITIZE=1 implies STATIC=0.
LIBBPF_A ?= $(firstword $(wildcard /usr/lib/$(shell $(CC) -dumpmachine 2>/dev/null)/libbpf.a \
	/usr/lib64/libbpf.a /usr/lib/libbpf.a))
STATIC ?= 1
ifeq ($(SANITIZE),1)
STATIC := 0
endif
DYNAMIC_LDLIBS := $(LIBBPF_A) -lelf -lz
ifeq ($(STATIC),1)
LDLIBS := -static $(LIBBPF_A) -lelf -lz -lzstd
else
LDLIBS := $(DYNAMIC_LDLIBS)
endif

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# write_if_changed FILE,VARIABLE: make FILE hold the value of VARIABLE, writing
# it only when that changed, so what depends on FILE rebuilds exactly then.
define write_if_changed
ifneq ($$(strip $$($(2))),$$(strip $$(file <$(1))))
$$(shell mkdir -p $$(dir $(1)))
$$(file >$(1),$$($(2)))
endif
endef

# Rebuild when the flags change (e.g. SANITIZE=1 after a plain build).
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW := $(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LDLIBS)
$(eval $(call write_if_changed,$(FLAGS_STAMP),FLAGS_NOW))
BPF_FLAGS_STAMP := $(BUILD)/.bpf-flags
BPF_FLAGS_NOW := $(CLANG) $(BPF_CFLAGS) $(LLVM_STRIP) $(BPF_STRIP_FLAGS) $(BPFTOOL)
$(eval $(call write_if_changed,$(BPF_FLAGS_STAMP),BPF_FLAGS_NOW))

all: check-deps $(addprefix $(BIN)/,$(TOOLS) $(ALIASES))

# Every build step waits for the check (order-only, so also under -j): when a
# package is missing, the output is the check's message, not compiler errors.
check-deps:
	$(Q)scripts/deps.sh check

$(BUILD)/lib $(BUILD)/tools $(BUILD)/multicall $(BIN): | check-deps
	$(Q)mkdir -p $@

$(BUILD)/syscall_names.h: scripts/gen-syscalls.sh | $(BUILD)/lib
	$(call msg,GEN,$@)
	$(Q)scripts/gen-syscalls.sh $(CC) > $@.tmp && mv $@.tmp $@

# Generated headers are built before the first compile (order-only); from then
# on the .d files say who includes them.
$(BUILD)/lib/%.o: lib/%.c $(FLAGS_STAMP) | $(BUILD)/lib $(BUILD)/syscall_names.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBBPFSCOPE): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tools/%.bpf.o: tools/%.bpf.c $(BPF_FLAGS_STAMP) | $(BUILD)/tools
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itools/$(*D) -c $< -o $@
	$(Q)$(LLVM_STRIP) $(BPF_STRIP_FLAGS) $@

# include/bpf/syscalls.bpf.h takes the syscall numbers from the generated names
# (order-only, as for lib/: then the .d files say who includes them).
$(BPF_OBJS): | $(BUILD)/syscall_names.h

$(BUILD)/tools/%.skel.h: $(BUILD)/tools/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*)_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/tools/%.o: tools/%.c $(BUILD)/tools/%.skel.h $(FLAGS_STAMP)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itools/$(*D) -I$(BUILD)/tools/$(*D) -c $< -o $@

define tool_rule
$(BIN)/$(1): $(BUILD)/tools/$(1)/$(1).o $(LIBBPFSCOPE) $(FLAGS_STAMP) | $(BIN)
	$$(call msg,LINK,$$@)
	$(Q)$$(CC) $$(LDFLAGS) $(BUILD)/tools/$(1)/$(1).o $(LIBBPFSCOPE) $$(LDLIBS) -o $$@
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))
define alias_rule
$(BIN)/$(firstword $(subst :, ,$(1))): $(BIN)/$(call alias_tool,$(1))
	$(Q)ln -sf $(call alias_tool,$(1)) $$@
endef
$(foreach p,$(ALIAS_PAIRS),$(eval $(call alias_rule,$(p))))

# The multi-call binary: every tool in one file, run as `bpfscope TOOL ARGS` or
# through a link named after the tool.  Each tool's object is copied with its
# main() renamed to bpfscope_main_<tool> (characters a C name cannot hold become
# _) and every other global symbol made local, so tools cannot clash; the
# dispatcher (tools/bpfscope.c) finds them in a table generated from TOOLS.
ifneq ($(filter bpfscope,$(TOOLS)),)
$(error tools/bpfscope/: the name of the multi-call binary cannot be a tool's)
endif
csym = bpfscope_main_$(subst -,_,$(subst .,_,$(subst +,_,$(1))))
MULTI_TABLE := $(BUILD)/multicall/bpfscope-tools.h
MULTI_OBJS := $(addprefix $(BUILD)/multicall/,$(addsuffix .o,$(TOOLS)))
define nl


endef
MULTI_TABLE_NOW := /* Generated by the Makefile from its TOOLS list. */$(nl)$(subst $(nl) ,$(nl),$(foreach \
	t,$(TOOLS),BPFSCOPE_TOOL("$(t)", $(call csym,$(t)))$(nl))$(foreach \
	p,$(ALIAS_PAIRS),BPFSCOPE_TOOL("$(firstword $(subst :, ,$(p)))", $(call csym,$(call alias_tool,$(p))))$(nl)))
$(eval $(call write_if_changed,$(MULTI_TABLE),MULTI_TABLE_NOW))

multicall: $(BIN)/bpfscope

define multicall_rule
$(BUILD)/multicall/$(1).o: $(BUILD)/tools/$(1)/$(1).o | $(BUILD)/multicall
	$$(call msg,OBJCOPY,$$@)
	$(Q)$$(OBJCOPY) --redefine-sym main=$(call csym,$(1)) \
		--keep-global-symbol=$(call csym,$(1)) $$< $$@
endef
$(foreach t,$(TOOLS),$(eval $(call multicall_rule,$(t))))

$(BUILD)/multicall/bpfscope.o: tools/bpfscope.c $(MULTI_TABLE) $(FLAGS_STAMP) | $(BUILD)/multicall
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -I$(BUILD)/multicall -c $< -o $@

$(BIN)/bpfscope: $(BUILD)/multicall/bpfscope.o $(MULTI_OBJS) $(LIBBPFSCOPE) $(FLAGS_STAMP) | $(BIN)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(BUILD)/multicall/bpfscope.o $(MULTI_OBJS) $(LIBBPFSCOPE) $(LDLIBS) -o $@

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/$(ARCH)/vmlinux.h

# `make install`: a binary per tool.  `make install-multicall`: bin/bpfscope
# and a symbolic link to it per tool.  Both install every tool's man page;
# either replaces what the other installed.  INSTALL_PROGRAM='install -s'
# strips the binaries on the way.
MAN_PAGES := $(wildcard $(addprefix man/man8/,$(addsuffix .8,$(TOOLS) $(ALIASES))))

install: all
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL_PROGRAM) $(addprefix $(BIN)/,$(TOOLS)) $(DESTDIR)$(SBINDIR)/
	$(foreach p,$(ALIAS_PAIRS),ln -sf $(call alias_tool,$(p)) $(DESTDIR)$(SBINDIR)/$(firstword $(subst :, ,$(p))) &&) true
	$(INSTALL_DATA) $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man8/

install-multicall: multicall
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL_PROGRAM) $(BIN)/bpfscope $(DESTDIR)$(SBINDIR)/
	for t in $(TOOLS) $(ALIASES); do ln -sf bpfscope $(DESTDIR)$(SBINDIR)/$$t || exit 1; done
	$(INSTALL_DATA) $(MAN_PAGES) man/man8/bpfscope.8 $(DESTDIR)$(MANDIR)/man8/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(TOOLS) $(ALIASES) bpfscope)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(addsuffix .8,$(TOOLS) $(ALIASES) bpfscope))

# Unit tests link against lib/ only, dynamically: test_syms resolves symbols in
# the shared libc it runs with.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

$(BUILD)/tests/%: tests/unit/%.c $(LIBBPFSCOPE) $(FLAGS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MF $@.d $(LDFLAGS) -Itests/unit $< $(LIBBPFSCOPE) $(DYNAMIC_LDLIBS) -o $@

test-bins: $(UNIT_BINS)

# Small static workload programs used by the tests on the host and in the VMs.
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(HELPER_SRCS))

$(BUILD)/helpers/%: tests/helpers/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 $(WARN) -O1 -g -fno-omit-frame-pointer -fno-inline -static $< -o $@ -lpthread -lz

vm-helpers: $(HELPER_BINS)

# libFuzzer targets for the parsers of files a traced process controls (ELF
# objects, debug files, perf maps), with ASan and UBSan: `make fuzz` runs each
# for FUZZ_TIME seconds (corpus kept in build/fuzz/), `make test` briefly.
# They need clang's fuzzer runtime (Debian: libclang-rt-dev, which make deps
# installs); fuzz-bins-if-possible leaves them out without it, and the test
# says so.
FUZZ_TIME ?= 600
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_LIB_SRCS := lib/ldcache.c lib/elf.c lib/symtab.c lib/untrusted.c lib/perfmap.c lib/cli.c lib/text.c
FUZZ_CFLAGS := -std=gnu11 $(WARN) -g -O1 -D_GNU_SOURCE -DBPFSCOPE_VERSION='"fuzz"' -Iinclude -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS) $(wildcard include/*.h) | check-deps
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_LIB_SRCS) -lelf -lz -o $@

fuzz-bins: $(FUZZ_BINS)

fuzz-bins-if-possible:
	$(Q)if echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return !d + !n - 2; }' | \
		$(CLANG) -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null; then \
		$(MAKE) --no-print-directory fuzz-bins; fi

fuzz: fuzz-bins vm-helpers
	$(Q)tests/fuzz/run.sh $(FUZZ_TIME)

# TOOLS tells the tests which of bin/* are tools (bin/bpfscope is not one).
test: all test-bins vm-helpers fuzz-bins-if-possible
	$(Q)TOOLS="$(TOOLS)" tests/run.sh

test-host: all test-bins vm-helpers fuzz-bins-if-possible
	$(Q)TOOLS="$(TOOLS)" tests/run.sh --host

test-vm:
	$(Q)tests/run.sh --vm

bench: all
	$(Q)bench/run.sh

format:
	clang-format -i $(wildcard lib/*.c include/*.h include/bpf/*.h tools/*.c tools/*/*.c \
		tools/*/*.h tests/unit/*.c tests/fuzz/*.c)

clean:
	rm -rf $(BUILD) $(BIN)

-include $(LIB_OBJS:.o=.d) $(TOOL_OBJS:.o=.d) $(BPF_OBJS:.o=.d) $(BUILD)/multicall/bpfscope.d \
	$(addsuffix .d,$(UNIT_BINS))

endif # not deps
