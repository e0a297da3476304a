/* SPDX-License-Identifier: MIT */
/*
 * Devices. Each is shaped like a QEMU device model: its register state, a
 * read handler, a write handler, a reset, and the interrupt line it drives.
 * A scenario's timeline acts on them with hw_dev_action().
 *
 * Kinds:
 *  HW_DEV_SCRIPT  a device whose interrupts the scenario scripts; its status
 *                 register tells a driver whether an interrupt is its own.
 *  HW_DEV_HPET    an HPET-like timer block (platform device at mmio_base).
 *  HW_DEV_UART    a 16550-like UART whose output goes to the trace.
 *  HW_DEV_BLOCK   a block device with a DMA descriptor ring in RAM.
 *  HW_DEV_EDU     QEMU's `edu` PCI device (docs/specs/edu.rst in QEMU), with
 *                 its register layout, so one scenario runs on the
 *                 simulator and under QEMU (metal/).
 *
 * Interrupt modes: level and edge drive a pin of the IOAPIC or the PLIC
 * (wired-OR with other devices on the pin); MSI sends the message of an MSI
 * source. A PCI device's level line also honours the command register's
 * interrupt-disable bit and shows in the status register's interrupt bit.
 */
#ifndef HWMODEL_DEV_H
#define HWMODEL_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hw_machine;
struct hw_dev;

enum hw_dev_kind {
	HW_DEV_SCRIPT = 1,
	HW_DEV_HPET = 2,
	HW_DEV_UART = 3,
	HW_DEV_BLOCK = 4,
	HW_DEV_EDU = 5,
};
enum hw_irq_mode { HW_IRQ_LEVEL = 0, HW_IRQ_EDGE = 1, HW_IRQ_MSI = 2, HW_IRQ_NONE = 3 };
enum hw_status_mode { HW_STATUS_W1C = 0, HW_STATUS_CLEAR_ON_READ = 1 };

struct hw_dev_desc {
	int kind;            /* enum hw_dev_kind; an int so unknown kinds can be rejected */
	const char *name;    /* unique, <= 31 chars; NULL gives "<kind><index>" */
	/* PCI function, or a platform device when !pci. */
	bool pci;
	uint8_t bus, slot, fn;
	uint16_t vendor, device; /* 0: the kind's defaults */
	/* BAR0 (PCI) or the fixed window (platform). Size 0: the kind's
	 * default. PCI BARs must be a power of two, aligned, in the MMIO hole. */
	uint64_t mmio_base, mmio_size;
	bool no_firmware_init; /* PCI: leave the command register 0 (firmware enables memory + bus master) */
	/* Interrupt output. */
	int irq_mode;        /* enum hw_irq_mode */
	unsigned irq_ctrl;   /* level/edge: controller index (IOAPIC or PLIC) */
	unsigned irq_pin;    /* level/edge: pin; MSI: MSI source index */
	bool active_low;     /* the wire is active-low (PCI INTx are) */
	/* Optional initial route, as firmware or the scenario sets it up:
	 * vector 0 leaves the pin unrouted (and masked); else 32..255. The
	 * pin stays masked either way: unmasking is the kernel's job. */
	unsigned vector;
	unsigned cpu;
	/* HW_DEV_SCRIPT */
	int status_mode;     /* enum hw_status_mode */
	bool reset_spurious; /* every reset leaves the interrupt asserted */
	/* HW_DEV_BLOCK */
	uint64_t disk_bytes;    /* 0: 1 MiB; multiple of 512 */
	uint64_t latency_ns;    /* per request, before completion; 0: 10000 */
	uint32_t ps_per_byte;   /* transfer time per byte, picoseconds (0: none) */
	/* HW_DEV_HPET */
	unsigned hpet_timers;   /* 1..8, 0: 3 */
	uint32_t hpet_route_cap; /* IOAPIC pins each timer may use; 0: pins 20..23 */
};

/* Add a device. Validates everything (kind, pins, vectors, PCI address
 * clash, BAR overlap with RAM, fixed windows and other BARs) and on error
 * returns a negative hw_err and a one-line reason in err. */
int hw_machine_add_device(struct hw_machine *m, const struct hw_dev_desc *desc, char *err,
			  size_t errlen);

