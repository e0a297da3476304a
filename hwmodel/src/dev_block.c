/* SPDX-License-Identifier: MIT */
/*
 * A block device with a DMA descriptor ring in simulated RAM.
 *
 * The driver fills descriptors (struct hw_blk_desc) in a ring, then writes
 * the producer index to HEAD (the doorbell). The device works through the
 * ring one request at a time: it fetches the descriptor when it starts the
 * request, moves the data by DMA when the request completes (latency_ns
 * plus ps_per_byte per byte later, on the event queue, or at once on a
 * scripted HW_ACT_COMPLETE), writes the status back into the descriptor,
 * advances TAIL and raises its completion interrupt. Data is read from
 * memory at completion time, so a driver that reuses a buffer too early
 * sends what the buffer holds then, as with real DMA. DMA needs the PCI
 * bus-master bit and RAM; a failure completes the request with
 * HW_BLK_ST_DMA.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define STATUS_DONE 1u
#define STATUS_ERROR 2u /* a descriptor could not be fetched */

struct dev_block {
	struct hw_dev dev;
	uint32_t status, control;
	uint64_t ring;
	uint32_t ring_size;
	uint32_t head, tail;
	bool busy;
	struct hw_blk_desc cur; /* fetched descriptor of the request in flight */
	uint64_t cur_pa;
	struct hw_event done;
	uint8_t *disk;
	uint64_t disk_bytes;
	uint8_t *bounce;        /* one request's data */
	uint32_t bounce_len;
};

static struct dev_block *blk_of(struct hw_dev *d)
{
	return (struct dev_block *)d;
}

static void blk_irq(struct dev_block *b, uint64_t now)
{
	hw_dev_set_irq(&b->dev, (b->status & (STATUS_DONE | STATUS_ERROR)) && (b->control & 1), now);
}

static void blk_start(struct dev_block *b, uint64_t now)
{
	if (b->busy || b->tail == b->head || b->ring_size == 0)
		return;
	b->cur_pa = b->ring + (uint64_t)(b->tail & (b->ring_size - 1)) * sizeof(struct hw_blk_desc);
	if (hw_dev_dma(&b->dev, now, b->cur_pa, &b->cur, sizeof(b->cur), false) != HW_OK) {
		b->status |= STATUS_ERROR;
		b->tail = b->head; /* the ring is unusable: drop it all */
		blk_irq(b, now);
		return;
	}
	b->busy = true;
	uint64_t t = b->dev.desc.latency_ns ? b->dev.desc.latency_ns : 10000;
	t += (uint64_t)b->cur.len * b->dev.desc.ps_per_byte / 1000;
	hw_evq_insert(b->dev.m->evq, &b->done, now + t);
}

static uint32_t blk_transfer(struct dev_block *b, uint64_t now)
{
	const struct hw_blk_desc *c = &b->cur;
	if (c->op > HW_BLK_OP_WRITE || c->len % HW_BLK_SECTOR || c->len > b->bounce_len ||
	    c->sector > b->disk_bytes / HW_BLK_SECTOR ||
	    c->len > b->disk_bytes - c->sector * HW_BLK_SECTOR)
		return HW_BLK_ST_ERROR;
	uint8_t *at = b->disk + c->sector * HW_BLK_SECTOR;
	if (c->op == HW_BLK_OP_READ) {
		memcpy(b->bounce, at, c->len);
		return hw_dev_dma(&b->dev, now, c->buf_pa, b->bounce, c->len, true) ? HW_BLK_ST_DMA
										     : HW_BLK_ST_OK;
	}
	if (hw_dev_dma(&b->dev, now, c->buf_pa, b->bounce, c->len, false))
		return HW_BLK_ST_DMA;
	memcpy(at, b->bounce, c->len);
	return HW_BLK_ST_OK;
}

static void blk_complete(struct dev_block *b, uint64_t now)
{
	if (!b->busy)
		return;
	hw_evq_remove(b->dev.m->evq, &b->done);
	uint32_t st = blk_transfer(b, now);
	hw_dev_dma(&b->dev, now, b->cur_pa + offsetof(struct hw_blk_desc, status), &st, sizeof(st),
		   true);
	hw_trace(b->dev.m, now, HW_CPU_NONE, HW_TRACE_BLOCK_DONE, b->dev.index,
		 b->tail & (b->ring_size - 1), st);
	b->busy = false;
	b->tail++;
	b->status |= STATUS_DONE;
	blk_irq(b, now);
	blk_start(b, now);
}

static void blk_fire(struct hw_event *ev, uint64_t now)
{
	blk_complete(HW_CONTAINER_OF(ev, struct dev_block, done), now);
}

