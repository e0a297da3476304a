/* SPDX-License-Identifier: MIT */
/*
 * A tiny model of the controllers below the IRQ state machine, for the
 * fuzzer and the unit tests: a line, a mask bit, one in-flight message, the
 * IOAPIC remote IRR and the PLIC claim. It never calls back into the
 * machine: deliveries wait in `inflight` until the harness takes them.
 */
#ifndef FUZZ_IRQ_HW_H
#define FUZZ_IRQ_HW_H

#include <stdbool.h>
#include <stdint.h>

#include <ukern/irq.h>

enum hw_type { HW_IOAPIC_EDGE = 0, HW_IOAPIC_LEVEL = 1, HW_MSI = 2, HW_PLIC = 3, HW_TYPES = 4 };

struct hw_pin {
	enum hw_type type;
	bool line;       /* level types: the device asserts the line */
	bool masked;     /* the controller's mask bit */
	bool inflight;   /* a message sent, not yet taken by the CPU */
	bool remote_irr; /* IOAPIC level: delivered, not yet EOIed */
	bool claimed;    /* PLIC: claimed, not yet completed */
	unsigned mask_calls, eoi_calls, eos_calls, dropped;
	struct uk_irq_chip chip;
};

extern const struct uk_irq_chip_ops hw_chip_ops;
extern const char *const hw_type_names[HW_TYPES];

void hw_pin_init(struct hw_pin *hw, enum hw_type type, uint32_t id);
enum uk_trigger hw_trigger(enum hw_type type);
void hw_raise(struct hw_pin *hw);    /* the device raises (edge) / asserts (level) */
void hw_lower(struct hw_pin *hw);    /* the device deasserts (level) */
/* The CPU takes the in-flight message: returns true and claims (PLIC). */
bool hw_take(struct hw_pin *hw);

#endif
