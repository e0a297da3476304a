/* SPDX-License-Identifier: MIT */
/* Private state of the machine model, shared by its source files. */
#ifndef HWMODEL_INTERNAL_H
#define HWMODEL_INTERNAL_H

#include <hwmodel/hw.h>

#include <stdarg.h>

#define HW_MAX_REGIONS 2
#define HW_MAX_DEVICES 64
#define HW_PLIC_MAX_SOURCES 1023
#define HW_UART_OUT_MAX 65536

/* ---- memory ---- */
struct hw_region {
	uint64_t base, size;
	uint8_t *host;    /* one contiguous MAP_NORESERVE mapping */
	uint32_t *owner;  /* one tag per 4 KiB frame */
	/* One bit per frame: set when the frame may have been written since
	 * the region was last clear (every pointer into it and every copy to
	 * it sets the bits it covers). A clear bit means the frame reads as
	 * zero. The scrub that hands the region to the next run clears the
	 * marked frames only. */
	uint64_t *dirty;
	/* Per frame, one bit per 64-byte line: the lines the marks covered. A
	 * run writes a few lines of most frames it touches (a page-table
	 * entry, one object of a slab), so the scrub looks at those lines
	 * only, not at whole pages. */
	uint64_t *lines;
	/* End (offset) of the highest frame marked: the scrub looks below it. */
	uint64_t touched;
	/* Frames [owned_lo, owned_hi) may carry a non-zero owner tag. */
	uint64_t owned_lo, owned_hi;
};

struct hw_mem {
	struct hw_ram_cache *cache; /* where regions come from and go back to, or NULL */
	unsigned nregions;
	struct hw_region r[HW_MAX_REGIONS];
};

/* ---- TLB and MMU ---- */
#define HW_TLB_WAYS 4
#define TLBE_VALID (1u << 0)
#define TLBE_W (1u << 1)
#define TLBE_U (1u << 2)
#define TLBE_NX (1u << 3)
#define TLBE_G (1u << 4)
#define TLBE_D (1u << 5)
#define TLBE_UC (1u << 6) /* the leaf has PCD (uncached) */

struct hw_tlb_entry {
	uint64_t tag;   /* va >> shift */
	uint64_t pa;    /* physical base of the page */
	uint16_t pcid;
	uint8_t shift;  /* 12, 21 or 30 */
	uint8_t flags;  /* TLBE_* */
};

struct hw_tlb {
	unsigned sets;             /* power of two */
	struct hw_tlb_entry *e;    /* sets * HW_TLB_WAYS */
	uint8_t *victim;           /* per set, round-robin replacement */
};

/* ---- LAPIC ---- */
struct hw_lapic {
	uint64_t irr[4], isr[4], tmr[4];
	uint8_t tpr;
	uint32_t svr;
	uint32_t esr;
	uint32_t icr_hi;
	uint32_t lvt_timer;
	uint32_t timer_init;   /* register value (count) */
	uint32_t timer_div;    /* divide register */
	uint64_t timer_period; /* ns; 0 when one-shot or deadline */
	uint64_t timer_start;  /* when the current count was loaded */
	struct hw_event timer_ev;
	struct hw_machine *m;
	unsigned cpu;
	struct hw_lapic_stats st;
};

struct hw_cpu {
	struct hw_lapic lapic;
	struct hw_tlb tlb;
	uint64_t cr3;
	struct hw_mmu_stats mmu;
};

/* ---- IOAPIC ---- */
struct hw_ioapic_pin {
	uint64_t rte;          /* with HW_RTE_DELIVS and HW_RTE_REMOTE_IRR kept by the model */
	uint16_t drivers;      /* devices asserting the wire (logically) */
	bool ext;              /* driven from outside (hw_intc_set_line) */
	bool wire_active_low;  /* electrical polarity of the wire */
	bool input;            /* input as last sampled (after RTE polarity) */
	bool latch;            /* keep an edge that arrives masked (not an 82093AA feature) */
	bool latched;          /* such an edge waits for the unmask */
	struct hw_event ev;    /* message in flight */
	unsigned ev_dest;      /* its destination, fixed when it was sent */
	struct hw_machine *m;
	unsigned pin;
	struct hw_intc_stats st;
};

struct hw_ioapic {
	uint32_t id;
	uint32_t regsel;
	struct hw_ioapic_pin pin[HW_IOAPIC_PINS];
	struct hw_intc_stats st;
};

/* ---- MSI ---- */
struct hw_msi_src {
	uint64_t addr;
	uint32_t data;
	bool enabled;
	bool ext;             /* level driven from outside, for edge detection */
	struct hw_dev *dev;   /* the PCI function whose MSI capability this is */
	struct hw_intc_stats st;
};

struct hw_msi {
	unsigned n;
	struct hw_msi_src *src;
	struct hw_intc_stats st;
};