unsigned hw_dev_count(const struct hw_machine *m);
struct hw_dev *hw_dev_get(struct hw_machine *m, unsigned index);
struct hw_dev *hw_dev_find(struct hw_machine *m, const char *name);
const char *hw_dev_name(const struct hw_dev *d);
unsigned hw_dev_index(const struct hw_dev *d);
enum hw_dev_kind hw_dev_kind(const struct hw_dev *d);
/* Current MMIO window (BAR0 may have been moved by software). */
void hw_dev_window(const struct hw_dev *d, uint64_t *base, uint64_t *size);
/* Whether the device's interrupt condition is active (its "it was me"). */
bool hw_dev_irq_active(const struct hw_dev *d);
/* When software first cleared set bits of the device's interrupt status
 * (a write-1-to-clear, or reading a clear-on-read status) since the last
 * call, or HW_TIME_NEVER; the call starts a new period. Script, block and
 * edu devices report clears (edu: a write to its acknowledge register that
 * clears set bits); the others never do. An observer's hook (the
 * runtime judges interrupt latency by it): reading registers through it
 * would change a clear-on-read device. */
uint64_t hw_dev_take_status_clear(struct hw_dev *d);

/* Scripted actions, callable from a scenario timeline. */
enum hw_dev_action {
	HW_ACT_ASSERT = 1,   /* raise the interrupt condition (status bit set; arg: data) */
	HW_ACT_DEASSERT = 2, /* withdraw it (status bit cleared) */
	HW_ACT_PULSE = 3,    /* one edge: asserted and withdrawn at the same instant */
	HW_ACT_RESET = 4,    /* device reset; arg 1 leaves a spurious assertion */
	HW_ACT_COMPLETE = 5, /* finish outstanding work now (block: in-flight request; UART: arg = received byte) */
	HW_ACT_RAISE = 6,    /* edu: write arg to the interrupt raise register (0x60) */
};
/* Names as a scenario file spells them ("script", "hpet", "uart", "block",
 * "edu"; "assert", "deassert", "pulse", "reset", "complete", "raise"): the
 * enum value, or
 * HW_EINVAL for an unknown name. */
int hw_dev_kind_lookup(const char *name);
int hw_dev_action_lookup(const char *name);
const char *hw_dev_kind_name(int kind); /* NULL for an unknown kind */

/* HW_EINVAL for an action the kind does not support. */
int hw_dev_action(struct hw_machine *m, struct hw_dev *d, uint64_t now, enum hw_dev_action act,
		  uint64_t arg);
int hw_dev_action_by_name(struct hw_machine *m, const char *name, uint64_t now,
			  enum hw_dev_action act, uint64_t arg);

/* Register access relative to the device window (what hw_mmio_* call). */
uint64_t hw_dev_read(struct hw_machine *m, struct hw_dev *d, uint64_t now, uint64_t off,
		     unsigned size);
void hw_dev_write(struct hw_machine *m, struct hw_dev *d, uint64_t now, uint64_t off,
		  unsigned size, uint64_t val);

/* HW_DEV_SCRIPT registers. */
#define HW_SCRIPT_STATUS 0x00 /* bit 0: interrupt is mine (clear-on-read or W1C) */
#define HW_SCRIPT_CONTROL 0x04 /* bit 0: interrupt enable (reset value 1) */
#define HW_SCRIPT_COUNT 0x08  /* assertions since reset (read-only) */
#define HW_SCRIPT_DATA 0x0c   /* the last assertion's data word */
#define HW_SCRIPT_STATUS_IRQ 1u

/* HW_DEV_HPET registers (IA-PC HPET specification 1.0a, 2.3). */
#define HW_HPET_CAP 0x000
#define HW_HPET_CONFIG 0x010
#define HW_HPET_ISR 0x020
#define HW_HPET_COUNTER 0x0f0
#define HW_HPET_TIMER(n) (0x100 + 0x20 * (n)) /* config; +8 comparator */
#define HW_HPET_CFG_ENABLE (1u << 0)
#define HW_HPET_TN_LEVEL (1u << 1)
#define HW_HPET_TN_ENABLE (1u << 2)
#define HW_HPET_TN_PERIODIC (1u << 3)
#define HW_HPET_TN_SETVAL (1u << 6)
#define HW_HPET_TN_32BIT (1u << 8)
#define HW_HPET_TN_ROUTE_SHIFT 9
#define HW_HPET_PERIOD_FS 100000000ull /* 10 MHz: 100 ns per tick */

/* HW_DEV_UART registers (16550, one byte each). */
#define HW_UART_RBR_THR 0
#define HW_UART_IER 1
#define HW_UART_IIR 2
#define HW_UART_LCR 3
#define HW_UART_MCR 4 /* bit 3 OUT2 gates the interrupt line, as on PCs */
#define HW_UART_LSR 5
#define HW_UART_SCR 7
/* Everything the UART transmitted so far (tests, scenario expectations). */
const char *hw_uart_output(const struct hw_dev *d, size_t *len);

