/*
 * denali_net.c - lwIP's netif driver for the Denali NIC and the guest's network main loop.
 *
 * Transmit: lwIP hands the driver a pbuf chain; a single pbuf is sent in place, a chain is
 * flattened into one buffer, and one `out 0x200` sends it (the kernel copies the frame during
 * the OUT, so the buffer is free again at once). A full transmit queue makes the driver IDLE
 * (giving the CPU up, so the switch can drain the queue) and retry for up to 10 ms of virtual
 * time; then it drops the frame (TCP retransmits it) and counts the drop. An IDLE returns at
 * once while an interrupt is pending, so the wait is bounded by time, not by IDLE count.
 *
 * Receive: frames are copied by `out 0x201` straight into a PBUF_POOL buffer big enough for
 * a whole frame, so every frame is copied exactly once. A buffer allocated for a receive that
 * found the queue empty is kept for the next one.
 *
 * Loop: upcalls stay off (lwIP must never be entered asynchronously). The NET interrupt is
 * observed through the SDK's dispatcher counter: the loop reads intr_seq(NET) before draining
 * the queue, and sleeps with os_wait_intr, which returns as soon as a NET interrupt arrived
 * after that read, so a frame that lands between the drain and the sleep is never missed.
 */
#include <denali.h>
#include <denali_net.h>
#include <denali_os.h>
#include <stdio.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define RX_BATCH 64        /* frames per round before lwIP's timers get a turn */
#define TX_FULL_WAIT_NS 10000000u /* how long a full transmit queue may hold up a frame */
#define TX_FULL_WAIT_US 200       /* one IDLE while waiting */
#define TX_FULL_TRIES 1000        /* in case virtual time does not move */

static struct netif netif;
static struct denali_net_counters counters;
static struct pbuf *spare_rx;
static uint8_t tx_flat[DENALI_ETH_MAX] __attribute__((aligned(4)));
static uint32_t rand_state;

uint32_t sys_now(void) { return (uint32_t)(denali_now_ns() / 1000000u); }

/* xorshift32, seeded from the VM's identity: the same VM makes the same choices every run. */
unsigned int denali_net_rand(void)
{
    uint32_t x = rand_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rand_state = x;
    return x;
}

const struct denali_net_counters *denali_net_counters(void) { return &counters; }
struct netif *denali_net_netif(void) { return &netif; }

