// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_EXIT_PAPR_HCALL: the hcalls KVM leaves to user space. The vty
 * console, RTAS, the radix process table, interrupt endianness, and with
 * --ras-test-port lkvm's test hcall; every other hcall gets H_FUNCTION
 * (Linux copes: they are optional).
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "hcall.h"
#include "lkvm/ras-drill.h"
#include "lkvm/term.h"
#include "lkvm/util.h"
#include "ppc.h"
#include "rtas.h"

static void ppc_rtas_display(void *o, uint8_t c)
{
	(void)o;
	term_write(&c, 1);
}

static void ppc_rtas_power_off(void *o)
{
	struct vcpu *v = o;

	vm_request_stop(v->vm, LKVM_EXIT_OK, lkvm_debug ? "guest powered off (RTAS power-off)" : NULL);
}

static void ppc_rtas_reboot(void *o)
{
	struct vcpu *v = o;

	vm_request_stop(v->vm, LKVM_RESET, NULL);
}

static void ppc_rtas_os_term(void *o, const char *msg)
{
	struct vcpu *v = o;

	vm_request_stop(v->vm, LKVM_EXIT_GUEST_CRASH, "vCPU %u: the guest terminated (RTAS ibm,os-term): %s",
			v->id, msg);
}

static int ppc_rtas_nmi_register(void *o, uint64_t sreset, uint64_t mce)
{
	return ppc_fwnmi_register(o, sreset, mce);
}

static void ppc_rtas_nmi_interlock(void *o)
{
	ppc_fwnmi_interlock(o);
}

static time_t ppc_rtas_now(void *o)
{
	(void)o;
	return time(NULL);
}

static long ppc_h_rtas(struct vcpu *v, uint64_t args)
{
	struct ppc_vm *p = ppc_vm(v->vm);
	struct rtas_env env = {
		.mem = &v->vm->mem,
		.nr_cpus = v->vm->nr_vcpus,
		.opaque = v,
		.display = ppc_rtas_display,
		.power_off = ppc_rtas_power_off,
		.reboot = ppc_rtas_reboot,
		.os_term = ppc_rtas_os_term,
		.nmi_register = ppc_rtas_nmi_register,
		.nmi_interlock = ppc_rtas_nmi_interlock,
		.now = ppc_rtas_now,
		.tod_offset = &p->tod_offset,
	};

	return rtas_call(&env, args);
}

static long ppc_h_set_mode(struct vcpu *v, const uint64_t *a)
{
	struct ppc_vm *p = ppc_vm(v->vm);

	switch (a[1]) {
	case H_SET_MODE_RESOURCE_LE:
		if (a[2])
			return H_P3;
		if (a[3])
			return H_P4;
		/* Every vCPU starts with LPCR[ILE] set: little-endian is all lkvm does. */
		if (a[0] == H_SET_MODE_ENDIAN_LITTLE) {
			p->ile = true;
			return H_SUCCESS;
		}
		return H_UNSUPPORTED_FLAG;
	case H_SET_MODE_RESOURCE_ADDR_TRANS_MODE:
		return H_P2;	/* Linux: "relocation on exceptions not supported" */
	default:
		return H_P2;
	}
}

static long ppc_h_register_proc_tbl(struct vcpu *v, const uint64_t *a)
{
	struct kvm_ppc_mmuv3_cfg cfg;
	uint64_t flags = 0, table = 0;
	long rc = hcall_proc_tbl(&v->vm->mem, a[0], a[1], a[2], a[3], &flags, &table);

	if (rc != H_SUCCESS)
		return rc;
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = flags;
	cfg.process_table = table;
	if (ioctl(v->vm->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg) < 0) {
		pr_err("vCPU %u: KVM_PPC_CONFIGURE_V3_MMU (radix, table 0x%llx) failed: %m", v->id,
		       (unsigned long long)table);
		return H_HARDWARE;
	}
	return H_SUCCESS;
}

enum arch_exit ppc_hcall_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint64_t *a = run->papr_hcall.args;
	uint8_t buf[16];
	size_t n;
	long rc;

	switch (run->papr_hcall.nr) {
	case H_PUT_TERM_CHAR:
		rc = hcall_put_term(a[0], a[1], a[2], a[3], buf, &n);
		if (rc == H_SUCCESS && n)
			term_write(buf, n);
		break;
	case H_GET_TERM_CHAR:
		if (a[0] != PPC_VTY_REG) {
			rc = H_PARAMETER;
			break;
		}
		n = ppc_console_take(ppc_vm(v->vm), buf, sizeof(buf));
		a[0] = n;
		hcall_pack_term(buf, n, &a[1], &a[2]);
		rc = H_SUCCESS;
		break;
	case H_RTAS:
		rc = ppc_h_rtas(v, a[0]);
		break;
	case H_SET_MODE:
		rc = ppc_h_set_mode(v, a);
		break;
	case H_REGISTER_PROC_TBL:
		rc = ppc_h_register_proc_tbl(v, a);
		break;
	case H_LKVM_RAS_TEST:
		if (v->vm->opts->ras_test_port) {
			rc = ras_drill_test_request(v, a[0], (enum ras_test_cmd)a[1]) ?
			     H_PARAMETER : H_SUCCESS;
			break;
		}
		/* without --ras-test-port it does not exist */
		__attribute__((fallthrough));
	default:
		if (lkvm_debug)
			pr_debug("vCPU %u: hcall 0x%llx not implemented (H_FUNCTION)", v->id,
				 (unsigned long long)run->papr_hcall.nr);
		rc = H_FUNCTION;
		break;
	}
	run->papr_hcall.ret = (uint64_t)rc;
	return vm_stopping(v->vm) ? ARCH_EXIT_STOP : ARCH_EXIT_CONTINUE;
}
