/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The number of elements of an array (not of a pointer: sizeof would say the pointer's). Not
 * part of the file format or libebr's API; it lives in format/ because format/ must stand on
 * its own and every other stage already includes it, as the kernel's <linux/array_size.h>.
 */
#ifndef EBREC_FORMAT_ARRAY_SIZE_H
#define EBREC_FORMAT_ARRAY_SIZE_H

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))

#endif
