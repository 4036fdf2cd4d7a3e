// SPDX-License-Identifier: GPL-2.0
/* RTAS calls (rtas.h): argument checks and the services lkvm implements. */
#include <endian.h>
#include <string.h>
#include <time.h>

#include "ppc.h"
#include "rtas.h"
#include "lkvm/util.h"

enum {
	TOK_DISPLAY_CHARACTER = RTAS_TOKEN_BASE,
	TOK_GET_TIME_OF_DAY,
	TOK_SET_TIME_OF_DAY,
	TOK_POWER_OFF,
	TOK_SYSTEM_REBOOT,
	TOK_NMI_REGISTER,
	TOK_NMI_INTERLOCK,
	TOK_OS_TERM,
	TOK_QUERY_CPU_STOPPED,
	/* KVM's in-kernel XICS (KVM_PPC_RTAS_DEFINE_TOKEN) */
	TOK_SET_XIVE = RTAS_TOKEN_BASE + 0x10,
	TOK_GET_XIVE,
	TOK_INT_OFF,
	TOK_INT_ON,
};

const struct rtas_service rtas_services[] = {
	{ "display-character", TOK_DISPLAY_CHARACTER, 1, 1 },
	{ "get-time-of-day", TOK_GET_TIME_OF_DAY, 0, 8 },
	{ "set-time-of-day", TOK_SET_TIME_OF_DAY, 7, 1 },
	{ "power-off", TOK_POWER_OFF, 2, 1 },
	{ "system-reboot", TOK_SYSTEM_REBOOT, 0, 1 },
	{ "ibm,nmi-register", TOK_NMI_REGISTER, 2, 1 },
	{ "ibm,nmi-interlock", TOK_NMI_INTERLOCK, 0, 1 },
	{ "ibm,os-term", TOK_OS_TERM, 1, 1 },
	{ "query-cpu-stopped-state", TOK_QUERY_CPU_STOPPED, 1, 2 },
	{ "ibm,set-xive", TOK_SET_XIVE, -1, -1 },
	{ "ibm,get-xive", TOK_GET_XIVE, -1, -1 },
	{ "ibm,int-off", TOK_INT_OFF, -1, -1 },
	{ "ibm,int-on", TOK_INT_ON, -1, -1 },
};
const size_t rtas_nr_services = ARRAY_SIZE(rtas_services);

static void rtas_tod(const struct rtas_env *env, uint32_t *rets)
{
	time_t t = env->now(env->opaque) + (time_t)*env->tod_offset;
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
		return;
	}
	rets[0] = RTAS_OUT_SUCCESS;
	rets[1] = (uint32_t)tm.tm_year + 1900;
	rets[2] = (uint32_t)tm.tm_mon + 1;
	rets[3] = (uint32_t)tm.tm_mday;
	rets[4] = (uint32_t)tm.tm_hour;
	rets[5] = (uint32_t)tm.tm_min;
	rets[6] = (uint32_t)tm.tm_sec;
	rets[7] = 0;
}

static int32_t rtas_set_tod(const struct rtas_env *env, const uint32_t *a)
{
	struct tm tm;
	time_t t;

	if (a[0] < 1970 || a[0] > 9999 || a[1] < 1 || a[1] > 12 || a[2] < 1 || a[2] > 31 ||
	    a[3] > 23 || a[4] > 59 || a[5] > 60 || a[6] > 999999999)
		return RTAS_OUT_PARAM_ERROR;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)a[0] - 1900;
	tm.tm_mon = (int)a[1] - 1;
	tm.tm_mday = (int)a[2];
	tm.tm_hour = (int)a[3];
	tm.tm_min = (int)a[4];
	tm.tm_sec = (int)a[5];
	t = timegm(&tm);
	if (t == (time_t)-1)
		return RTAS_OUT_PARAM_ERROR;
	*env->tod_offset = (int64_t)t - (int64_t)env->now(env->opaque);
	return RTAS_OUT_SUCCESS;
}

static bool rtas_handler_ok(const struct rtas_env *env, uint64_t addr)
{
	/* Real-mode code the guest owns: in RAM, below 32 MiB, word aligned. */
	return !(addr & 3) && addr < PPC_FWNMI_LIMIT && mem_gpa_to_hva(env->mem, addr, 4);
}

