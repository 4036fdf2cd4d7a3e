/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_EVENT_H
#define LKVM_RAS_EVENT_H

#include <stddef.h>

#include "lkvm/ras.h"

/*
 * Every memory error gives one line on stderr for people and, with
 * --ras-log, one JSON object per line for machines.
 */
int ras_event_open(const char *path);		/* returns fd or -1 */
/* Format the JSON line (no trailing newline); returns its length. */
size_t ras_event_json(char *buf, size_t n, const char *vm_name, const struct ras_error *e,
		      enum ras_action a, const char *reason, const char *detail);
void ras_event_emit(int log_fd, const char *vm_name, const struct ras_error *e,
		    enum ras_action a, const char *reason, const char *detail);

#endif
