/* SPDX-License-Identifier: MIT */
/* The whole machine model in one include. */
#ifndef HWMODEL_HW_H
#define HWMODEL_HW_H

#include <hwmodel/cost.h>
#include <hwmodel/dev.h>
#include <hwmodel/evq.h>
#include <hwmodel/intc.h>
#include <hwmodel/lapic.h>
#include <hwmodel/machine.h>
#include <hwmodel/mem.h>
#include <hwmodel/mmu.h>
#include <hwmodel/pci.h>
#include <hwmodel/trace.h>

#endif /* HWMODEL_HW_H */
