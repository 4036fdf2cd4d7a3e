/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of the kvm-unit-tests-style test guest (flat.c) share. */
#ifndef LKVM_TEST_FLAT_H
#define LKVM_TEST_FLAT_H

#include <stdint.h>

#define FLAT_UART	((volatile uint8_t *)0x1000000)

void flat_puts(const char *s);
void flat_hex(uint64_t v);
/* flat-sve.c: bootargs "cpufeat": SVE and pointer-authentication state across exits. */
void flat_cpufeat(void);
/* flat-its.c: bootargs "its": an LPI through the ITS; 0 when it was taken. */
int flat_its(uint64_t gicd, uint64_t gicr, uint64_t its);

#endif
