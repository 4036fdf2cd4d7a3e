// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-ports' control protocol without a device (vport-proto.c): the
 * handshake in the order Linux's virtio_console drives it, the names on
 * the wire, host EOF, refused messages (a row each: nothing changes), a
 * reset, and the port specs refused at set-up.
 */
#include <check.h>
#include <string.h>

#include "hw/vport-proto.h"
#include "lkvm/io-bus.h"
#include "suites.h"

static struct vports p;

static enum vport_ctl ctl(uint32_t id, uint16_t ev, uint16_t val, unsigned int *port)
{
	uint8_t m[VPORT_CTL_HDR];

	io_data_put(m, 4, id);
	io_data_put(m + 4, 2, ev);
	io_data_put(m + 6, 2, val);
	return vports_ctl(&p, m, sizeof(m), port);
}

/* The next owed message is (id, event, value[, name]); it is taken. */
static void expect(uint32_t id, uint16_t ev, uint16_t val, const char *name)
{
	uint8_t b[VPORT_CTL_MAX];
	size_t len = vports_peek(&p, b, sizeof(b));

	ck_assert_uint_eq(len, VPORT_CTL_HDR + (name ? strlen(name) : 0));
	ck_assert_uint_eq(io_data_get(b, 4), id);
	ck_assert_uint_eq(io_data_get(b + 4, 2), ev);
	ck_assert_uint_eq(io_data_get(b + 6, 2), val);
	if (name)
		ck_assert_int_eq(memcmp(b + VPORT_CTL_HDR, name, strlen(name)), 0);
	vports_drop(&p);
}

static void setup2(void)
{
	const struct vport_spec s[] = { { "stdout", -1, 3 }, { "in-0.x_Y", 0, -1 } };
	char err[128];

	ck_assert_int_eq(vports_init(&p, s, 2, err, sizeof(err)), 0);
}

START_TEST(test_handshake_in_order)
{
	unsigned int port = 99;
	uint8_t b[1];

	setup2();
	ck_assert_uint_eq(vports_peek(&p, b, 0), 0);	/* nothing before DEVICE_READY */
	ck_assert_int_eq(ctl(0xffffffffu, VPORT_DEVICE_READY, 1, &port), VPORT_CTL_OK);
	expect(0, VPORT_DEVICE_ADD, 1, NULL);
	expect(1, VPORT_DEVICE_ADD, 1, NULL);
	ck_assert_uint_eq(vports_peek(&p, b, 0), 0);
	ck_assert_int_eq(ctl(0xffffffffu, VPORT_DEVICE_READY, 1, &port), VPORT_CTL_OK);
	ck_assert_uint_eq(vports_peek(&p, b, 0), 0);	/* a second one adds nothing */

	ck_assert_int_eq(ctl(1, VPORT_PORT_READY, 1, &port), VPORT_CTL_OK);
	ck_assert_uint_eq(port, 1);
	expect(1, VPORT_PORT_NAME, 1, "in-0.x_Y");
	expect(1, VPORT_PORT_OPEN, 1, NULL);
	ck_assert(!vports_can_send(&p, 1));		/* the guest has not opened it */
	ck_assert_int_eq(ctl(1, VPORT_PORT_OPEN, 1, &port), VPORT_CTL_OPENED);
	ck_assert(vports_can_send(&p, 1));
	ck_assert_int_eq(ctl(1, VPORT_PORT_OPEN, 1, &port), VPORT_CTL_OK);	/* no change */
	ck_assert_int_eq(ctl(1, VPORT_PORT_OPEN, 0, &port), VPORT_CTL_CLOSED);
	ck_assert(!vports_can_send(&p, 1));

	/* PORT_READY 0: the driver failed the port; it stays silent. */
	ck_assert_int_eq(ctl(0, VPORT_PORT_READY, 0, &port), VPORT_CTL_OK);
	ck_assert_uint_eq(vports_peek(&p, b, 0), 0);
	ck_assert_int_eq(ctl(0, VPORT_PORT_OPEN, 1, &port), VPORT_CTL_STATE);
	ck_assert_int_eq(ctl(0, VPORT_PORT_READY, 1, &port), VPORT_CTL_OK);
	expect(0, VPORT_PORT_NAME, 1, "stdout");
	expect(0, VPORT_PORT_OPEN, 1, NULL);
	ck_assert_int_eq(ctl(0, VPORT_PORT_READY, 1, &port), VPORT_CTL_OK);
	ck_assert_uint_eq(vports_peek(&p, b, 0), 0);	/* repeated: nothing again */
	ck_assert_uint_eq(p.refused[VPORT_CTL_STATE], 1);
}
END_TEST

START_TEST(test_host_eof)
{
	unsigned int port;
	uint8_t b[1];

	setup2();
	ctl(0, VPORT_DEVICE_READY, 1, &port);
	ctl(0, VPORT_PORT_READY, 1, &port);
	ctl(0, VPORT_PORT_OPEN, 1, &port);
	while (vports_peek(&p, b, 0))
		vports_drop(&p);
	ck_assert(vports_can_send(&p, 0));
	vports_host_eof(&p, 0);
	expect(0, VPORT_PORT_OPEN, 0, NULL);
	ck_assert(!vports_can_send(&p, 0));
	vports_host_eof(&p, 0);				/* once */
	vports_host_eof(&p, 7);				/* no such port: nothing */
	ck_assert_uint_eq(vports_peek(&p, b, 0), 0);
	/* A reset forgets the driver, not the EOF: the port comes back closed on our side. */
	vports_reset(&p);
	ck_assert(!p.device_ready);
	ctl(0, VPORT_DEVICE_READY, 1, &port);
	expect(0, VPORT_DEVICE_ADD, 1, NULL);
	expect(1, VPORT_DEVICE_ADD, 1, NULL);
	ctl(0, VPORT_PORT_READY, 1, &port);
	expect(0, VPORT_PORT_NAME, 1, "stdout");
	ck_assert_uint_eq(vports_peek(&p, b, 0), 0);	/* no PORT_OPEN 1 */
}
END_TEST

