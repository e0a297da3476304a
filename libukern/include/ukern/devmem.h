/* SPDX-License-Identifier: MIT */
/*
 * devmem.h: device memory for user programs (drivers).
 *
 * A device's register window (a PCI BAR or a platform device's MMIO region)
 * is a kernel object. The platform makes one per device and gives a handle
 * to the processes allowed to drive it (the simulator: a scenario's
 * `caps pci(D)` or `caps mmio(D)`); no call makes one from a physical
 * address, and interrupt-controller registers (LAPIC, IOAPIC, PLIC, MSI
 * doorbells) never become one. Handle rights:
 *
 *   UK_RIGHT_MAP    map the window (with READ);
 *   UK_RIGHT_READ   read mappings; read the function's PCI configuration space;
 *   UK_RIGHT_WRITE  writable mappings; write its PCI command register;
 *   UK_RIGHT_GRANT  duplicate the handle.
 *
 * The driver maps the window once into its own address space, uncached,
 * with real page-table entries, and then reads and writes registers with
 * the ordinary user-memory accessors (uk_user_read/uk_user_write; on bare
 * metal a plain load and store):
 *
 *	uk_vaddr_t regs = UK_DEVMEM_VA(0);
 *	if (uk_devmem_map(u, h, regs, UK_PROT_READ | UK_PROT_WRITE) == 0)
 *		status = uk_reg_read32(u, regs + STATUS);
 *
 * An access outside what is mapped is a page fault like any other: it
 * goes to the thread's fault handler (the accessor then returns UK_EFAULT)
 * or kills the thread. The retired calls UK_SYS_DEV_READ/WRITE (38, 39),
 * which took a physical address, return UK_EPERM.
 */
#ifndef UKERN_DEVMEM_H
#define UKERN_DEVMEM_H

#include <stdint.h>

#include <ukern/syscall.h>
#include <ukern/user.h>

#define UK_DEVMEM_NO_PCI 0xffffffffu /* the bdf of a platform (non-PCI) device */
/* The rights a device memory handle can carry. */
#define UK_DEVMEM_RIGHTS (UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP | UK_RIGHT_GRANT)

/* A conventional place for device windows in a driver's address space:
 * slot i, 1 MiB apart, below the argument area (ukern/progargs.h). The
 * kernel does not care where a window is mapped. */
#define UK_DEVMEM_VA_BASE 0x00007e0000000000ull
#define UK_DEVMEM_VA_SLOT 0x100000ull
#define UK_DEVMEM_VA(i) (UK_DEVMEM_VA_BASE + (uint64_t)(i) * UK_DEVMEM_VA_SLOT)

static inline long uk_devmem_map(struct uk_user *u, uint32_t h, uk_vaddr_t va, unsigned prot)
{
	return uk_syscall6(u, UK_SYS_DEVMEM_MAP, h, va, prot, 0, 0, 0);
}
static inline long uk_devmem_size(struct uk_user *u, uint32_t h)
{
	return uk_syscall6(u, UK_SYS_DEVMEM_INFO, h, 0, 0, 0, 0, 0);
}
static inline long uk_pci_cfg_read(struct uk_user *u, uint32_t h, unsigned off, unsigned size)
{
	return uk_syscall6(u, UK_SYS_PCI_CFG_READ, h, off, size, 0, 0, 0);
}
static inline long uk_pci_cfg_write(struct uk_user *u, uint32_t h, unsigned off, unsigned size,
				    uint32_t val)
{
	return uk_syscall6(u, UK_SYS_PCI_CFG_WRITE, h, off, size, val, 0, 0);
}

/* Host side (the platform's trusted start-up code, not a system call):
 * make the object for the window [base, base + size) (base page-aligned)
 * of a device, PCI function `bdf` or UK_DEVMEM_NO_PCI, and install a handle
 * with `rights` in the process of thread `tid`. Returns the handle;
 * ESRCH(no such live thread) EINVAL(alignment, size, rights, bdf)
 * EPERM(the platform says the range is not one device's window alone:
 * interrupt controllers, RAM) ENOMEM. */
struct uk_kernel;
int uk_kernel_devmem_create(struct uk_kernel *k, uint64_t tid, uk_paddr_t base, uint64_t size,
			    uint32_t bdf, uint32_t rights);
/* Host side: map handle `h` of the process of thread `tid` at `va` in that
 * process, as UK_SYS_DEVMEM_MAP would for it (a loader setting up a
 * driver's space before it runs). 0, ESRCH, or that call's errors. */
int uk_kernel_devmem_map(struct uk_kernel *k, uint64_t tid, uint32_t h, uk_vaddr_t va,
			 unsigned prot);

/* A 32-bit register through a mapping: its value (>= 0), or UK_EFAULT. */
static inline long uk_reg_read32(struct uk_user *u, uk_vaddr_t va)
{
	uint32_t v;
	int rc = uk_user_read(u, va, &v, sizeof(v));
	return rc < 0 ? rc : (long)v;
}
/* 0, or UK_EFAULT. */
static inline long uk_reg_write32(struct uk_user *u, uk_vaddr_t va, uint32_t val)
{
	return uk_user_write(u, va, &val, sizeof(val));
}

#endif /* UKERN_DEVMEM_H */
