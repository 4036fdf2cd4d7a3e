# Nested end-to-end tests with real Linux guests and real memory errors
# (tests/e2e/README.md):
#   make e2e [E2E_SCENARIOS=boot,recovery,...] [E2E_TIMEOUT=s] [E2E_CPUS=n]
#   make e2e-clean      build products only; the downloaded kernel stays
# Downloads (Debian packages only) and build products live in .cache/e2e/,
# for ARCH=arm64 in .cache/e2e/arm64/ (the scripts take E2E_ARCH; $(CC) is
# then the cross compiler, so the rules below build arm64 binaries).
export E2E_ARCH := $(ARCH)
E2E_CACHE := .cache/e2e$(if $(filter-out x86,$(ARCH)),/$(ARCH))

# lkvm for L1: the objects of ./lkvm, linked statically (L1 has no libc).
$(E2E_CACHE)/lkvm.static: $(OBJS)
	@mkdir -p $(E2E_CACHE)
	$(call Q,LINK,$@)$(CC) $(LDFLAGS) -static -o $@ $(OBJS) $(LDLIBS)

# make check-kvm without a usable /dev/kvm here, or with LKVM_TEST_KVM=l1:
# tests/integration/run.sh runs in L1 (tests/e2e/integration-l1.sh) and needs
# lkvm.static. LKVM_TEST_KVM=local keeps it here.
CHECK_KVM_IN_L1 := $(if $(filter l1,$(LKVM_TEST_KVM)),1,$(if $(filter local,$(LKVM_TEST_KVM)),,$(shell [ -r /dev/kvm ] && [ -w /dev/kvm ] || echo 1)))
check-kvm: $(if $(CHECK_KVM_IN_L1),$(E2E_CACHE)/lkvm.static)

# The L2 side of the memory-error scenarios.
$(E2E_CACHE)/memtest: tests/e2e/memtest.c
	@mkdir -p $(E2E_CACHE)
	$(call Q,CC,$@)$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

# The cost of the KVM calls on lkvm's memory-error path, measured in L1
# (the latency scenario's baseline).
$(E2E_CACHE)/kvmcost: tests/e2e/kvmcost.c
	@mkdir -p $(E2E_CACHE)
	$(call Q,CC,$@)$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

# The arch's test guests for L1's /l2/ (arm/build.mk: E2E_GUESTS).
# kvmcost measures x86 calls (KVM_X86_SET_MCE, MSRs): x86 only.
E2E_KVMCOST := $(if $(filter x86,$(ARCH)),$(E2E_CACHE)/kvmcost)
# A cross build's unit tests (static) for L1: the seccomp scenario runs their
# seccomp suite there, on a real kernel of the arch (qemu-user cannot).
E2E_UNIT := $(if $(CROSS),$(B)/unit-tests)
e2e: $(LKVM) $(E2E_CACHE)/lkvm.static $(E2E_CACHE)/memtest $(E2E_KVMCOST) $(E2E_GUESTS) $(E2E_UNIT)
	E2E_GUESTS="$(E2E_GUESTS)" E2E_UNIT="$(E2E_UNIT)" ./tests/e2e/run.sh

# lkvm and QEMU booting the same Linux guest in the nested bed (bench/boot.sh;
# ARCH=arm64: lkvm against qemu-system-aarch64 -M virt in the arm64 bed).
bench-boot: $(LKVM) $(E2E_CACHE)/lkvm.static
	./bench/boot.sh

e2e-clean:
	rm -rf $(E2E_CACHE)/lkvm.static $(E2E_CACHE)/memtest $(E2E_CACHE)/kvmcost $(E2E_CACHE)/l1-root \
		$(E2E_CACHE)/l2-root $(E2E_CACHE)/integration-l1-root $(E2E_CACHE)/*.cpio $(E2E_CACHE)/*.log

# virtio-blk from L2: lkvm against QEMU (pc, microvm) on the same image (bench/io.sh).
$(E2E_CACHE)/iotest: bench/iotest.c
	@mkdir -p $(E2E_CACHE)
	$(call Q,CC,$@)$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<
# lkvm sandbox -- true against QEMU with virtme-ng's arguments (bench/sandbox.sh; x86).
bench-sandbox: $(LKVM) $(E2E_CACHE)/lkvm.static
	./bench/sandbox.sh

bench-io: $(LKVM) $(E2E_CACHE)/lkvm.static $(E2E_CACHE)/iotest
	./bench/io.sh

# virtio-9p from L2: lkvm against QEMU (pc, microvm) on the same tree (bench/9p.sh).
$(E2E_CACHE)/fstest: bench/fstest.c
	@mkdir -p $(E2E_CACHE)
	$(call Q,CC,$@)$(CC) -static -O2 -Wall -Wextra -Werror -Wno-unused-parameter -o $@ $<
bench-9p: $(LKVM) $(E2E_CACHE)/lkvm.static $(E2E_CACHE)/fstest
	./bench/9p.sh

# virtio-net from L2: lkvm -n mode=user against QEMU on the same passt and on
# slirp (bench/net.sh; x86).
$(E2E_CACHE)/nettest: bench/nettest.c
	@mkdir -p $(E2E_CACHE)
	$(call Q,CC,$@)$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<
bench-net: $(LKVM) $(E2E_CACHE)/lkvm.static $(E2E_CACHE)/nettest
	./bench/net.sh

# What CI leaves out to stay within its time (.ci/run): the boot benchmark on
# all three architectures, the virtio-blk and virtio-net ones, ~20 min with 3 rounds,
# then one table of every lkvm/peer ratio with its spread (bench/summary.sh).
ci-bench:
	BENCH_RUNS=$${BENCH_RUNS:-3} $(MAKE) bench-boot ARCH=x86
	BENCH_RUNS=$${BENCH_RUNS:-3} $(MAKE) bench-boot ARCH=arm64
	BENCH_RUNS=$${BENCH_RUNS:-3} $(MAKE) bench-boot ARCH=powerpc
	$(MAKE) bench-io ARCH=x86
	$(MAKE) bench-net ARCH=x86
	./bench/summary.sh

.PHONY: e2e e2e-clean bench-boot bench-io bench-9p bench-net bench-sandbox ci-bench
