/*
 * ping: an interface that answers ICMP echo requests (lwIP's icmp.c does the answering) and
 * ARP, and otherwise sleeps in IDLE.
 *
 * cmdline: count=N (exit 0 once N echo requests have been answered; default 0 = forever),
 * plus the network words of denali_net_init.
 */
#include <denali.h>
#include <denali_net.h>
#include <stdio.h>

#include "lwip/stats.h"

int main(const char *cmdline)
{
    uint32_t count = denali_arg_u32(cmdline, "count", 0);
    if (denali_net_init(cmdline))
        return 2;
    printf("ping: answering ICMP echo\n");
    while (!count || lwip_stats.icmp.xmit < count)
        denali_net_step(DENALI_IDLE_FOREVER);
    printf("ping: %u echo requests answered\n", (unsigned)lwip_stats.icmp.xmit);
    return 0;
}
