/*
 * echo: answers every Ethernet frame with the same frame sent back to its sender.
 *
 * cmdline: count=N (exit 0 after N frames; default 0 = run forever), quiet (no per-frame line).
 *
 * The reply keeps the received bytes except the two addresses: destination = the frame's
 * source, source = this VM's MAC (register page). With no frame waiting the guest blocks in
 * IDLE until a NET interrupt (os_wait_intr). A full transmit queue (status 1) is retried after
 * 1 ms, up to 100 times, after which the frame is counted as dropped.
 */
#include <denali.h>
#include <denali_os.h>
#include <stdio.h>
#include <string.h>

#define FRAME_MAX 2048u

static uint8_t frame[FRAME_MAX];

static void format_mac(char *out, const uint8_t *m)
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int main(const char *cmdline)
{
    uint32_t count = denali_arg_u32(cmdline, "count", 0);
    int quiet = denali_has_word(cmdline, "quiet");
    uint8_t own[6];
    for (int i = 0; i < 6; i++)
        own[i] = DENALI->mac[i];
    char mac[18];
    format_mac(mac, own);
    printf("echo: vm %u mac %s count %u\n", DENALI->vm_id, mac, count);

    uint32_t echoed = 0, dropped = 0, seq = 0;
    while (!count || echoed + dropped < count) {
        uint32_t seen = intr_seq(DENALI_INTR_NET_BIT);
        uint32_t len = denali_nic_recv(frame, FRAME_MAX);
        if (!len) {
            os_wait_intr(DENALI_INTR_NET_BIT, seen, DENALI_IDLE_FOREVER);
            continue;
        }
        seq++;
        if (len < DENALI_ETH_MIN || len > FRAME_MAX) {
            printf("echo: frame %u has bad length %u\n", seq, len);
            dropped++;
            continue;
        }
        if (!quiet) {
            format_mac(mac, frame + 6);
            printf("frame %u len %u from %s type %02x%02x\n", seq, len, mac, frame[12], frame[13]);
        }
        memcpy(frame, frame + 6, 6);
        memcpy(frame + 6, own, 6);
        uint32_t st = DENALI_NIC_SEND_FULL;
        for (int tries = 0; tries < 100 && (st = denali_nic_send(frame, len)) == DENALI_NIC_SEND_FULL; tries++)
            os_sleep_us(1000);
        if (st == DENALI_NIC_SEND_QUEUED) {
            echoed++;
        } else {
            printf("echo: frame %u not sent, status %u\n", seq, st);
            dropped++;
        }
    }
    printf("echo: %u frames echoed, %u dropped\n", echoed, dropped);
    return 0;
}
