// SPDX-License-Identifier: GPL-2.0
/* ACPI table pieces shared by x86 and arm64 (lkvm/acpi-table.h). */
#include <string.h>

#include "lkvm/acpi-table.h"
#include "lkvm/io-bus.h"

uint8_t acpi_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

void acpi_put16(uint8_t *p, uint16_t v)
{
	io_data_put(p, 2, v);
}

void acpi_put32(uint8_t *p, uint32_t v)
{
	io_data_put(p, 4, v);
}

void acpi_put64(uint8_t *p, uint64_t v)
{
	io_data_put(p, 8, v);
}

void acpi_table_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	acpi_put32(t + 4, len);
	t[8] = rev;
	t[9] = 0;
	memcpy(t + 10, "LKVM  ", 6);		/* OEM id */
	memcpy(t + 16, "LKVM    ", 8);		/* OEM table id */
	acpi_put32(t + 24, 1);			/* OEM revision */
	memcpy(t + 28, "LKVM", 4);		/* creator id */
	acpi_put32(t + 32, 1);			/* creator revision */
}

void acpi_table_seal(uint8_t *t)
{
	t[9] = 0;
	t[9] = acpi_checksum(t, (size_t)io_data_get(t + 4, 4));
}

void acpi_gas(uint8_t *p, uint8_t space, uint8_t bits, uint8_t access, uint64_t addr)
{
	p[0] = space;
	p[1] = bits;
	p[2] = 0;
	p[3] = access;
	acpi_put64(p + 4, addr);
}

void acpi_rsdp(uint8_t *t, uint32_t rsdt, uint64_t xsdt)
{
	memset(t, 0, ACPI_RSDP_SIZE);
	memcpy(t, "RSD PTR ", 8);
	memcpy(t + 9, "LKVM  ", 6);
	t[15] = 2;					/* revision: ACPI 2.0+ */
	acpi_put32(t + 16, rsdt);
	acpi_put32(t + 20, ACPI_RSDP_SIZE);
	acpi_put64(t + 24, xsdt);
	/* The v1 part has its checksum, the whole its own. */
	t[8] = acpi_checksum(t, ACPI_RSDP_V1_SIZE);
	t[32] = acpi_checksum(t, ACPI_RSDP_SIZE);
}
