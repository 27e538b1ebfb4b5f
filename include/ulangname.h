/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A method of a high-level language as its runtime's USDT probes name it,
 * shared by both sides of ucalls and uflow: the class (Python, Perl: the
 * file; Tcl: none) and the method or function.  Plain C types.
 */
#ifndef BPFSCOPE_ULANGNAME_H
#define BPFSCOPE_ULANGNAME_H

#define ULANG_CLASS_LEN	 128
#define ULANG_METHOD_LEN 64

struct ulang_name {
	char clazz[ULANG_CLASS_LEN];
	char method[ULANG_METHOD_LEN];
};

#endif