/* A refused message per row: the result, and nothing owed or changed. */
static const struct bad_row {
	size_t len;
	uint32_t id;
	uint16_t ev, val;
	bool ready;		/* DEVICE_READY first */
	enum vport_ctl want;
} bad_rows[] = {
	{ 0, 0, 0, 0, true, VPORT_CTL_SHORT },
	{ 7, 0, VPORT_PORT_OPEN, 1, true, VPORT_CTL_SHORT },
	{ 8, 0, VPORT_DEVICE_ADD, 1, true, VPORT_CTL_EVENT },		/* the device's own */
	{ 8, 0, VPORT_PORT_NAME, 1, true, VPORT_CTL_EVENT },
	{ 8, 0, VPORT_CONSOLE_PORT, 1, true, VPORT_CTL_EVENT },
	{ 8, 0, 0xffff, 1, true, VPORT_CTL_EVENT },
	{ 8, 2, VPORT_PORT_READY, 1, true, VPORT_CTL_ID },
	{ 8, 0xffffffffu, VPORT_PORT_OPEN, 1, true, VPORT_CTL_ID },
	{ 8, VPORT_MAX, VPORT_PORT_READY, 1, true, VPORT_CTL_ID },
	{ 8, 0, VPORT_PORT_READY, 1, false, VPORT_CTL_STATE },	/* before DEVICE_READY */
	{ 8, 1, VPORT_PORT_OPEN, 1, true, VPORT_CTL_STATE },		/* before PORT_READY */
};

START_TEST(test_bad_messages)
{
	const struct bad_row *r = &bad_rows[_i];
	uint8_t m[VPORT_CTL_HDR] = { 0 }, b[1];
	unsigned int port;
	struct vports before;

	setup2();
	if (r->ready) {
		ctl(0, VPORT_DEVICE_READY, 1, &port);
		while (vports_peek(&p, b, 0))
			vports_drop(&p);
	}
	io_data_put(m, 4, r->id);
	io_data_put(m + 4, 2, r->ev);
	io_data_put(m + 6, 2, r->val);
	memcpy(&before, &p, sizeof(p));
	ck_assert_int_eq(vports_ctl(&p, m, r->len, &port), r->want);
	ck_assert(vport_ctl_bad(r->want));
	ck_assert_uint_eq(p.refused[r->want], 1);
	p.refused[r->want] = 0;
	ck_assert_int_eq(memcmp(&before, &p, sizeof(p)), 0);
	ck_assert_str_ne(vport_ctl_name(r->want), "?");
}
END_TEST

/* Port specs refused before any device exists. */
START_TEST(test_specs)
{
	char err[160], long_name[VPORT_NAME_MAX + 2];
	struct vport_spec s[VPORT_MAX + 1];

	for (unsigned int i = 0; i <= VPORT_MAX; i++)
		s[i] = (struct vport_spec){ "p", -1, -1 };
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	ck_assert_int_eq(vports_init(&p, s, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "give 1 to 8"));
	ck_assert_int_eq(vports_init(&p, s, VPORT_MAX + 1, err, sizeof(err)), -1);
	ck_assert_int_eq(vports_init(&p, s, 2, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "'p' given twice"));
	s[1].name = "a/b";
	ck_assert_int_eq(vports_init(&p, s, 2, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "port 1: name 'a/b'"));
	s[1].name = "";
	ck_assert_int_eq(vports_init(&p, s, 2, err, sizeof(err)), -1);
	s[1].name = NULL;
	ck_assert_int_eq(vports_init(&p, s, 2, err, sizeof(err)), -1);
	s[1].name = long_name;
	ck_assert_int_eq(vports_init(&p, s, 2, err, sizeof(err)), -1);
	long_name[VPORT_NAME_MAX] = '\0';
	ck_assert_int_eq(vports_init(&p, s, 2, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(p.port[1].name), VPORT_NAME_MAX);
	ck_assert(!vport_name_ok("with space"));
	ck_assert(!vport_name_ok("\xc3\xa9"));
	ck_assert(vport_name_ok("A.z_0-9"));
}
END_TEST

/* Queue numbers (virtio 1.x 5.3.2): port 0 first, then control, then ports 1... */
START_TEST(test_queue_numbers)
{
	ck_assert_uint_eq(vport_rxq(0), 0);
	ck_assert_uint_eq(vport_rxq(1), 4);
	ck_assert_uint_eq(vport_rxq(7), 16);
	ck_assert_int_eq(vport_of_queue(0), 0);
	ck_assert_int_eq(vport_of_queue(1), 0);
	ck_assert_int_eq(vport_of_queue(2), -1);
	ck_assert_int_eq(vport_of_queue(3), -1);
	ck_assert_int_eq(vport_of_queue(4), 1);
	ck_assert_int_eq(vport_of_queue(5), 1);
	ck_assert_int_eq(vport_of_queue(17), 7);
}
END_TEST

Suite *vport_proto_suite(void)
{
	Suite *s = suite_create("vport-proto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_handshake_in_order);
	tcase_add_test(tc, test_host_eof);
	tcase_add_loop_test(tc, test_bad_messages, 0, (int)(sizeof(bad_rows) / sizeof(bad_rows[0])));
	tcase_add_test(tc, test_specs);
	tcase_add_test(tc, test_queue_numbers);
	suite_add_tcase(s, tc);
	return s;
}
