// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A UART, on any bus: port I/O on x86 (0x3f8), MMIO elsewhere (arm64
 * at 0x1000000, as kvmtool places it); one byte per register. Transmit is
 * always ready: bytes go straight to the console, so the transmitter-empty
 * interrupt is pending whenever it is enabled. Its receive FIFO holds 64
 * bytes, and it says so the way a TI16750 does (IIR bit 5 after FCR bit 5
 * written with DLAB set): Linux's autoconfiguration (x86; arm64 with ACPI,
 * where the DSDT names a PNP0501) then stops there, where for a plain
 * 16550A it measures the FIFO by looping 256 bytes back: ~400 exits and a
 * 20 ms delay at every boot.
 */
#include <pthread.h>
#include <stdlib.h>

#include "hw/uart.h"
#include "lkvm/devices.h"
#include "lkvm/irqfd.h"
#include "lkvm/term.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#define UART_RX_FIFO	64

enum { RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR };

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_MSI		0x08
#define IIR_NONE	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_MSI		0x00
#define IIR_FIFO	0xc0
#define IIR_FIFO64	0x20	/* TI16750: 64-byte FIFO mode on */
#define FCR_FIFO64	0x20	/* TI16750: writable only with LCR.DLAB set */
#define LCR_DLAB	0x80
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define LSR_DR		0x01
#define LSR_BI		0x10
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

struct uart {
	struct vm *vm;
	struct device dev;
	struct dev_irq irq;
	pthread_mutex_t lock;
	int irq_level;
	bool console;		/* the terminal's input comes here */
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm, msr_delta;
	bool fifo64;		/* FCR bit 5 was last written with DLAB set */
	bool thr_pending;
	uint8_t rx[UART_RX_FIFO];
	bool rx_brk[UART_RX_FIFO];	/* this byte is a break (LSR.BI with it) */
	unsigned int rx_head, rx_count;
};

static uint8_t uart_iir(struct uart *u)
{
	uint8_t fifo = (u->fcr & 1) ? IIR_FIFO | (u->fifo64 ? IIR_FIFO64 : 0) : 0;

	if ((u->ier & IER_RDI) && u->rx_count)
		return IIR_RDI | fifo;
	if ((u->ier & IER_THRI) && u->thr_pending)
		return IIR_THRI | fifo;
	if ((u->ier & IER_MSI) && u->msr_delta)
		return IIR_MSI | fifo;
	return IIR_NONE | fifo;
}

static void uart_update_irq(struct uart *u)
{
	int level = !(uart_iir(u) & IIR_NONE);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->dev.irq != DEV_NO_IRQ)
		dev_irq_set(u->vm, &u->irq, level);
}

static void uart_rx_push(struct uart *u, uint8_t c, bool brk)
{
	if (u->rx_count < UART_RX_FIFO) {
		unsigned int i = (u->rx_head + u->rx_count) % UART_RX_FIFO;

		u->rx[i] = c;
		u->rx_brk[i] = brk;
		u->rx_count++;
	}
}

static uint8_t uart_msr(struct uart *u)
{
	uint8_t m;

	if (!(u->mcr & MCR_LOOP))
		return 0xb0;	/* DCD DSR CTS: a terminal is always there */
	m = (u->mcr & MCR_RTS ? 0x10 : 0) | (u->mcr & MCR_DTR ? 0x20 : 0) |
	    (u->mcr & MCR_OUT1 ? 0x40 : 0) | (u->mcr & MCR_OUT2 ? 0x80 : 0);
	return m;
}

static uint8_t uart_read(struct uart *u, unsigned int reg)
{
	uint8_t v = 0;

	switch (reg) {
	case RBR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_RX_FIFO;
			u->rx_count--;
		}
		return v;
	case IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case IIR:
		v = uart_iir(u);
		if ((v & 0x0f) == IIR_THRI)
			u->thr_pending = false;	/* reading IIR acknowledges THRE */
		return v;
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0) |
		       (u->rx_count && u->rx_brk[u->rx_head] ? LSR_BI : 0);
	case MSR:
		u->msr_delta = 0;
		return uart_msr(u);
	default:
		return u->scr;
	}
}

