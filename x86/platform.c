// SPDX-License-Identifier: GPL-2.0
/*
 * Small x86 platform ports: debug exit (0xf4), the ACPI PM1a event and
 * control blocks (0x600, 0x604: power off, S3), keyboard-controller reset
 * (0x64), the POST port (0x80), and the test-only memory-error request
 * port (0xe0-0xe8).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "lkvm/ras-drill.h"
#include "lkvm/util.h"
#include "x86.h"

#define DEBUG_EXIT_PORT	0xf4
#define I8042_DATA	0x60
#define I8042_CMD	0x64
#define I8042_RESET	0xfe
#define POST_PORT	0x80
#define RAS_TEST_PORT	0xe0

static void debug_exit_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
			  bool is_write, void *opaque)
{
	uint64_t code;

	(void)off;
	(void)opaque;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	code = io_data_get(data, len);
	vm_request_stop(v->vm, (int)(((code << 1) | 1) & 0xff),
			lkvm_debug ? "guest wrote %llu to the debug-exit port" : NULL,
			(unsigned long long)code);
}

/*
 * PM1a event block: status (0x600) has only WAK_STS, set when the guest
 * wakes from S3 and cleared by writing it 1, as nothing raises an ACPI
 * event; enable (0x602) keeps what the guest writes, since ACPICA reads
 * an enable bit back to see that it stuck (the global lock, the RTC).
 */
static uint8_t pm1_enable[2];
static uint8_t pm1_wak;		/* WAK_STS, bit 15: status byte 1, bit 7 */

void x86_pm1_wake(void)
{
	__atomic_store_n(&pm1_wak, ACPI_PM1_WAK_STS >> 8, __ATOMIC_RELAXED);
}

static void pm_evt_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		      bool is_write, void *opaque)
{
	unsigned int i;

	(void)v;
	(void)opaque;
	for (i = 0; i < len; i++) {
		uint64_t reg = off + i;	/* byte of the block: status 0-1, enable 2-3 */
		uint8_t *en = reg >= 2 && reg < 4 ? &pm1_enable[reg - 2] : NULL;

		if (!is_write)
			data[i] = en ? __atomic_load_n(en, __ATOMIC_RELAXED) :
				  reg == 1 ? __atomic_load_n(&pm1_wak, __ATOMIC_RELAXED) : 0;
		else if (en)
			__atomic_store_n(en, data[i], __ATOMIC_RELAXED);
		else if (reg == 1 && (data[i] & (ACPI_PM1_WAK_STS >> 8)))
			__atomic_store_n(&pm1_wak, 0, __ATOMIC_RELAXED);	/* write 1 to clear */
	}
}

/*
 * PM1a control: SLP_EN with SLP_TYP 1 (\_S3_) suspends to RAM
 * (x86/sleep.c); with any other SLP_TYP it powers off (\_S5_, and the
 * built-in guest writes SLP_EN alone). Reads show SCI_EN: with SMI_CMD 0
 * the machine is always in ACPI mode.
 */
static void pm_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		  bool is_write, void *opaque)
{
	unsigned int shift = 8 * (unsigned int)off;	/* a byte access to 0x605 */
	uint64_t val;

	(void)opaque;
	if (!is_write) {
		io_data_put(data, len, ACPI_PM1_SCI_EN >> shift);
		return;
	}
	val = io_data_get(data, len) << shift;
	if (!(val & ACPI_PM1_SLP_EN))
		return;
	if (((val >> ACPI_PM1_SLP_TYP_SHIFT) & 7) == ACPI_S3_SLP_TYP)
		x86_sleep_s3(v);
	else
		vm_request_stop(v->vm, LKVM_EXIT_OK, lkvm_debug ? "guest powered off" : NULL);
}

/*
 * No keyboard controller behind the ports, only its reset line. The status
 * says "output buffer full, input buffer empty": a driver that drains the
 * output buffer (Linux's i8042_flush) gives up after a few reads and reports
 * no controller at once, instead of timing out command after command (each
 * status poll is a VM exit); the input buffer is always free, so a reset
 * command is taken without waiting. The data port reads 0xff, as with no
 * device attached.
 */
#define I8042_STR_OBF	0x01

static void i8042_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		     bool is_write, void *opaque)
{
	(void)off;
	(void)opaque;
	if (!is_write)
		memset(data, 0xff, len);
}

static void i8042_cmd_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
			 bool is_write, void *opaque)
{
	if (is_write && data[0] == I8042_RESET)
		vm_request_stop(v->vm, LKVM_RESET, NULL);
	else if (!is_write)
		io_data_put(data, len, I8042_STR_OBF);
}

static void post_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		    bool is_write, void *opaque)
{
	(void)v;
	(void)off;
	(void)opaque;
	if (!is_write)
		memset(data, 0xff, len);
}

struct ras_test_port {
	uint64_t gpa;
	int last;
};

static void ras_test_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
			bool is_write, void *opaque)
{
	struct ras_test_port *p = (struct ras_test_port *)opaque + v->id;
	uint64_t val = io_data_get(data, len);

	if (!is_write) {
		io_data_put(data, len, off == 8 ? (uint64_t)(uint32_t)p->last : 0);
		return;
	}
	if (off == 0)
		p->gpa = (p->gpa & ~0xffffffffULL) | (val & 0xffffffffULL);
	else if (off == 4)
		p->gpa = (p->gpa & 0xffffffffULL) | (val << 32);
	else if (off == 8)
		p->last = ras_drill_test_request(v, p->gpa, (enum ras_test_cmd)val);
}

int x86_platform_ports(struct vm *vm)
{
	int err = 0;

	err |= io_bus_register(&vm->pio, DEBUG_EXIT_PORT, 4, debug_exit_io, NULL, "debug-exit");
	memset(pm1_enable, 0, sizeof(pm1_enable));
	pm1_wak = 0;
	err |= io_bus_register(&vm->pio, ACPI_PM1A_EVT_PORT, ACPI_PM1A_EVT_LEN, pm_evt_io, NULL,
			       "pm1a-evt");
	err |= io_bus_register(&vm->pio, ACPI_PM1A_CNT_PORT, ACPI_PM1A_CNT_LEN, pm_io, NULL,
			       "pm1a-cnt");
	err |= io_bus_register(&vm->pio, I8042_DATA, 1, i8042_io, NULL, "i8042-data");
	err |= io_bus_register(&vm->pio, I8042_CMD, 1, i8042_cmd_io, NULL, "i8042-cmd");
	err |= io_bus_register(&vm->pio, POST_PORT, 1, post_io, NULL, "post");
	if (vm->opts->ras_test_port) {
		/* Per-VM state; the port is off unless the user asked for it. */
		static struct ras_test_port port[RUN_MAX_CPUS];	/* one per vCPU */

		err |= io_bus_register(&vm->pio, RAS_TEST_PORT, 9, ras_test_io, port,
				       "ras-test");
	}
	return err ? -1 : 0;
}
