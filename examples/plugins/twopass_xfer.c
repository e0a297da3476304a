/* SPDX-License-Identifier: MIT */
/*
 * twopass_xfer.c: the transfer strategy "two-pass", a uksim plug-in.
 *
 * Policy: before copying anything, check that the whole remote range is
 * there (a first walk of every remote page, as a kernel that validates a
 * user range up front would), then walk again and copy page by page
 * through the direct map, as physmap does. A transfer that would fault
 * half-way fails before it has copied a byte; the price is a second
 * software page walk per page.
 *
 * Prediction: the same bytes as physmap, in the same number of copies,
 * with twice the page walks; a transfer over an unmapped remote page
 * copies nothing at all (physmap copies up to the hole).
 * tests/plugins/ measures it on the VFS open() path.
 *
 * Build (against the installed headers; uksim exports the uk_xfer_*
 * toolkit):
 *
 *	cc -shared -fPIC $(pkg-config --cflags ukern-sim) twopass_xfer.c -o twopass_xfer.so
 *
 * Use in a scenario, for the whole machine or one endpoint:
 *
 *	load "twopass_xfer.so"
 *	machine { transfer two-pass }
 *	endpoint vfs { transfer two-pass }
 *
 * A plug-in strategy says id 0: the kernel gives it an id of its own when
 * the run registers it (uk_kernel_xfer_register). It cannot be a grant
 * strategy: grants are a protocol between programs, not a copy routine.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sim/policy.h>
#include <ukern/xfer.h>

static uint64_t page_of(uk_vaddr_t va)
{
	return va & ~(uk_vaddr_t)(UK_PAGE_SIZE - 1);
}

static int twopass_copy(struct uk_xfer_job *x)
{
	uk_vaddr_t rva = uk_xfer_remote_va(x), lva = uk_xfer_local_va(x);
	uint64_t len = uk_xfer_len(x);
	uk_paddr_t pa;
	int rc;

	/* Pass one: every remote page must be there. */
	for (uk_vaddr_t p = page_of(rva); p < rva + len; p += UK_PAGE_SIZE)
		if ((rc = uk_xfer_remote_frame(x, p, &pa)) < 0)
			return rc;
	/* Pass two: walk again and copy. */
	for (uint64_t off = 0; off < len;) {
		uk_vaddr_t va = rva + off, page = page_of(va);
		uint64_t n = UK_PAGE_SIZE - (va - page);
		void *ptr;

		if (n > len - off)
			n = len - off;
		if ((rc = uk_xfer_remote_frame(x, page, &pa)) < 0)
			return rc;
		if (!(ptr = uk_xfer_phys(x, pa + (va - page), n)))
			return UK_EFAULT;
		if ((rc = uk_xfer_local_copy(x, lva + off, ptr, n)) < 0)
			return rc;
		uk_xfer_copied(x, n);
		off += n;
	}
	return 0;
}

static const struct uk_xfer_ops twopass_ops = {
	.abi = UK_ABI_VERSION,
	.name = "two-pass",
	.doc = "validate the whole remote range first, then copy as physmap does",
	.source = "examples/plugins/twopass_xfer.c (docs/designs.md)",
	.id = 0,
	.grant = false,
	.copy = twopass_copy,
};

UKERN_PLUGIN;

const struct sim_policy ukern_policies[] = {
	{UK_ABI_VERSION, SIM_POLICY_TRANSFER, "two-pass", &twopass_ops,
	 "validate the whole remote range first, then copy as physmap does"},
	{0},
};
