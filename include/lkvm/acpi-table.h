/* SPDX-License-Identifier: GPL-2.0 */
/* What every architecture's ACPI tables share: header, checksum, GAS, RSDP, DSDT devices. */
#ifndef LKVM_ACPI_TABLE_H
#define LKVM_ACPI_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_HDR_SIZE		36
#define ACPI_RSDP_V1_SIZE	20		/* what the first checksum covers */
#define ACPI_RSDP_SIZE		36
#define ACPI_TABLE_ALIGN	16

/* Generic Address Structure address spaces and access sizes. */
#define ACPI_GAS_MEMORY		0
#define ACPI_GAS_SYSTEM_IO	1
#define ACPI_GAS_SIZE		12
#define ACPI_ACCESS_BYTE	1
#define ACPI_ACCESS_WORD	2
#define ACPI_ACCESS_QWORD	4

/* The byte that makes the n bytes at p sum to zero. */
uint8_t acpi_checksum(const uint8_t *p, size_t n);
/*
 * The common header of a table at t ("LKVM" OEM and creator ids), its
 * checksum left 0: acpi_table_seal() once the body is written.
 */
void acpi_table_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev);
/* Set the checksum of the table at t over its length field's bytes. */
void acpi_table_seal(uint8_t *t);
/* Generic Address Structure at p: space, bit width, access size, address. */
void acpi_gas(uint8_t *p, uint8_t space, uint8_t bits, uint8_t access, uint64_t addr);
/* An ACPI 2.0 RSDP at t (ACPI_RSDP_SIZE bytes) with both checksums; rsdt may be 0. */
void acpi_rsdp(uint8_t *t, uint32_t rsdt, uint64_t xsdt);
/* Little-endian stores into a table. */
void acpi_put16(uint8_t *p, uint16_t v);
void acpi_put32(uint8_t *p, uint32_t v);
void acpi_put64(uint8_t *p, uint64_t v);

/*
 * acpi-aml.c: Scope (\_SB) { Device ... } for the registry devices an ACPI
 * guest must be told of, in registry order, starting at devices
 * (vm->devices):
 * - DEV_KIND_VIRTIO_MMIO: Device (VRnn) { _HID "LNRO0005", _UID n, _CRS
 *   { Memory32Fixed, Interrupt (level, active high) } }, as QEMU's microvm
 *   machine has them (Debian kernels have no virtio_mmio.device=);
 * - DEV_KIND_UART on DEV_BUS_MMIO: Device (COMn) { _HID "PNP0501", ...
 *   the same _CRS } for 8250_pnp (x86's port-I/O UART is found without).
 * The Interrupt is the device's line as the arch numbers it (x86 GSI,
 * arm64 INTID). Returns the bytes written to buf (0 for no such device),
 * or -1 when buf is too small, there are more than VIRTIO_MMIO_MAX
 * transports or 4 UARTs, or a device does not fit the 32-bit descriptors.
 */
struct device;
long acpi_devices_aml(const struct device *devices, uint8_t *buf, size_t size);

#endif
