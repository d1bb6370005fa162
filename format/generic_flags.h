/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The capture_flags field of the generic probes' event types (FORMAT.md "Types described by
 * the file"): the stack bits 1, 2, 4 and 8 of format/stack_flags.h, and these.
 */
#ifndef EBREC_FORMAT_GENERIC_FLAGS_H
#define EBREC_FORMAT_GENERIC_FLAGS_H

#define EBR_GENERIC_STR_CUT 16u /* a string filled its room (EBR_GENERIC_STR_MAX): it may be cut */
/*
 * --call-graph dwarf: the user stack was unwound by the recorder from a copy of the
 * registers and stack, as profile.sample's EBR_STACK_USER_DWARF (whose bit 16 is taken here)
 */
#define EBR_GENERIC_USER_DWARF 64u
/* with EBR_GENERIC_USER_DWARF: the unwinding reached the outermost frame */
#define EBR_GENERIC_USER_WHOLE 128u

#endif
