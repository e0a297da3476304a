/* SPDX-License-Identifier: MIT */
/*
 * console.c: the COM1 serial console (16550 at 0x3f8) and a small printf.
 * Lines from several CPUs are kept whole by a console lock.
 */
#include <stdarg.h>

#include "metal.h"

#define COM1 0x3f8

static uk_spinlock_t console_lock;

void console_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xC7); /* FIFO */
	outb(COM1 + 4, 0x03);
}

static void console_putc(char c)
{
	if (c == '\n')
		console_putc('\r');
	while (!(inb(COM1 + 5) & 0x20))
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

static void put_str(const char *s)
{
	while (*s)
		console_putc(*s++);
}

static void put_num(uint64_t v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;
	do {
		unsigned d = (unsigned)(v % base);
		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	while (n < width--)
		console_putc(pad);
	while (n)
		console_putc(buf[--n]);
}

/* %s %c %d %u %x %p with l/ll and a zero-padded width. */
static void vkprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			console_putc(*fmt);
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0, lng = 0;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			lng++, fmt++;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			put_str(s ? s : "(null)");
			break;
		}
		case 'c':
			console_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (v < 0) {
				console_putc('-');
				v = -v;
			}
			put_num((uint64_t)v, 10, width, pad);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad);
			break;
		case 'p':
			put_str("0x");
			put_num((uint64_t)va_arg(ap, void *), 16, 16, '0');
			break;
		case '%':
			console_putc('%');
			break;
		default:
			console_putc('?');
			break;
		}
	}
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	bool en = (read_flags() & 0x200) != 0;
	cli();
	lock_raw(&console_lock);
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	unlock_raw(&console_lock);
	if (en)
		sti();
}

void console_write(const char *s, size_t n)
{
	bool en = (read_flags() & 0x200) != 0;
	cli();
	lock_raw(&console_lock);
	while (n--)
		console_putc(*s++);
	unlock_raw(&console_lock);
	if (en)
		sti();
}

/* Leave QEMU through isa-debug-exit (iobase 0xf4): QEMU exits with
 * (code << 1) | 1, which scripts/qemu-run.sh maps back to `code`. */
_Noreturn void metal_exit(unsigned code)
{
	cli();
	outl(0xf4, code);
	for (;;)
		__asm__ volatile("hlt");
}
