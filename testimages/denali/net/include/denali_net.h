/*
 * denali_net.h - lwIP on the Denali NIC: the glue between lwIP (NO_SYS mode, raw API) and a
 * Denali guest.
 *
 * denali_net_init brings up one Ethernet interface with the MAC, IPv4 address, netmask and
 * gateway from the register page (cmdline words ip=, netmask=, gw= override them). After
 * that the guest registers its lwIP callbacks and calls denali_net_run (or denali_net_step in
 * a loop of its own). All lwIP work happens in those calls, on the calling thread, never in an
 * upcall: frames are received by draining port 0x201 when the NET interrupt has been seen,
 * lwIP's timeouts run from the same loop, and between the two the VM sleeps in IDLE until the
 * next lwIP timer is due or a NET interrupt arrives.
 */
#ifndef DENALI_NET_H
#define DENALI_NET_H

#include <stdint.h>

#include "lwip/netif.h"

/* Driver counters (also in lwIP's lwip_stats.link). */
struct denali_net_counters {
    uint32_t rx_frames, rx_bytes, rx_dropped; /* dropped: no receive buffer or refused by lwIP */
    uint32_t tx_frames, tx_bytes, tx_dropped; /* dropped: queue stayed full, or a bad length */
    uint32_t tx_full_waits;                   /* IDLEs spent waiting for a full transmit queue */
    uint32_t wakeups;                         /* IDLEs ended by an interrupt or a timer */
};

/*
 * Initialises lwIP and the interface; prints `net: vm V mac M ip I netmask N gw G`. Returns 0,
 * or -1 (after printing why) if there is no IPv4 address.
 */
int denali_net_init(const char *cmdline);
/* The interface (after denali_net_init). */
struct netif *denali_net_netif(void);
/*
 * One round of the main loop: receives up to a batch of frames, runs due lwIP timeouts, and
 * if nothing is left to do sleeps until the next lwIP timeout, a NET interrupt, or at most
 * max_wait_us (DENALI_IDLE_FOREVER = no limit of its own).
 */
void denali_net_step(uint32_t max_wait_us);
/* denali_net_step forever. */
void denali_net_run(void) __attribute__((noreturn));
const struct denali_net_counters *denali_net_counters(void);
/* lwIP's clock: milliseconds since boot, from the register page's time_ns. */
uint32_t sys_now(void);

#endif
