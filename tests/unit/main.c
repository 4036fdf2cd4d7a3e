// SPDX-License-Identifier: GPL-2.0
/*
 * Unit-test runner: every suite in one SRunner. CK_FORK and CK_VERBOSITY
 * (and CK_RUN_SUITE / CK_RUN_CASE) from the environment are honoured.
 */
#include <stdio.h>
#include <stdlib.h>

#include "suites.h"

bool skip_emulated(const char *test, const char *why)
{
	if (!getenv("LKVM_UNIT_EMULATED"))
		return false;
	printf("SKIP %s: %s\n", test, why);
	return true;
}

int main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(mem_suite());
	srunner_add_suite(sr, run_opts_suite());
	srunner_add_suite(sr, ras_policy_suite());
	srunner_add_suite(sr, ras_event_suite());
	srunner_add_suite(sr, io_bus_suite());
	srunner_add_suite(sr, file_suite());
	srunner_add_suite(sr, elf_suite());
	srunner_add_suite(sr, ras_route_suite());
	srunner_add_suite(sr, ras_door_suite());
	srunner_add_suite(sr, ras_record_suite());
	srunner_add_suite(sr, ras_handler_suite());
	srunner_add_suite(sr, ras_log_suite());
	srunner_add_suite(sr, virtio_queue_suite());
	srunner_add_suite(sr, virtio_opts_suite());
	srunner_add_suite(sr, irq_path_suite());
	srunner_add_suite(sr, seccomp_suite());
	srunner_add_suite(sr, p9_wire_suite());
	srunner_add_suite(sr, p9_path_suite());
	srunner_add_suite(sr, p9_ops_suite());
	srunner_add_suite(sr, virtio_9p_suite());
	srunner_add_suite(sr, virtio_blk_suite());
	srunner_add_suite(sr, mem_load_suite());
	srunner_add_suite(sr, acpi_aml_suite());
	srunner_add_suite(sr, vport_proto_suite());
	srunner_add_suite(sr, virtio_ports_suite());
	srunner_add_suite(sr, net_frame_suite());
	srunner_add_suite(sr, virtio_net_suite());
	srunner_add_suite(sr, net_backend_suite());
	srunner_add_suite(sr, devices_suite());
	srunner_add_suite(sr, uart_suite());
	srunner_add_suite(sr, term_suite());
	srunner_add_suite(sr, guest_log_suite());
	srunner_add_suite(sr, sandbox_suite());
	arch_add_suites(sr);

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