static void uart_write(struct uart *u, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case RBR:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
		} else if (u->mcr & MCR_LOOP) {
			uart_rx_push(u, v, false);
			u->thr_pending = true;
		} else {
			term_write(&v, 1);
			u->thr_pending = true;
		}
		break;
	case IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
		} else {
			if ((v & IER_THRI) && !(u->ier & IER_THRI))
				u->thr_pending = true;
			u->ier = v & 0x0f;
		}
		break;
	case IIR:
		u->fcr = v;
		u->fifo64 = (u->lcr & LCR_DLAB) && (v & FCR_FIFO64);
		if (v & 0x02) {		/* clear receive FIFO */
			u->rx_count = 0;
			u->rx_head = 0;
		}
		break;
	case LCR:
		u->lcr = v;
		break;
	case MCR:
		if ((v ^ u->mcr) & 0x0f)
			u->msr_delta = 1;
		u->mcr = v & 0x1f;
		break;
	case SCR:
		u->scr = v;
		break;
	default:
		break;	/* LSR, MSR are read-only */
	}
}

static void uart_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		    bool is_write, void *opaque)
{
	struct uart *u = opaque;

	(void)v;
	pthread_mutex_lock(&u->lock);
	if (is_write)
		uart_write(u, (unsigned int)off, data[0]);
	else
		io_data_put(data, len, uart_read(u, (unsigned int)off));
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

static void uart_console_input(void *opaque, const uint8_t *buf, size_t n)
{
	struct uart *u = opaque;

	pthread_mutex_lock(&u->lock);
	for (size_t i = 0; i < n; i++)
		uart_rx_push(u, buf[i], false);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

/* The free room in the receive FIFO: console input waits for it (term_pump). */
static size_t uart_console_room(void *opaque)
{
	struct uart *u = opaque;
	size_t room;

	pthread_mutex_lock(&u->lock);
	room = UART_RX_FIFO - u->rx_count;
	pthread_mutex_unlock(&u->lock);
	return room;
}

/* A break arrives as a NUL with LSR.BI, in order with the other input. */
static void uart_console_break(void *opaque)
{
	struct uart *u = opaque;

	pthread_mutex_lock(&u->lock);
	uart_rx_push(u, 0, true);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

static int uart_start(struct vm *vm, struct device *d)
{
	struct uart *u = d->opaque;

	if (d->irq != DEV_NO_IRQ)
		dev_irq_start(vm, &u->irq, false, &u->lock);
	return 0;
}

static void uart_destroy(struct vm *vm, struct device *d)
{
	struct uart *u = d->opaque;

	if (u->console) {
		term_set_input(NULL, NULL);
		term_set_break(NULL);
	}
	dev_irq_exit(vm, &u->irq);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

static size_t uart_stats(const struct device *d, char *buf, size_t n)
{
	const struct uart *u = d->opaque;

	return d->irq == DEV_NO_IRQ ? 0 : dev_irq_stats(d->name, &u->irq, buf, n);
}

int uart_create(struct vm *vm, enum dev_bus bus, uint64_t base, int irq,
		enum arch_irq_trigger trig, bool console)
{
	struct uart *u = calloc(1, sizeof(*u));

	if (!u)
		return -1;
	u->vm = vm;
	u->mcr = MCR_OUT2;
	pthread_mutex_init(&u->lock, NULL);
	dev_irq_line(&u->irq, irq == DEV_NO_IRQ ? 0 : (unsigned int)irq, trig);
	u->dev = (struct device){
		.name = "uart", .kind = DEV_KIND_UART, .bus = bus, .base = base, .len = UART_LEN,
		.irq = irq, .io = uart_io, .opaque = u,
		.start = uart_start, .destroy = uart_destroy, .stats = uart_stats,
	};
	if (device_register(vm, &u->dev)) {
		pthread_mutex_destroy(&u->lock);
		free(u);
		return -1;
	}
	u->console = console;
	if (console) {
		term_set_input(uart_console_input, u);
		term_set_room(uart_console_room);
		term_set_break(uart_console_break);
	}
	return 0;
}