static uint64_t blk_read(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size)
{
	struct dev_block *b = blk_of(d);
	switch (off) {
	case HW_BLK_STATUS:
		return b->status;
	case HW_BLK_CONTROL:
		return b->control;
	case HW_BLK_RING_LO:
		return (uint32_t)b->ring;
	case HW_BLK_RING_HI:
		return (uint32_t)(b->ring >> 32);
	case HW_BLK_RING_SIZE:
		return b->ring_size;
	case HW_BLK_HEAD:
		return b->head;
	case HW_BLK_TAIL:
		return b->tail;
	case HW_BLK_CAPACITY:
		return (uint32_t)(b->disk_bytes / HW_BLK_SECTOR);
	}
	return 0;
}

static void blk_write(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size, uint64_t val)
{
	struct dev_block *b = blk_of(d);
	uint32_t v = (uint32_t)val;
	switch (off) {
	case HW_BLK_STATUS:
		if (b->status & v)
			hw_dev_status_cleared(d, now);
		b->status &= ~v;
		blk_irq(b, now);
		return;
	case HW_BLK_CONTROL:
		b->control = v & 1;
		blk_irq(b, now);
		return;
	case HW_BLK_RING_LO:
		b->ring = (b->ring & ~0xffffffffull) | (v & ~31u);
		return;
	case HW_BLK_RING_HI:
		b->ring = (b->ring & 0xffffffffull) | ((uint64_t)v << 32);
		return;
	case HW_BLK_RING_SIZE:
		/* Not a power of two, or too big: the ring is off. */
		b->ring_size = (v && !(v & (v - 1)) && v <= 4096) ? v : 0;
		return;
	case HW_BLK_HEAD:
		b->head = v;
		blk_start(b, now);
		return;
	}
}

static void blk_reset(struct hw_dev *d, uint64_t now, bool spurious)
{
	struct dev_block *b = blk_of(d);
	hw_evq_remove(d->m->evq, &b->done);
	b->busy = false;
	b->status = spurious ? STATUS_DONE : 0;
	b->control = spurious ? 1 : 0;
	b->ring = 0;
	b->ring_size = 0;
	b->head = b->tail = 0;
	blk_irq(b, now);
}

static int blk_action(struct hw_dev *d, uint64_t now, enum hw_dev_action act, uint64_t arg)
{
	struct dev_block *b = blk_of(d);
	if (act == HW_ACT_COMPLETE) {
		if (!b->busy)
			return HW_EAGAIN;
		blk_complete(b, now);
		return HW_OK;
	}
	if (act == HW_ACT_ASSERT || act == HW_ACT_DEASSERT) {
		b->status = act == HW_ACT_ASSERT ? (b->status | STATUS_DONE) : 0;
		blk_irq(b, now);
		return HW_OK;
	}
	return HW_EINVAL;
}

static int blk_init(struct hw_dev *d, char *err, size_t errlen)
{
	struct dev_block *b = blk_of(d);
	b->disk_bytes = d->desc.disk_bytes ? d->desc.disk_bytes : (1u << 20);
	if (b->disk_bytes % HW_BLK_SECTOR)
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': disk size %llu is not a multiple of 512", d->name,
			       (unsigned long long)b->disk_bytes);
	void *p = mmap(NULL, b->disk_bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return hw_errf(err, errlen, HW_ENOMEM, "device '%s': cannot map the disk", d->name);
	b->disk = p;
	b->bounce_len = 1u << 20;
	b->bounce = malloc(b->bounce_len);
	if (!b->bounce)
		return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	hw_event_init(&b->done, blk_fire);
	return HW_OK;
}

static void blk_fini(struct hw_dev *d)
{
	struct dev_block *b = blk_of(d);
	hw_evq_remove(d->m->evq, &b->done);
	if (b->disk)
		munmap(b->disk, b->disk_bytes);
	free(b->bounce);
}

uint8_t *hw_block_disk(struct hw_dev *d, uint64_t *bytes)
{
	if (d->desc.kind != HW_DEV_BLOCK)
		return NULL;
	*bytes = blk_of(d)->disk_bytes;
	return blk_of(d)->disk;
}

const struct hw_dev_ops hw_dev_block_ops = {
	.kind_name = "block",
	.size = sizeof(struct dev_block),
	.default_size = 0x1000,
	.vendor = 0x1b36,
	.device = 0x00f1,
	.class_rev = 0x01800001u, /* mass storage, other */
	.init = blk_init,
	.fini = blk_fini,
	.read = blk_read,
	.write = blk_write,
	.reset = blk_reset,
	.action = blk_action,
};