static int32_t rtas_os_term(const struct rtas_env *env, uint64_t gpa)
{
	char msg[256];
	size_t n;

	/* As much of the string as RAM holds, at most 255 bytes. */
	for (n = sizeof(msg) - 1; n && !mem_gpa_to_hva(env->mem, gpa, n); n /= 2)
		;
	if (!n || mem_read(env->mem, gpa, msg, n, "RTAS ibm,os-term"))
		n = 0;
	msg[n] = 0;
	for (size_t i = 0; i < n && msg[i]; i++)
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] > 0x7e)
			msg[i] = '?';
	env->os_term(env->opaque, msg);
	return RTAS_OUT_SUCCESS;
}

static void rtas_dispatch(const struct rtas_env *env, uint32_t token, const uint32_t *a,
			  uint32_t *rets)
{
	switch (token) {
	case TOK_DISPLAY_CHARACTER:
		env->display(env->opaque, (uint8_t)a[0]);
		rets[0] = RTAS_OUT_SUCCESS;
		break;
	case TOK_GET_TIME_OF_DAY:
		rtas_tod(env, rets);
		break;
	case TOK_SET_TIME_OF_DAY:
		rets[0] = (uint32_t)rtas_set_tod(env, a);
		break;
	case TOK_POWER_OFF:
		rets[0] = RTAS_OUT_SUCCESS;
		env->power_off(env->opaque);
		break;
	case TOK_SYSTEM_REBOOT:
		rets[0] = RTAS_OUT_SUCCESS;
		env->reboot(env->opaque);
		break;
	case TOK_NMI_REGISTER:
		if (!rtas_handler_ok(env, a[0]) || !rtas_handler_ok(env, a[1]))
			rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		else if (env->nmi_register(env->opaque, a[0], a[1]))
			rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
		else
			rets[0] = RTAS_OUT_SUCCESS;
		break;
	case TOK_NMI_INTERLOCK:
		env->nmi_interlock(env->opaque);
		rets[0] = RTAS_OUT_SUCCESS;
		break;
	case TOK_OS_TERM:
		rets[0] = (uint32_t)rtas_os_term(env, a[0]);
		break;
	case TOK_QUERY_CPU_STOPPED:
		if (a[0] >= env->nr_cpus) {
			rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		} else {
			rets[0] = RTAS_OUT_SUCCESS;
			rets[1] = RTAS_CPU_RUNNING;	/* every vCPU starts running */
		}
		break;
	default:
		rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		break;
	}
}

static const struct rtas_service *rtas_find(uint32_t token)
{
	for (size_t i = 0; i < rtas_nr_services; i++)
		if (rtas_services[i].token == token)
			return &rtas_services[i];
	return NULL;
}

long rtas_call(const struct rtas_env *env, uint64_t args_gpa)
{
	uint32_t hdr[3], w[RTAS_MAX_WORDS], a[RTAS_MAX_WORDS], rets[RTAS_MAX_WORDS];
	uint32_t token, nargs, nret;
	const struct rtas_service *s;
	size_t bytes;

	if (args_gpa > UINT64_MAX - sizeof(hdr) ||
	    mem_read(env->mem, args_gpa, hdr, sizeof(hdr), "RTAS arguments"))
		return H_PARAMETER;
	token = be32toh(hdr[0]);
	nargs = be32toh(hdr[1]);
	nret = be32toh(hdr[2]);
	if (nargs > RTAS_MAX_WORDS || nret > RTAS_MAX_WORDS || nargs + nret > RTAS_MAX_WORDS)
		return H_PARAMETER;
	bytes = (nargs + nret) * sizeof(uint32_t);
	if (bytes && mem_read(env->mem, args_gpa + sizeof(hdr), w, bytes, "RTAS arguments"))
		return H_PARAMETER;
	if (!nret)
		return H_SUCCESS;	/* nowhere to say anything: ignored */
	memset(a, 0, sizeof(a));
	memset(rets, 0, sizeof(rets));
	for (uint32_t i = 0; i < nargs; i++)
		a[i] = be32toh(w[i]);
	s = rtas_find(token);
	if (!s || s->nargs < 0 || (uint32_t)s->nargs != nargs || (uint32_t)s->nret != nret)
		rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
	else
		rtas_dispatch(env, token, a, rets);
	for (uint32_t i = 0; i < nret; i++)
		w[i] = htobe32(rets[i]);
	if (mem_write(env->mem, args_gpa + sizeof(hdr) + nargs * sizeof(uint32_t), w,
		      nret * sizeof(uint32_t), "RTAS results"))
		return H_PARAMETER;
	return H_SUCCESS;
}
