/*
 * udp-echo: sends every UDP datagram received on port 7 back to its sender (RFC 862).
 *
 * cmdline: port=P (default 7), count=N (exit 0 after N datagrams; default 0 = forever),
 * quiet (no line per datagram), plus the network words of denali_net_init.
 *
 * The reply reuses the received buffer: lwIP puts the new UDP, IP and Ethernet headers into
 * the space the old ones occupied, so echoing copies nothing.
 */
#include <denali.h>
#include <denali_net.h>
#include <stdio.h>
#include <stdlib.h>

#include "lwip/udp.h"

static uint32_t echoed, failed, count;
static int quiet;

static void on_datagram(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    char from[16];
    ip4addr_ntoa_r(ip_2_ip4(addr), from, sizeof from);
    uint16_t len = p->tot_len;
    err_t err = udp_sendto(pcb, p, addr, port);
    pbuf_free(p);
    if (err == ERR_OK)
        echoed++;
    else
        failed++;
    if (!quiet)
        printf("datagram %u len %u from %s:%u%s\n", echoed + failed, len, from, port, err == ERR_OK ? "" : " NOT SENT");
}

int main(const char *cmdline)
{
    uint32_t port = denali_arg_u32(cmdline, "port", 7);
    count = denali_arg_u32(cmdline, "count", 0);
    quiet = denali_has_word(cmdline, "quiet");
    if (!port || port > 65535) {
        printf("udp-echo: bad port\n");
        return 2;
    }
    if (denali_net_init(cmdline))
        return 2;
    struct udp_pcb *pcb = udp_new();
    if (!pcb || udp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK) {
        printf("udp-echo: cannot bind port %u\n", port);
        return 1;
    }
    udp_recv(pcb, on_datagram, 0);
    printf("udp-echo: listening on port %u\n", port);
    while (!count || echoed + failed < count)
        denali_net_step(DENALI_IDLE_FOREVER);
    /* Give the last reply's frame time to leave (ARP may still be resolving) before ending. */
    for (int i = 0; i < 10; i++)
        denali_net_step(10000);
    printf("udp-echo: %u datagrams echoed, %u failed\n", echoed, failed);
    return failed ? 1 : 0;
}