static err_t link_output(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (p->tot_len < DENALI_ETH_MIN || p->tot_len > DENALI_ETH_MAX) {
        counters.tx_dropped++;
        LINK_STATS_INC(link.lenerr);
        return ERR_IF;
    }
    const void *frame = p->payload;
    if (p->len != p->tot_len) {
        pbuf_copy_partial(p, tx_flat, p->tot_len, 0);
        frame = tx_flat;
    }
    uint32_t st = denali_nic_send(frame, p->tot_len);
    uint64_t give_up = st == DENALI_NIC_SEND_FULL ? denali_now_ns() + TX_FULL_WAIT_NS : 0;
    for (int tries = 0; st == DENALI_NIC_SEND_FULL && tries < TX_FULL_TRIES && denali_now_ns() < give_up; tries++) {
        counters.tx_full_waits++;
        denali_idle(TX_FULL_WAIT_US);
        st = denali_nic_send(frame, p->tot_len);
    }
    if (st != DENALI_NIC_SEND_QUEUED) {
        counters.tx_dropped++;
        LINK_STATS_INC(link.drop);
        return ERR_OK; /* as a wire would: the loss is TCP's to repair */
    }
    counters.tx_frames++;
    counters.tx_bytes += p->tot_len;
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

static err_t netif_setup(struct netif *n)
{
    n->name[0] = 'd';
    n->name[1] = 'n';
    n->output = etharp_output;
    n->linkoutput = link_output;
    n->mtu = 1500;
    n->hwaddr_len = ETH_HWADDR_LEN;
    for (int i = 0; i < ETH_HWADDR_LEN; i++)
        n->hwaddr[i] = DENALI->mac[i];
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

/* Receives up to RX_BATCH frames; returns how many. */
static int receive_batch(void)
{
    int got = 0;
    while (got < RX_BATCH) {
        struct pbuf *p = spare_rx;
        spare_rx = 0;
        if (!p)
            p = pbuf_alloc(PBUF_RAW, DENALI_ETH_MAX, PBUF_POOL);
        if (!p || p->next) {
            /* No buffer: take the frame off the queue anyway, or it would block the others. */
            if (p)
                pbuf_free(p);
            static uint8_t sink[DENALI_ETH_MAX];
            if (!denali_nic_recv(sink, sizeof sink))
                break;
            counters.rx_dropped++;
            LINK_STATS_INC(link.memerr);
            got++;
            continue;
        }
        uint32_t len = denali_nic_recv(p->payload, p->len);
        if (!len) {
            spare_rx = p;
            break;
        }
        got++;
        counters.rx_frames++;
        counters.rx_bytes += len;
        LINK_STATS_INC(link.recv);
        pbuf_realloc(p, (u16_t)len);
        if (netif.input(p, &netif) != ERR_OK) {
            counters.rx_dropped++;
            pbuf_free(p);
        }
    }
    return got;
}

static int parse_ip(const char *cmdline, const char *key, uint32_t *out)
{
    char buf[20];
    ip4_addr_t a;
    if (!denali_arg(cmdline, key, buf, sizeof buf))
        return 0;
    if (!ip4addr_aton(buf, &a)) {
        printf("net: bad %s=%s\n", key, buf);
        return -1;
    }
    *out = ip4_addr_get_u32(&a);
    return 1;
}

int denali_net_init(const char *cmdline)
{
    uint32_t ip = DENALI->ip, mask = DENALI->netmask, gw = DENALI->gateway;
    if (parse_ip(cmdline, "ip", &ip) < 0 || parse_ip(cmdline, "netmask", &mask) < 0 ||
        parse_ip(cmdline, "gw", &gw) < 0)
        return -1;
    if (!ip) {
        printf("net: no IPv4 address (register page ip is 0 and no ip= on the cmdline)\n");
        return -1;
    }
    rand_state = 0x9E3779B9u ^ (DENALI->vm_id * 0x85EBCA6Bu) ^ ((uint32_t)DENALI->mac[4] << 8 | DENALI->mac[5]);
    if (!rand_state)
        rand_state = 1;
    lwip_init();
    ip4_addr_t a, m, g;
    ip4_addr_set_u32(&a, ip);
    ip4_addr_set_u32(&m, mask);
    ip4_addr_set_u32(&g, gw);
    netif_add(&netif, &a, &m, &g, 0, netif_setup, ethernet_input);
    netif_set_default(&netif);
    netif_set_up(&netif); /* also announces the address with a gratuitous ARP */
    char sa[16], sm[16], sg[16];
    ip4addr_ntoa_r(&a, sa, sizeof sa);
    ip4addr_ntoa_r(&m, sm, sizeof sm);
    ip4addr_ntoa_r(&g, sg, sizeof sg);
    const uint8_t *h = netif.hwaddr;
    printf("net: vm %u mac %02x:%02x:%02x:%02x:%02x:%02x ip %s netmask %s gw %s\n", DENALI->vm_id, h[0], h[1],
           h[2], h[3], h[4], h[5], sa, sm, sg);
    return 0;
}

void denali_net_step(uint32_t max_wait_us)
{
    uint32_t seen = intr_seq(DENALI_INTR_NET_BIT);
    int got = receive_batch();
    sys_check_timeouts();
    if (got == RX_BATCH)
        return; /* more may be waiting: come back at once */
    uint32_t ms = sys_timeouts_sleeptime();
    uint32_t us = ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE || ms > 4000000u ? DENALI_IDLE_FOREVER : ms * 1000u;
    if (max_wait_us < us)
        us = max_wait_us;
    if (us == 0)
        return;
    if (os_wait_intr(DENALI_INTR_NET_BIT, seen, us))
        counters.wakeups++;
}

void denali_net_run(void)
{
    for (;;)
        denali_net_step(DENALI_IDLE_FOREVER);
}