/* ---- PLIC ---- */
struct hw_plic_src {
	uint32_t prio;
	bool level;           /* gateway kind */
	bool pending;
	bool claimed;         /* in flight: the gateway forwards nothing until completion */
	bool input;
	uint16_t drivers;
	bool ext;
	uint8_t vector;
	uint8_t cpu;          /* routed context */
	struct hw_intc_stats st;
};

struct hw_plic_ctx {
	uint64_t enable[(HW_PLIC_MAX_SOURCES + 1 + 63) / 64];
	uint32_t threshold;
	bool notified;        /* a vector was sent for the current pending set */
};

struct hw_plic {
	unsigned n;           /* sources 1..n */
	struct hw_plic_src *src;
	struct hw_plic_ctx *ctx; /* one per CPU */
	struct hw_intc_stats st;
};

/* Local interrupt inputs of each CPU (percpu.c): pin = cpu * lines + n. */
struct hw_percpu_pin {
	uint8_t vector;     /* 0: not routed */
	bool masked;
	bool input;         /* as last sampled */
	bool ext;           /* driven from outside (hw_intc_set_line) */
	uint16_t drivers;   /* devices asserting the wire */
	struct hw_intc_stats st;
};

struct hw_percpu {
	unsigned lines;     /* per CPU; 0: no such controller */
	struct hw_percpu_pin *pin; /* ncpus * lines */
	struct hw_intc_stats st;
};
int hw_percpu_init(struct hw_machine *m, unsigned lines);
void hw_percpu_fini(struct hw_machine *m);
void hw_percpu_reset(struct hw_machine *m);
void hw_percpu_drive(struct hw_machine *m, unsigned pin, uint64_t now);
int hw_percpu_route(struct hw_machine *m, unsigned pin, unsigned vector, unsigned cpu,
		    enum hw_trigger trig);
int hw_percpu_mask(struct hw_machine *m, unsigned pin, bool on, uint64_t now);

/* ---- devices ---- */
struct hw_dev_ops {
	const char *kind_name;
	size_t size;
	uint64_t default_size;
	uint16_t vendor, device;
	uint32_t class_rev;
	int (*init)(struct hw_dev *d, char *err, size_t errlen);
	void (*fini)(struct hw_dev *d);
	uint64_t (*read)(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size);
	void (*write)(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size, uint64_t val);
	void (*reset)(struct hw_dev *d, uint64_t now, bool spurious);
	int (*action)(struct hw_dev *d, uint64_t now, enum hw_dev_action act, uint64_t arg);
};

struct hw_pci_fn {
	uint8_t cfg[256];
	uint32_t bar_size;
};

struct hw_dev {
	struct hw_machine *m;
	const struct hw_dev_ops *ops;
	struct hw_dev_desc desc; /* desc.name points at name[] */
	char name[32];
	unsigned index;
	uint64_t base, size;     /* current window */
	struct hw_pci_fn *pci;   /* NULL for platform devices */
	bool irq_cond;           /* interrupt condition ("it was me") */
	bool wire;               /* what this device drives on its pin */
	/* The first time software cleared the interrupt status (a
	 * write-1-to-clear, or a read of a clear-on-read status) since the
	 * owner last asked (hw_dev_take_status_clear); HW_TIME_NEVER: none. */
	uint64_t status_clear_ns;
};

/* Software cleared set bits of the device's interrupt status at `now`. */
static inline void hw_dev_status_cleared(struct hw_dev *d, uint64_t now)
{
	if (d->status_clear_ns == HW_TIME_NEVER)
		d->status_clear_ns = now;
}

/* ---- the machine ---- */
#define HW_NCTRL_MAX 4

struct hw_machine {
	struct hw_machine_config cfg;
	struct hw_host host;
	struct hw_evq *evq;
	const struct hw_cost_preset *cost;
	uint64_t irq_msg_ns;
	struct hw_mem mem;
	unsigned ncpus;
	struct hw_cpu *cpu;
	unsigned nctrl;
	enum hw_intc_kind ctrl_kind[HW_NCTRL_MAX];
	struct hw_ioapic ioapic;
	struct hw_msi msi;
	struct hw_plic plic;
	struct hw_percpu percpu;
	uint32_t pci_addr;       /* port 0xcf8 */
	unsigned ndev;
	struct hw_dev *dev[HW_MAX_DEVICES];
};

#define CTRL_IOAPIC 0u
#define CTRL_MSI 1u
#define CTRL_PLIC 2u
#define CTRL_PERCPU 3u /* in traces; its index is hw_intc_find's */

/* machine.c */
void hw_trace(struct hw_machine *m, uint64_t now, unsigned cpu, uint16_t kind, uint64_t a,
	      uint64_t b, uint64_t c);
