/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_IMAGE_H
#define LKVM_ARM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The arm64 Linux Image header (Documentation/arch/arm64/booting.rst): 64
 * bytes at the start of the file, little-endian.
 */
#define ARM_IMAGE_MAGIC		0x644d5241u	/* "ARM\x64" at offset 56 */
#define ARM_IMAGE_HDR_SIZE	64
#define ARM_IMAGE_DEFAULT_TEXT	0x80000ULL	/* text_offset of old kernels, and raw images */

struct arm_image {
	uint64_t text_offset;	/* load at a 2 MiB aligned base + this */
	uint64_t image_size;	/* bytes from the load address the kernel uses (>= file) */
	bool has_header;	/* false: a raw binary (kvm-unit-tests' .flat), loaded like kvmtool does */
};

/*
 * Check an Image and say where it goes. Returns 0, or -1 with one line for
 * the user in err (gzip-compressed, big-endian, a header that lies).
 */
int arm_image_parse(const uint8_t *buf, size_t n, struct arm_image *img, char *err, size_t errlen);

#endif
