// SPDX-License-Identifier: GPL-2.0
/* The arm64 Image header: where the kernel goes and how much room it needs. */
#include <stdio.h>
#include <string.h>

#include "image.h"

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define fail(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int arm_image_parse(const uint8_t *buf, size_t n, struct arm_image *img, char *err, size_t errlen)
{
	uint64_t flags;

	memset(img, 0, sizeof(*img));
	if (n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		fail("gzip-compressed kernel: lkvm boots an uncompressed arm64 Image; unpack it with 'gunzip -c FILE > Image' (Debian's vmlinuz on arm64 is already uncompressed)");
	if (n >= 4 && !memcmp(buf, "\177ELF", 4))
		fail("ELF kernel: lkvm boots an arm64 Image (arch/arm64/boot/Image), not vmlinux");
	if (n == 0)
		fail("empty kernel file");
	if (n < ARM_IMAGE_HDR_SIZE || le32(buf + 56) != ARM_IMAGE_MAGIC) {
		/* No header: a raw binary entered at its first byte, as kvmtool loads it. */
		img->text_offset = ARM_IMAGE_DEFAULT_TEXT;
		img->image_size = n;
		return 0;
	}
	img->has_header = true;
	img->text_offset = le64(buf + 8);
	img->image_size = le64(buf + 16);
	flags = le64(buf + 24);
	if (flags & 1)
		fail("big-endian arm64 kernel: lkvm runs little-endian guests only");
	if (!img->image_size) {
		/* Before Linux 3.17: image_size 0, text_offset 0x80000 assumed. */
		img->text_offset = ARM_IMAGE_DEFAULT_TEXT;
		img->image_size = n;
	}
	if (img->text_offset & 0xfff || img->text_offset >= 0x200000)
		fail("kernel header: text_offset 0x%llx is not a page-aligned offset below 2 MiB",
		     (unsigned long long)img->text_offset);
	if (img->image_size < n)
		img->image_size = n;	/* the file's bytes must fit whatever it says */
	if (img->image_size > (1ULL << 36))
		fail("kernel header: image_size 0x%llx is not a real kernel's",
		     (unsigned long long)img->image_size);
	return 0;
}
