/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_SUITES_H
#define LKVM_TESTS_UNIT_SUITES_H

#include <check.h>
#include <stdbool.h>

/* Core suites: one per file in tests/unit/, all run by main.c. */
Suite *mem_suite(void);
Suite *mem_load_suite(void);
Suite *run_opts_suite(void);
Suite *ras_policy_suite(void);
Suite *ras_event_suite(void);
Suite *io_bus_suite(void);
Suite *file_suite(void);
Suite *elf_suite(void);
Suite *ras_route_suite(void);
Suite *ras_door_suite(void);
Suite *ras_record_suite(void);
Suite *ras_handler_suite(void);
Suite *ras_log_suite(void);
Suite *virtio_queue_suite(void);
Suite *virtio_opts_suite(void);
Suite *irq_path_suite(void);
Suite *seccomp_suite(void);
Suite *p9_wire_suite(void);
Suite *p9_path_suite(void);
Suite *p9_ops_suite(void);
Suite *devices_suite(void);
Suite *uart_suite(void);
Suite *term_suite(void);
Suite *guest_log_suite(void);
Suite *virtio_9p_suite(void);
Suite *virtio_blk_suite(void);
Suite *acpi_aml_suite(void);
Suite *sandbox_suite(void);
Suite *vport_proto_suite(void);
Suite *virtio_ports_suite(void);
Suite *net_frame_suite(void);
Suite *virtio_net_suite(void);
Suite *net_backend_suite(void);

/*
 * Under qemu-user (a cross build's run, LKVM_UNIT_EMULATED set): print
 * "SKIP test: why" and return true, so a test qemu-user cannot run says so
 * instead of passing silently.
 */
bool skip_emulated(const char *test, const char *why);

/*
 * A VM with no KVM for device tests (test-devices.c): the registry's window
 * at 0xd0000000 (16 KiB, lines 16-18), no RAM (the caller adds its own).
 */
struct vm;
void test_vm_init(struct vm *v);

/* `lkvm run --help` as run_opts_usage() prints it (test-run-opts.c); free() it. */
char *run_help_text(void);

/* The architecture's suites (tests/unit/ARCH/suites.c). */
void arch_add_suites(SRunner *sr);

#endif
