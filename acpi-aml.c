// SPDX-License-Identifier: GPL-2.0
/*
 * AML for the DSDT announcing MMIO devices (lkvm/acpi-table.h): Debian's
 * kernels have no CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, so under ACPI the
 * namespace is how they find the transports, as on QEMU's microvm machine,
 * and arm64's 16550 is bound by 8250_pnp through its PNP0501 id:
 *
 *   Scope (\_SB) {
 *     Device (VR00) {
 *       Name (_HID, "LNRO0005")  Name (_UID, 0)
 *       Name (_CRS, ResourceTemplate () {
 *         Memory32Fixed (ReadWrite, base, 0x200)
 *         Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { line }
 *       })
 *     } ...
 *   }
 */
#include <stdio.h>
#include <string.h>

#include "hw/virtio-mmio.h"
#include "lkvm/acpi-table.h"
#include "lkvm/devices.h"
#include "lkvm/io-bus.h"

#define AML_NAME	0x08
#define AML_BYTE	0x0a
#define AML_STRING	0x0d
#define AML_SCOPE	0x10
#define AML_BUFFER	0x11
#define AML_EXT		0x5b
#define AML_DEVICE	0x82
#define RES_MEM32_FIXED	0x86
#define RES_EXT_IRQ	0x89
#define RES_END		0x79
#define RES_LEN		(12 + 9 + 2)
#define IRQ_CONSUMER	0x01	/* level (bit 1 clear), active high (bit 2 clear), exclusive */
#define MAX_UARTS	4
#define MAX_DEVICES	(VIRTIO_MMIO_MAX + MAX_UARTS)

struct aml {
	uint8_t *p;
	size_t n, size;
	bool overflow;
};

static void emit(struct aml *a, const void *b, size_t n)
{
	if (a->n + n > a->size) {
		a->overflow = true;
		return;
	}
	memcpy(a->p + a->n, b, n);
	a->n += n;
}

static void emit1(struct aml *a, uint8_t b)
{
	emit(a, &b, 1);
}

/* PkgLength (ACPI 6.x 20.2.4) for a body of len bytes: counts itself. */
static void emit_pkglen(struct aml *a, size_t len)
{
	if (len + 1 < 0x40) {
		emit1(a, (uint8_t)(len + 1));
	} else if (len + 2 < 0x1000) {
		len += 2;
		emit1(a, (uint8_t)(0x40 | (len & 0xf)));
		emit1(a, (uint8_t)(len >> 4));
	} else {
		len += 3;
		emit1(a, (uint8_t)(0x80 | (len & 0xf)));
		emit1(a, (uint8_t)(len >> 4));
		emit1(a, (uint8_t)(len >> 12));
	}
}

static size_t pkglen_size(size_t len)
{
	return len + 1 < 0x40 ? 1 : len + 2 < 0x1000 ? 2 : 3;
}

/* The body of Device (VRnn) or (COMn), after its PkgLength; i counts each kind. */
static void emit_device_body(struct aml *a, const struct device *d, int i)
{
	uint8_t res[RES_LEN] = { RES_MEM32_FIXED, 9, 0, 1 };
	bool uart = d->kind == DEV_KIND_UART;
	char seg[5];

	snprintf(seg, sizeof(seg), uart ? "COM%u" : "VR%02X", (unsigned int)i & 0xff);
	emit(a, seg, 4);
	emit1(a, AML_NAME);
	emit(a, "_HID", 4);
	emit1(a, AML_STRING);
	emit(a, uart ? "PNP0501" : "LNRO0005", uart ? 8 : 9);
	emit1(a, AML_NAME);
	emit(a, "_UID", 4);
	emit1(a, AML_BYTE);
	emit1(a, (uint8_t)i);
	emit1(a, AML_NAME);
	emit(a, "_CRS", 4);
	io_data_put(res + 4, 4, d->base);
	io_data_put(res + 8, 4, d->len);
	res[12] = RES_EXT_IRQ;
	io_data_put(res + 13, 2, 6);
	res[15] = IRQ_CONSUMER;
	res[16] = 1;
	io_data_put(res + 17, 4, (uint32_t)d->irq);
	res[21] = RES_END;
	res[22] = 0;
	emit1(a, AML_BUFFER);
	emit_pkglen(a, 2 + RES_LEN);
	emit1(a, AML_BYTE);
	emit1(a, RES_LEN);
	emit(a, res, RES_LEN);
}

long acpi_devices_aml(const struct device *devices, uint8_t *buf, size_t size)
{
	uint8_t scratch[128] = { 0 };
	const struct device *vd[MAX_DEVICES];
	size_t dev_len[MAX_DEVICES], body = 5;	/* "\_SB_" */
	struct aml a = { buf, 0, size, false };
	int n = 0, idx[MAX_DEVICES], nr_virtio = 0, nr_uart = 0;

	for_each_device(devices, d) {
		bool uart = d->kind == DEV_KIND_UART && d->bus == DEV_BUS_MMIO;

		if (d->kind != DEV_KIND_VIRTIO_MMIO && !uart)
			continue;
		/* 32-bit Memory32Fixed, a line for the Interrupt descriptor */
		if ((uart ? nr_uart == MAX_UARTS : nr_virtio == VIRTIO_MMIO_MAX) || d->irq < 0 ||
		    d->base + d->len > UINT32_MAX + 1ULL)
			return -1;
		idx[n] = uart ? nr_uart++ : nr_virtio++;
		vd[n++] = d;
	}
	if (!n)
		return 0;
	for (int i = 0; i < n; i++) {
		struct aml s = { scratch, 0, sizeof(scratch), false };

		emit_device_body(&s, vd[i], idx[i]);
		dev_len[i] = s.n;
		body += 2 + pkglen_size(s.n) + s.n;
	}
	emit1(&a, AML_SCOPE);
	emit_pkglen(&a, body);
	emit(&a, "\\_SB_", 5);
	for (int i = 0; i < n; i++) {
		emit1(&a, AML_EXT);
		emit1(&a, AML_DEVICE);
		emit_pkglen(&a, dev_len[i]);
		emit_device_body(&a, vd[i], idx[i]);
	}
	return a.overflow ? -1 : (long)a.n;
}
