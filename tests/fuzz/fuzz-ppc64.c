// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the ppc64 build's pure parsers, compiled natively.
 * Input [0] picks one; the rest is its input:
 *   0  an RTAS call (rtas_call): [1..4] the argument block's address (top
 *      bit: across RAM's end; else inside the input), the rest guest RAM (two regions, apart in lkvm's memory); every call's
 *      effects are recorded by stubs and checked against the ranges the
 *      header promises (a handler in RAM below 32 MiB, word aligned)
 *   1  H_REGISTER_PROC_TBL's arguments (hcall_proc_tbl) and
 *      H_PUT_TERM_CHAR's (hcall_put_term): accepted means in RAM
 *   2  the device tree writer (ppc_fdt_build) with every field of its
 *      description, the command line and the buffer size from the input;
 *      every tree it says it wrote must pass libfdt's full check, and
 *      read back (/chosen bootargs) as given
 */
#include <stdlib.h>
#include <string.h>

#include "devtree.h"
#include "fuzz-fdt.h"
#include "hcall.h"
#include "ppc.h"
#include "rtas.h"
#include "lkvm/mem.h"

#define R0_SIZE	0x10000u
#define R1_SIZE	0x1000u

static const struct mem_map *cur_mem;

static void st_display(void *o, uint8_t c) { (void)o; (void)c; }
static void st_power_off(void *o) { (void)o; }
static void st_reboot(void *o) { (void)o; }
static void st_os_term(void *o, const char *msg)
{
	(void)o;
	if (strlen(msg) > 255)
		abort();
	for (const char *p = msg; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();	/* only printable bytes reach lkvm's log */
}
static int st_nmi_register(void *o, uint64_t sreset, uint64_t mce)
{
	(void)o;
	if ((sreset & 3) || (mce & 3) || sreset >= PPC_FWNMI_LIMIT || mce >= PPC_FWNMI_LIMIT ||
	    !mem_gpa_to_hva(cur_mem, sreset, 4) || !mem_gpa_to_hva(cur_mem, mce, 4))
		abort();
	return 0;
}
static void st_nmi_interlock(void *o) { (void)o; }
static time_t st_now(void *o) { (void)o; return 1700000000; }

static void fuzz_rtas(const uint8_t *p, size_t n)
{
	static uint8_t *r0, *r1;
	struct mem_map m = { .nr = 0 };
	int64_t tod = 0;
	struct rtas_env env = {
		.mem = &m, .nr_cpus = 4, .display = st_display, .power_off = st_power_off,
		.reboot = st_reboot, .os_term = st_os_term, .nmi_register = st_nmi_register,
		.nmi_interlock = st_nmi_interlock, .now = st_now, .tod_offset = &tod,
	};
	uint64_t gpa = take(&p, &n, 4);

	if (!r0) {
		r0 = malloc(R0_SIZE);
		r1 = malloc(R1_SIZE);
	}
	memset(r0, 0, R0_SIZE);
	memset(r1, 0, R1_SIZE);
	memcpy(r0, p, n < R0_SIZE ? n : R0_SIZE);
	if (n > R0_SIZE)
		memcpy(r1, p + R0_SIZE, n - R0_SIZE < R1_SIZE ? n - R0_SIZE : R1_SIZE);
	mem_map_add(&m, 0, R0_SIZE, r0);
	mem_map_add(&m, R0_SIZE, R1_SIZE, r1);
	cur_mem = &m;
	if (gpa & 0x80000000u)
		gpa = R0_SIZE + R1_SIZE - (gpa & 0x3f);	/* a block across RAM's end */
	else
		gpa %= n < R0_SIZE + R1_SIZE ? n + 1 : R0_SIZE + R1_SIZE;	/* where the input is */
	(void)rtas_call(&env, gpa);
}

static void fuzz_hcall(const uint8_t *p, size_t n)
{
	static uint8_t ram[R0_SIZE];
	struct mem_map m = { .nr = 0 };
	uint64_t flags = take(&p, &n, 1), base = take(&p, &n, 8), page = take(&p, &n, 1) & 1;
	uint64_t tsize = take(&p, &n, 1), cfg = 0, tbl = 0;
	uint64_t termno = take(&p, &n, 1) & 1, len = take(&p, &n, 1);
	uint8_t out[16];
	size_t got;

	mem_map_add(&m, 0, sizeof(ram), ram);
	if (hcall_proc_tbl(&m, flags, base, page, tsize, &cfg, &tbl) == H_SUCCESS &&
	    (tsize > 24 || !mem_gpa_to_hva(&m, base, 1ULL << (12 + tsize))))
		abort();
	if (hcall_put_term(termno ? PPC_VTY_REG : 0, len, take(&p, &n, 8), take(&p, &n, 8), out,
			   &got) == H_SUCCESS && got > 16)
		abort();
}

static void fuzz_fdt(const uint8_t *p, size_t n)
{
	static uint8_t fdt[64 * 1024];
	struct virtio_mmio_info vio[VIRTIO_MMIO_MAX];
	struct ppc_fdt_desc d = { 0 };
	char args[256];
	size_t size;

	d.nr_cpus = (unsigned int)take(&p, &n, 2) % 600;
	d.ram_size = take(&p, &n, 8);
	d.pvr = (uint32_t)take(&p, &n, 4);
	d.tb_freq = (uint32_t)take(&p, &n, 4);
	d.rtas_base = take(&p, &n, 8);
	d.rtas_size = take(&p, &n, 8);
	d.initrd_start = take(&p, &n, 8);
	d.initrd_size = take(&p, &n, 8);
	d.nr_virtio = take_virtio(&p, &n, vio);
	d.virtio = vio;
	size = 64 + take(&p, &n, 2) % (sizeof(fdt) - 64);
	d.bootargs = take_args(p, n, args, sizeof(args));
	if (!ppc_fdt_build(&d, fdt, size))
		fdt_read_back(fdt, size, d.bootargs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	if (!n)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_rtas(data + 1, n - 1);
		break;
	case 1:
		fuzz_hcall(data + 1, n - 1);
		break;
	default:
		fuzz_fdt(data + 1, n - 1);
	}
	return 0;
}
