# bpfscope: one build for every tool under tools/<name>/.
# A new tool folder is picked up by the wildcard below; no edit here is needed.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
CC ?= cc
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

BUILD := build
BIN := bin
TOOLS := $(sort $(patsubst tools/%/,%,$(dir $(wildcard tools/*/*.bpf.c))))
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRCS))
LIBBPFSCOPE := $(BUILD)/libbpfscope.a

WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) -D_GNU_SOURCE -Iinclude -I$(BUILD) \
	-DBPFSCOPE_VERSION='"$(VERSION)"'
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-Ivmlinux/$(ARCH) -Iinclude -I$(BUILD)

# Tools are linked statically by default: they run in minimal containers and
# where libbpf is absent, start without the dynamic loader, and keep about 1 MiB
# less resident than with the shared libc mapped.  STATIC=0 links libc, libelf
# and zlib dynamically (libbpf stays static); SANITIZE=1 implies STATIC=0.
LIBBPF_A ?= $(firstword $(wildcard /usr/lib/$(shell $(CC) -dumpmachine)/libbpf.a /usr/lib64/libbpf.a /usr/lib/libbpf.a))
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

# Rebuild everything when the flags change (e.g. SANITIZE=1 after a plain build).
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW := $(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LDLIBS)
ifneq ($(FLAGS_NOW),$(file <$(FLAGS_STAMP)))
$(shell mkdir -p $(BUILD))
$(file >$(FLAGS_STAMP),$(FLAGS_NOW))
endif

ifneq ($(V),1)
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
else
Q :=
msg =
endif

.PHONY: all deps check-deps clean install uninstall test test-host test-vm test-bins vm-helpers \
	vmlinux format bench
.DELETE_ON_ERROR:
.SECONDARY:

all: check-deps $(addprefix $(BIN)/,$(TOOLS))

check-deps:
	$(Q)scripts/deps.sh check

deps:
	$(Q)scripts/deps.sh install

$(BUILD)/lib $(BUILD)/tools $(BIN):
	$(Q)mkdir -p $@

$(BUILD)/syscall_names.h: scripts/gen-syscalls.sh | $(BUILD)/lib
	$(call msg,GEN,$@)
	$(Q)scripts/gen-syscalls.sh $(CC) > $@.tmp && mv $@.tmp $@

$(BUILD)/lib/%.o: lib/%.c $(wildcard include/*.h) $(BUILD)/syscall_names.h $(FLAGS_STAMP) | $(BUILD)/lib
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBBPFSCOPE): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tools/%.bpf.o: tools/%.bpf.c $(wildcard tools/*/*.h) $(wildcard include/bpf/*.h) | $(BUILD)/tools
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itools/$(*D) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@ # DWARF is not needed at run time; BTF stays

# include/bpf/syscalls.bpf.h takes the syscall numbers from the generated names.
$(foreach t,$(TOOLS),$(BUILD)/tools/$(t)/$(t).bpf.o): $(BUILD)/syscall_names.h

$(BUILD)/tools/%.skel.h: $(BUILD)/tools/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*)_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/tools/%.o: tools/%.c $(BUILD)/tools/%.skel.h $(wildcard tools/*/*.h) $(wildcard include/*.h) \
		$(FLAGS_STAMP)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itools/$(*D) -I$(BUILD)/tools/$(*D) -c $< -o $@

define tool_rule
$(BIN)/$(1): $(BUILD)/tools/$(1)/$(1).o $(LIBBPFSCOPE) $(FLAGS_STAMP) | $(BIN)
	$$(call msg,LINK,$$@)
	$(Q)$$(CC) $$(LDFLAGS) $(BUILD)/tools/$(1)/$(1).o $(LIBBPFSCOPE) $$(LDLIBS) -o $$@
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/$(ARCH)/vmlinux.h

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(addprefix $(BIN)/,$(TOOLS)) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(wildcard $(addprefix man/man8/,$(addsuffix .8,$(TOOLS)))) $(DESTDIR)$(MANDIR)/man8/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(TOOLS))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(addsuffix .8,$(TOOLS)))

# Unit tests link against lib/ only, dynamically: test_syms resolves symbols in
# the shared libc it runs with.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

$(BUILD)/tests/%: tests/unit/%.c $(LIBBPFSCOPE) $(wildcard tests/unit/*.h) $(FLAGS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Itests/unit $< $(LIBBPFSCOPE) $(DYNAMIC_LDLIBS) -o $@

test-bins: $(UNIT_BINS)

# Small static workload programs used by the tests on the host and in the VMs.
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(HELPER_SRCS))

$(BUILD)/helpers/%: tests/helpers/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 $(WARN) -O1 -g -fno-omit-frame-pointer -fno-inline -static $< -o $@ -lpthread

vm-helpers: $(HELPER_BINS)

test: all test-bins vm-helpers
	$(Q)tests/run.sh

test-host: all test-bins vm-helpers
	$(Q)tests/run.sh --host

test-vm:
	$(Q)tests/run.sh --vm

bench: all
	$(Q)bench/run.sh

format:
	clang-format -i $(wildcard lib/*.c include/*.h include/bpf/*.h tools/*/*.c tools/*/*.h tests/unit/*.c)

clean:
	rm -rf $(BUILD) $(BIN)
