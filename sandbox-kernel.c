// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox's kernel and its modules: the host's own kernel when -k is
 * not given, its release read from the image, and the modules a stock
 * distribution kernel needs, in load order, from modules.dep.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/sandbox.h"
#include "lkvm/util.h"

/* What the init needs: the virtio-mmio bus, the 9p root, the overlay, the ports. */
const char *const sandbox_modules[] = {
	"virtio_mmio", "virtio_console", "9pnet_virtio", "9p", "overlay",
};
const size_t sandbox_nr_modules = ARRAY_SIZE(sandbox_modules);

/* A release is a word of printable characters that starts with a digit. */
static int kver_copy(const uint8_t *s, size_t avail, char *out, size_t outlen)
{
	size_t n = 0;

	if (!avail || s[0] < '0' || s[0] > '9')
		return -1;
	while (n < avail && s[n] > 0x20 && s[n] < 0x7f)
		n++;
	if (n + 1 > outlen || n > 64)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int kver_from_image(const uint8_t *img, size_t len, char *out, size_t outlen)
{
	static const char banner[] = "Linux version ";
	const size_t bl = sizeof(banner) - 1;

	/* bzImage: "HdrS" at 0x202, kernel_version (u16 at 0x20e) + 0x200 points at the string. */
	if (len > 0x210 && !memcmp(img + 0x202, "HdrS", 4)) {
		size_t off = (size_t)(img[0x20e] | (img[0x20f] << 8)) + 0x200;

		if (off > 0x200 && off < len && !kver_copy(img + off, len - off, out, outlen))
			return 0;
	}
	for (size_t i = 0; len >= bl && i <= len - bl; i++) {
		const uint8_t *p = memchr(img + i, 'L', len - bl - i + 1);

		if (!p)
			break;
		i = (size_t)(p - img);
		if (!memcmp(p, banner, bl) &&
		    !kver_copy(p + bl, len - i - bl, out, outlen))
			return 0;
	}
	return -1;
}

int sandbox_kernel_default(const char *release, char *out, size_t outlen)
{
	/* Each: a directory, the release between prefix and suffix. */
	static const char *const fmt[][2] = {
		{ "/boot/vmlinuz-", "" }, { "/boot/bzImage-", "" }, { "/boot/Image-", "" },
		{ "/boot/vmlinux-", "" }, { "/lib/modules/", "/vmlinuz" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fmt); i++) {
		int n = snprintf(out, outlen, "%s%s%s", fmt[i][0], release, fmt[i][1]);

		if (n > 0 && (size_t)n < outlen && !access(out, R_OK))
			return 0;
	}
	return -1;
}

/* A module's name from its path: the base name without .ko[.xz|.zst|.gz], '-' as '_'. */
static void kmod_name(const char *path, size_t len, char *name, size_t n)
{
	const char *base = path, *dot;
	size_t k, m;

	for (k = 0; k < len; k++)
		if (path[k] == '/')
			base = path + k + 1;
	m = (size_t)(path + len - base);
	dot = memmem(base, m, ".ko", 3);
	if (dot)
		m = (size_t)(dot - base);
	if (m + 1 > n)
		m = n - 1;
	for (k = 0; k < m; k++)
		name[k] = base[k] == '-' ? '_' : base[k];
	name[m] = '\0';
}

/* The line of modules.dep for the module called name: its start, or NULL. */
static const char *kmod_dep_line(const char *dep, size_t len, const char *name, size_t *linelen)
{
	const char *p = dep, *end = dep + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(eol - p));

		if (colon) {
			char got[64];

			kmod_name(p, (size_t)(colon - p), got, sizeof(got));
			if (!strcmp(got, name)) {
				*linelen = (size_t)(eol - p);
				return p;
			}
		}
		p = eol + 1;
	}
	return NULL;
}

static bool kmod_builtin(const char *builtin, size_t len, const char *name)
{
	const char *p = builtin, *end;

	if (!builtin)
		return false;
	end = builtin + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		char got[64];

		kmod_name(p, (size_t)(eol - p), got, sizeof(got));
		if (!strcmp(got, name))
			return true;
		p = eol + 1;
	}
	return false;
}

static bool kmod_planned(const struct kmod_plan *p, const char *path, size_t len)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (strlen(p->path[i]) == len && !memcmp(p->path[i], path, len))
			return true;
	return false;
}

struct kmod_ctx {
	const char *dep, *builtin;
	size_t dep_len, builtin_len;
	struct kmod_plan *p;
	char *err;
	size_t errlen;
};

/* Plan name: its dependencies (each with theirs) first, then itself. */
static int kmod_add(struct kmod_ctx *k, const char *name, int depth)
{
	const char *line, *colon, *q, *eol;
	size_t linelen;
	char dname[64];

	if (kmod_builtin(k->builtin, k->builtin_len, name))
		return 0;
	line = kmod_dep_line(k->dep, k->dep_len, name, &linelen);
	if (!line) {
		snprintf(k->err, k->errlen, "sandbox: kernel module '%s' is neither in modules.dep nor built in (modules.builtin): give its modules directory with --modules DIR",
			 name);
		return -1;
	}
	colon = memchr(line, ':', linelen);
	eol = line + linelen;
	if (kmod_planned(k->p, line, (size_t)(colon - line)))
		return 0;
	if (depth > 16) {
		snprintf(k->err, k->errlen, "sandbox: modules.dep: dependencies of '%s' nest too deep", name);
		return -1;
	}
	for (q = colon + 1; q < eol; ) {
		const char *w;

		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		w = q;
		while (q < eol && *q != ' ' && *q != '\t')
			q++;
		if (q == w)
			continue;
		kmod_name(w, (size_t)(q - w), dname, sizeof(dname));
		if (kmod_add(k, dname, depth + 1))
			return -1;
	}
	if (k->p->n >= KMOD_PLAN_MAX || (size_t)(colon - line) >= sizeof(k->p->path[0])) {
		snprintf(k->err, k->errlen, "sandbox: modules.dep: too many modules or a path too long for '%s'", name);
		return -1;
	}
	memcpy(k->p->path[k->p->n], line, (size_t)(colon - line));
	k->p->path[k->p->n][colon - line] = '\0';
	k->p->n++;
	return 0;
}

int kmod_plan(const char *dep, size_t dep_len, const char *builtin, size_t builtin_len,
	      const char *const *wanted, size_t nwanted, struct kmod_plan *p, char *err,
	      size_t errlen)
{
	struct kmod_ctx k = { dep, builtin, dep_len, builtin ? builtin_len : 0, p, err, errlen };

	p->n = 0;
	for (size_t i = 0; i < nwanted; i++) {
		char name[64];

		kmod_name(wanted[i], strlen(wanted[i]), name, sizeof(name));
		if (kmod_add(&k, name, 0))
			return -1;
	}
	return 0;
}
