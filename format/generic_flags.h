/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The capture_flags field of the generic probes' event types (FORMAT.md "Types described by
 * the file"): the stack bits of format/stack_flags.h, and this one.
 */
#ifndef EBREC_FORMAT_GENERIC_FLAGS_H
#define EBREC_FORMAT_GENERIC_FLAGS_H

#define EBR_GENERIC_STR_CUT 16u /* a string filled its room (EBR_GENERIC_STR_MAX): it may be cut */

#endif