int hw_errf(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void hw_notify_cpu(struct hw_machine *m, unsigned cpu);

/* mem.c */
int hw_mem_init(struct hw_machine *m, uint64_t ram, char *err, size_t errlen);
void hw_mem_fini(struct hw_machine *m);

/* tlb.c */
int hw_tlb_init(struct hw_tlb *t, unsigned entries);
void hw_tlb_fini(struct hw_tlb *t);
struct hw_tlb_entry *hw_tlb_lookup(struct hw_tlb *t, uint64_t va, uint16_t pcid);
void hw_tlb_insert(struct hw_tlb *t, uint64_t va, uint16_t pcid, uint8_t shift, uint64_t pa,
		   uint8_t flags);
unsigned hw_tlb_drop_pcid(struct hw_tlb *t, uint16_t pcid, bool globals_too);
void hw_tlb_count_flush(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned kind,
			uint64_t va, unsigned dropped);

/* lapic.c */
void hw_lapic_init(struct hw_machine *m, unsigned cpu);
void hw_lapic_reset(struct hw_machine *m, unsigned cpu);

/* ioapic.c */
void hw_ioapic_init(struct hw_machine *m);
void hw_ioapic_reset(struct hw_machine *m, uint64_t now);
int hw_ioapic_set_latch(struct hw_machine *m, unsigned pin, bool on);
int hw_ioapic_route(struct hw_machine *m, unsigned pin, unsigned vector, unsigned cpu,
		    enum hw_trigger trig, enum hw_polarity pol, uint64_t now);
int hw_ioapic_mask(struct hw_machine *m, unsigned pin, bool masked, uint64_t now);
void hw_ioapic_drive(struct hw_machine *m, unsigned pin, uint64_t now);
void hw_ioapic_eoi_vector(struct hw_machine *m, unsigned vector, uint64_t now, bool bcast);
void hw_ioapic_eoi_pin(struct hw_machine *m, unsigned pin, uint64_t now);
bool hw_ioapic_input(const struct hw_machine *m, unsigned pin);
uint32_t hw_ioapic_mmio_read(struct hw_machine *m, uint64_t off);
void hw_ioapic_mmio_write(struct hw_machine *m, uint64_t now, uint64_t off, uint32_t val);

/* msi.c */
int hw_msi_init(struct hw_machine *m, unsigned n);
void hw_msi_fini(struct hw_machine *m);
void hw_msi_reset(struct hw_machine *m);
int hw_msi_route(struct hw_machine *m, unsigned src, unsigned vector, unsigned cpu,
		 enum hw_trigger trig, uint64_t now);

/* plic.c */
int hw_plic_init(struct hw_machine *m, unsigned n);
void hw_plic_fini(struct hw_machine *m);
void hw_plic_reset(struct hw_machine *m, uint64_t now);
int hw_plic_route(struct hw_machine *m, unsigned src, unsigned vector, unsigned cpu,
		  enum hw_trigger trig, uint64_t now);
int hw_plic_mask(struct hw_machine *m, unsigned src, bool masked, uint64_t now);
bool hw_plic_masked(const struct hw_machine *m, unsigned src);
int hw_plic_claim(struct hw_machine *m, unsigned ctx, uint64_t now);
int hw_plic_complete(struct hw_machine *m, unsigned ctx, unsigned src, uint64_t now);
void hw_plic_drive(struct hw_machine *m, unsigned src, uint64_t now);
uint32_t hw_plic_mmio_read(struct hw_machine *m, uint64_t now, uint64_t off);
void hw_plic_mmio_write(struct hw_machine *m, uint64_t now, uint64_t off, uint32_t val);

/* intc.c: wired-OR pins */
void hw_pin_drive(struct hw_machine *m, unsigned ctrl, unsigned pin, bool on, uint64_t now);

/* pci.c */
struct hw_pci_fn *hw_pci_fn_new(struct hw_dev *d);
struct hw_dev *hw_pci_lookup(struct hw_machine *m, unsigned bus, unsigned slot, unsigned fn);
bool hw_pci_mem_enabled(const struct hw_dev *d);
bool hw_pci_master_enabled(const struct hw_dev *d);
bool hw_pci_intx_disabled(const struct hw_dev *d);
bool hw_pci_msi_enabled(const struct hw_dev *d);

/* dev.c: the interrupt output of a device */
void hw_dev_set_irq(struct hw_dev *d, bool cond, uint64_t now);
void hw_dev_pulse_irq(struct hw_dev *d, uint64_t now);
void hw_dev_update_wire(struct hw_dev *d, uint64_t now);
int hw_dev_dma(struct hw_dev *d, uint64_t now, uint64_t pa, void *buf, size_t len, bool to_mem);

extern const struct hw_dev_ops hw_dev_script_ops;
extern const struct hw_dev_ops hw_dev_hpet_ops;
extern const struct hw_dev_ops hw_dev_uart_ops;
extern const struct hw_dev_ops hw_dev_block_ops;
extern const struct hw_dev_ops hw_dev_edu_ops;

static inline bool bit_test(const uint64_t *bm, unsigned i)
{
	return (bm[i >> 6] >> (i & 63)) & 1;
}

static inline void bit_set(uint64_t *bm, unsigned i)
{
	bm[i >> 6] |= 1ull << (i & 63);
}

static inline void bit_clear(uint64_t *bm, unsigned i)
{
	bm[i >> 6] &= ~(1ull << (i & 63));
}

#endif /* HWMODEL_INTERNAL_H */
