/* SPDX-License-Identifier: GPL-2.0-only */
/* The commands that read traces: none needs root, a kernel or the recording host. */
#ifndef EBREC_REPORT_COMMANDS_H
#define EBREC_REPORT_COMMANDS_H

int cmd_report(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_script(int argc, char **argv);

#endif
