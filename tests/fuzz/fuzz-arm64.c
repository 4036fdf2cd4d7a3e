// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the arm64 build's pure parsers, compiled natively.
 * Input [0] picks one; the rest is its input:
 *   0  the Image header (arm_image_parse): a kernel file is untrusted;
 *      what it accepts must hold the whole file at a page-aligned
 *      text_offset below 2 MiB
 *   1  --serror-iss values (serror_iss_parse): a string from the user
 *   2  the device tree writer (arm_fdt_build) with every field of its
 *      description, the command line and the buffer size from the input;
 *      every tree it says it wrote must pass libfdt's full check, and
 *      read back (/chosen bootargs) as given
 */
#include <stdlib.h>
#include <string.h>

#include "devtree.h"
#include "fuzz-fdt.h"
#include "image.h"
#include "serror.h"

static void fuzz_fdt(const uint8_t *p, size_t n)
{
	static uint8_t fdt[64 * 1024];
	struct virtio_mmio_info vio[VIRTIO_MMIO_MAX];
	struct arm_fdt_desc d = { 0 };
	char args[256];
	size_t size;

	d.nr_cpus = (unsigned int)take(&p, &n, 2) % 600;
	d.ram_base = take(&p, &n, 8);
	d.ram_size = take(&p, &n, 8);
	d.gic = (enum arm_irqchip)(take(&p, &n, 1) % 3);
	d.gic_dist = take(&p, &n, 8);
	d.gic_redist = take(&p, &n, 8);
	d.gic_redist_size = take(&p, &n, 8);
	d.gic_cpui = take(&p, &n, 8);
	d.uart_base = take(&p, &n, 8);
	d.uart_intid = (unsigned int)take(&p, &n, 4);
	d.initrd_start = take(&p, &n, 8);
	d.initrd_size = take(&p, &n, 8);
	d.pmu = take(&p, &n, 1) & 1;
	d.nr_virtio = take_virtio(&p, &n, vio);
	d.virtio = vio;
	size = 64 + take(&p, &n, 2) % (sizeof(fdt) - 64);
	d.bootargs = take_args(p, n, args, sizeof(args));
	if (!arm_fdt_build(&d, fdt, size))
		fdt_read_back(fdt, size, d.bootargs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct arm_image img;
	char err[256], s[64];
	uint32_t iss;

	if (!n)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (!arm_image_parse(data + 1, n - 1, &img, err, sizeof(err)) &&
		    (img.image_size < n - 1 || (img.text_offset & 0xfff) || img.text_offset >= 0x200000))
			abort();
		break;
	case 1:
		memcpy(s, data + 1, n - 1 < sizeof(s) - 1 ? n - 1 : sizeof(s) - 1);
		s[n - 1 < sizeof(s) - 1 ? n - 1 : sizeof(s) - 1] = '\0';
		if (!serror_iss_parse(s, &iss, err, sizeof(err)) && serror_iss_check(iss, err, sizeof(err)))
			abort();	/* parsed means usable */
		(void)serror_iss_severity(iss);
		break;
	default:
		fuzz_fdt(data + 1, n - 1);
	}
	return 0;
}
