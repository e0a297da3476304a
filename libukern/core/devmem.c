/* SPDX-License-Identifier: MIT */
/*
 * devmem.c: device memory objects (ukern/devmem.h). One object is one
 * device's register window; the platform makes it and decides who holds
 * it. A holder maps it into its own space (uncached PTEs marked
 * UK_PTE_SW_DEV, so unmapping never frees them as frames) and, for a PCI
 * device, reads its function's configuration space and writes its command
 * register. Nothing here takes a physical address from user code.
 */
#include "core/kern.h"
#include "ukern/devmem.h"

#define PCI_CFG_SIZE 4096u
#define PCI_COMMAND 4u /* the command register: 16 bits at offset 4 */


static int devmem_map(struct uk_kernel *k, struct process *p, uint64_t h, uk_vaddr_t va,
		      uint64_t prot);

int uk_kernel_devmem_create(struct uk_kernel *k, uint64_t tid, uk_paddr_t base, uint64_t size,
			    uint32_t bdf, uint32_t rights)
{
	struct process *p = process_of_tid(k, tid);
	struct devmem *d;
	int h;

	if (!p)
		return UK_ESRCH;
	if ((base & (UK_PAGE_SIZE - 1)) || size == 0 || size > (1ull << 40) ||
	    (rights & ~(UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP | UK_RIGHT_GRANT)) ||
	    (bdf != UK_DEVMEM_NO_PCI && bdf > 0xffff))
		return UK_EINVAL;
	/* Interrupt controllers, RAM and other devices' windows never. */
	if (!uk_arch_mmio_grantable(k->a, base, size))
		return UK_EPERM;
	if (!(d = kalloc(k, sizeof(*d))))
		return UK_ENOMEM;
	kobj_init(k, &d->o, KOBJ_DEVMEM);
	d->base = base;
	d->size = size;
	d->bdf = bdf;
	h = cap_install(k, p, &d->o, rights);
	kobj_put(k, &d->o); /* the handle holds it now */
	return h;
}

int uk_kernel_devmem_map(struct uk_kernel *k, uint64_t tid, uint32_t h, uk_vaddr_t va,
			 unsigned prot)
{
	struct process *p = process_of_tid(k, tid);
	return p ? devmem_map(k, p, h, va, prot) : UK_ESRCH;
}

static int devmem_lookup(struct process *p, uint64_t h, uint32_t need, struct devmem **d)
{
	struct kobj *o;
	int rc = cap_lookup(p, h, KOBJ_DEVMEM, need, &o);

	if (rc < 0)
		return rc;
	*d = (struct devmem *)o;
	return 0;
}

static int devmem_map(struct uk_kernel *k, struct process *p, uint64_t h, uk_vaddr_t va,
		      uint64_t prot)
{
	uint32_t need = UK_RIGHT_MAP | UK_RIGHT_READ;
	struct devmem *d;
	int rc;

	if (!(prot & UK_PROT_READ) || (prot & ~(uint64_t)(UK_PROT_READ | UK_PROT_WRITE)))
		return UK_EINVAL; /* no execute from device memory */
	if (prot & UK_PROT_WRITE)
		need |= UK_RIGHT_WRITE;
	if ((rc = devmem_lookup(p, h, need, &d)) < 0)
		return rc;
	return vm_map_device(k, &p->vs, va, d->base, (d->size + UK_PAGE_SIZE - 1) >> UK_PAGE_SHIFT,
			     (prot & UK_PROT_WRITE) != 0);
}

static long sys_devmem_map(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	return devmem_map(k, t->proc, a[0], a[1], a[2]);
}

static long sys_devmem_info(struct uk_thread *t, const uint64_t a[6])
{
	struct devmem *d;
	int rc = devmem_lookup(t->proc, a[0], 0, &d);
	return rc < 0 ? rc : (long)d->size;
}

static int cfg_check(const struct devmem *d, uint64_t off, uint64_t size)
{
	if ((size != 1 && size != 2 && size != 4) || off >= PCI_CFG_SIZE || (off & (size - 1)))
		return UK_EINVAL;
	return d->bdf == UK_DEVMEM_NO_PCI ? UK_ENOENT : 0;
}

static long sys_pci_cfg_read(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct devmem *d;
	uint32_t v;
	int rc = devmem_lookup(t->proc, a[0], UK_RIGHT_READ, &d);

	if (rc < 0 || (rc = cfg_check(d, a[1], a[2])) < 0)
		return rc;
	rc = uk_arch_pci_cfg_read(k->a, d->bdf, (unsigned)a[1], (unsigned)a[2], &v);
	return rc < 0 ? rc : (long)v;
}

static long sys_pci_cfg_write(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct devmem *d;
	int rc = devmem_lookup(t->proc, a[0], UK_RIGHT_WRITE, &d);

	if (rc < 0 || (rc = cfg_check(d, a[1], a[2])) < 0)
		return rc;
	if (a[3] > UINT32_MAX)
		return UK_EINVAL;
	/* Only the command register: moving a BAR could put the window over
	 * an interrupt controller or another device, and the MSI capability
	 * is the kernel's routing. */
	if (a[1] < PCI_COMMAND || a[1] + a[2] > PCI_COMMAND + 2)
		return UK_EPERM;
	return uk_arch_pci_cfg_write(k->a, d->bdf, (unsigned)a[1], (unsigned)a[2], (uint32_t)a[3]);
}

long devmem_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6])
{
	switch (nr) {
	case UK_SYS_DEVMEM_MAP:
		return sys_devmem_map(k, t, a);
	case UK_SYS_DEVMEM_INFO:
		return sys_devmem_info(t, a);
	case UK_SYS_PCI_CFG_READ:
		return sys_pci_cfg_read(k, t, a);
	case UK_SYS_PCI_CFG_WRITE:
		return sys_pci_cfg_write(k, t, a);
	default:
		return UK_ENOSYS;
	}
}
