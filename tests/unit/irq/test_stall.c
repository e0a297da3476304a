/* SPDX-License-Identifier: MIT */
#include "irq_fake.h"
int main(void){return 0;}
