// SPDX-License-Identifier: GPL-2.0
/*
 * Test only (the e2e bed), not in the help: `--test-vport NAME,IN,OUT`
 * puts a named virtio-console port on files, IN read into the guest and
 * OUT (created, truncated) taking the guest's bytes; "-" for none. The
 * sandbox's own ports come through virtio_ports_add() (virtio-ports.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/virtio-devs.h"
#include "hw/virtio-ports.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static int open_side(const char *path, size_t len, bool out)
{
	char p[1024];

	if (len == 1 && path[0] == '-')
		return -1;
	snprintf(p, sizeof(p), "%.*s", (int)MIN(len, sizeof(p) - 1), path);
	return out ? open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) :
		     open(p, O_RDONLY | O_CLOEXEC);
}

int virtio_ports_test_create(struct vm *vm)
{
	const struct run_opts *o = vm->opts;
	struct vport_spec s[RUN_MAX_TEST_VPORTS];
	char names[RUN_MAX_TEST_VPORTS][VPORT_NAME_MAX + 1];
	unsigned int n = 0;
	int ret = LKVM_EXIT_USAGE;

	for (; n < o->nr_test_vports; n++) {
		const char *a = o->test_vports[n], *c1 = strchr(a, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;

		s[n] = (struct vport_spec){ .name = names[n], .in_fd = -1, .out_fd = -1 };
		if (!c2 || c2 == c1 + 1 || !c2[1] || (size_t)(c1 - a) > VPORT_NAME_MAX) {
			pr_err("invalid --test-vport '%s': give NAME,IN,OUT ('-': none)", a);
			goto out;
		}
		snprintf(names[n], sizeof(names[n]), "%.*s", (int)(c1 - a), a);
		s[n].in_fd = open_side(c1 + 1, (size_t)(c2 - c1 - 1), false);
		s[n].out_fd = open_side(c2 + 1, strlen(c2 + 1), true);
		if ((s[n].in_fd < 0 && strncmp(c1, ",-,", 3)) || (s[n].out_fd < 0 && strcmp(c2, ",-"))) {
			pr_err("--test-vport '%s': %s", a, strerror(errno));
			n++;
			goto out;
		}
	}
	ret = virtio_ports_add(vm, s, n, NULL, NULL);
out:
	for (unsigned int i = 0; i < n; i++) {
		if (s[i].in_fd >= 0)
			close(s[i].in_fd);
		if (s[i].out_fd >= 0)
			close(s[i].out_fd);
	}
	return ret;
}
