/* SPDX-License-Identifier: MIT */
#ifndef FUZZ_IRQ_H
#define FUZZ_IRQ_H

#include <stddef.h>
#include <stdint.h>

/* Run one input through the IRQ machine and the reference model. Returns 0
 * if every check held; otherwise 1, with a one-line reason in msg. */
int fuzz_irq_run(const uint8_t *data, size_t size, char *msg, size_t msglen);

/* Print the decoded operations of an input (for debugging a crash). */
void fuzz_irq_set_verbose(int on);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
