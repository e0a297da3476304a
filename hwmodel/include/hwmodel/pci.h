/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space (type 0 headers). Functions appear when a PCI
 * device is added (hwmodel/dev.h); everything else reads all-ones, so a
 * driver enumerates buses as on hardware. Reached through configuration
 * mechanism #1 (ports 0xcf8/0xcfc, hw_pio_*) or directly with the calls
 * below.
 *
 * Modelled: vendor/device IDs, command (memory space, bus master, interrupt
 * disable), status (interrupt status, capability list), class, header type
 * with the multi-function bit, BAR0 (32-bit memory, sizing by writing
 * all-ones, relocation), interrupt line (scratch) and pin, and an MSI
 * capability whose message registers are the MSI controller's source.
 */
#ifndef HWMODEL_PCI_H
#define HWMODEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

struct hw_machine;

#define HW_PCI_VENDOR 0x00
#define HW_PCI_DEVICE 0x02
#define HW_PCI_COMMAND 0x04
#define HW_PCI_STATUS 0x06
#define HW_PCI_CLASS_REV 0x08
#define HW_PCI_HEADER_TYPE 0x0e
#define HW_PCI_BAR0 0x10
#define HW_PCI_CAP_PTR 0x34
#define HW_PCI_INT_LINE 0x3c
#define HW_PCI_INT_PIN 0x3d
#define HW_PCI_MSI_CAP 0x50 /* id 0x05; control +2, address +4/+8, data +0xc */

#define HW_PCI_CMD_MEM (1u << 1)
#define HW_PCI_CMD_MASTER (1u << 2)
#define HW_PCI_CMD_INTX_DISABLE (1u << 10)
#define HW_PCI_STATUS_INT (1u << 3)
#define HW_PCI_STATUS_CAP (1u << 4)
#define HW_PCI_MSI_ENABLE (1u << 0)

#define HW_PCI_MAX_BUS 4 /* buses 0..3 are modelled; others read all-ones */

/* Read or write `size` (1, 2, 4) bytes at `off` of bus:dev.fn. Absent
 * functions read all-ones and ignore writes. Returns HW_EINVAL for a
 * malformed address (dev > 31, fn > 7, misaligned). */
int hw_pci_cfg_read(struct hw_machine *m, unsigned bus, unsigned dev, unsigned fn, unsigned off,
		    unsigned size, uint32_t *val);
int hw_pci_cfg_write(struct hw_machine *m, uint64_t now, unsigned bus, unsigned dev, unsigned fn,
		     unsigned off, unsigned size, uint32_t val);

#endif /* HWMODEL_PCI_H */