/* HW_DEV_BLOCK registers (32-bit). */
#define HW_BLK_STATUS 0x00   /* bit 0: completion pending (W1C) */
#define HW_BLK_CONTROL 0x04  /* bit 0: interrupt enable */
#define HW_BLK_RING_LO 0x08  /* descriptor ring physical address */
#define HW_BLK_RING_HI 0x0c
#define HW_BLK_RING_SIZE 0x10 /* entries, power of two <= 4096 */
#define HW_BLK_HEAD 0x14     /* producer index (driver writes: doorbell) */
#define HW_BLK_TAIL 0x18     /* consumer index (device, read-only) */
#define HW_BLK_CAPACITY 0x1c /* sectors (read-only) */
#define HW_BLK_SECTOR 512u
/* A descriptor in RAM: 32 bytes, little-endian. */
struct hw_blk_desc {
	uint64_t sector;
	uint64_t buf_pa;
	uint32_t len;    /* bytes, multiple of 512 */
	uint32_t op;     /* HW_BLK_OP_* */
	uint32_t status; /* written by the device: HW_BLK_ST_* */
	uint32_t reserved;
};
#define HW_BLK_OP_READ 0  /* disk -> memory */
#define HW_BLK_OP_WRITE 1 /* memory -> disk */
#define HW_BLK_ST_OK 0
#define HW_BLK_ST_ERROR 1   /* bad op, sector or length */
#define HW_BLK_ST_DMA 2     /* DMA fault (outside RAM, bus master off) */
#define HW_BLK_ST_PENDING 0xff
/* The disk's contents (tests). */
uint8_t *hw_block_disk(struct hw_dev *d, uint64_t *bytes);

/* HW_DEV_EDU registers (QEMU's hw/misc/edu.c). BAR0 is 1 MiB by default, a
 * PCI function 1234:11e8, revision 0x10. Offsets below 0x80 take 4-byte
 * accesses only, the DMA registers 4 or 8; any other access reads all-ones
 * and writes nothing. INTx is a level line, asserted while the interrupt
 * status is non-zero; on an MSI source each raise that leaves the status
 * non-zero sends one message, if the driver enabled MSI in the capability
 * (else it is dropped: the simulated edu has no INTx wire then). Needs PCI;
 * an edge line is refused (QEMU's INTx is level). */
#define HW_EDU_ID 0x00          /* RO: 0x010000ed (version 1.0) */
#define HW_EDU_LIVENESS 0x04    /* RW: reads back the inverse of what was written */
#define HW_EDU_FACTORIAL 0x08   /* RW: write n, read n! once status bit 0 clears */
#define HW_EDU_STATUS 0x20      /* RW: bit 0 computing (RO), bit 7 raise 0x1 when done */
#define HW_EDU_IRQ_STATUS 0x24  /* RO: the bits raised and not yet acknowledged */
#define HW_EDU_IRQ_RAISE 0x60   /* WO: status |= value, and interrupt */
#define HW_EDU_IRQ_ACK 0x64     /* WO: status &= ~value; INTx drops when it reaches 0 */
#define HW_EDU_DMA_SRC 0x80     /* RW, 64-bit */
#define HW_EDU_DMA_DST 0x88
#define HW_EDU_DMA_COUNT 0x90
#define HW_EDU_DMA_CMD 0x98     /* bit 0 start/busy, bit 1 to RAM, bit 2 raise 0x100 */
#define HW_EDU_ID_VALUE 0x010000edu
#define HW_EDU_STATUS_COMPUTING 0x01u
#define HW_EDU_STATUS_IRQFACT 0x80u
#define HW_EDU_IRQ_FACT 0x001u  /* raised when a factorial is done (with IRQFACT) */
#define HW_EDU_IRQ_DMA 0x100u   /* raised when a DMA is done (with DMA_CMD_IRQ) */
#define HW_EDU_DMA_CMD_RUN 0x1u
#define HW_EDU_DMA_CMD_TO_RAM 0x2u
#define HW_EDU_DMA_CMD_IRQ 0x4u
#define HW_EDU_DMA_BUF 0x40000u /* the device's 4 KiB buffer, as DMA addresses see it */
#define HW_EDU_DMA_BUF_SIZE 4096u
#define HW_EDU_DMA_MASK ((1ull << 28) - 1) /* QEMU's default dma_mask */
#define HW_EDU_FACT_NS 1000ull        /* a factorial takes 1 us of virtual time */
#define HW_EDU_DMA_NS 100000000ull    /* a DMA 100 ms (QEMU's timer) */

#endif /* HWMODEL_DEV_H */
