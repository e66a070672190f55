/* One function per showroom command; argv[0] is the command name. Exit codes:
 * 0 success, 1 failure (reported), 2 usage error. */
#ifndef SHOWROOM_COMMANDS_H
#define SHOWROOM_COMMANDS_H

#include "lib/errbuf.h"	/* EXIT_USAGE */

int	cmd_check(int argc, char **argv);
int	cmd_build(int argc, char **argv);
int	cmd_keygen(int argc, char **argv);
int	cmd_keyring(int argc, char **argv);
/* The back office (exit codes in showroom/bo.h and docs/BACKOFFICE.md). */
int	cmd_pull(int argc, char **argv);
int	cmd_list(int argc, char **argv);
int	cmd_export(int argc, char **argv);
int	cmd_ack(int argc, char **argv);
int	cmd_bookings(int argc, char **argv);
int	cmd_purge(int argc, char **argv);
int	cmd_audit(int argc, char **argv);
int	cmd_trace(int argc, char **argv);
int	cmd_office(int argc, char **argv);
int	cmd_slots(int argc, char **argv);
/* bookings confirm|decline (argv[0]); USAGE is the bookings usage. */
#include <stdio.h>
int	cmd_bookings_decide(int argc, char **argv, void (*usage)(FILE *));
void	decide_usage(FILE *);
/* The privacy officer's desk, beside the back office. */
int	cmd_inventory(int argc, char **argv);
int	cmd_stats(int argc, char **argv);
int	cmd_breach_report(int argc, char **argv);

#endif
