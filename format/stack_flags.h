/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The `flags` field of profile.sample and offcpu.span (format/events.def): part of the file
 * format. Free of includes, so the BPF programs that set them (bpf/events.h) and the readers
 * that interpret them share one definition.
 */
#ifndef EBREC_FORMAT_STACK_FLAGS_H
#define EBREC_FORMAT_STACK_FLAGS_H

#define EBR_STACK_KERNEL_FULL 1u /* the kernel stack filled its room: it may be cut */
#define EBR_STACK_USER_FULL 2u   /* the user stack filled its room: it may be cut */
#define EBR_STACK_KERNEL_ERR 4u  /* the kernel stack could not be captured */
#define EBR_STACK_USER_ERR 8u    /* the user stack could not be captured */
/*
 * --call-graph dwarf: the user stack was unwound by the recorder with the objects' CFI from
 * a copy of the user registers and stack (not walked by frame pointers)
 */
#define EBR_STACK_USER_DWARF 16u
/* with EBR_STACK_USER_DWARF: the unwinding reached the outermost frame (the process's or
 * thread's entry, whose CFI ends the chain); without it, it stopped early */
#define EBR_STACK_USER_WHOLE 32u

#endif
