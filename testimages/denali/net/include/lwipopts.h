/*
 * lwipopts.h - lwIP configuration for Denali guests: no OS (NO_SYS = 1), raw/callback API
 * only, IPv4 over Ethernet with ARP, ICMP, UDP and TCP. One configuration serves every
 * network guest (build/liblwip.a); it is sized for httpd, the most demanding one.
 *
 * Concurrency: lwIP is only ever entered from the guest's main loop (denali_net.c), never from
 * an upcall, so no locking is needed (SYS_LIGHTWEIGHT_PROT = 0).
 *
 * Limits and memory (all static, in .bss; see README "Network guests"):
 *   - 256 TCP connections at once (MEMP_NUM_TCP_PCB), plus 4 listening sockets;
 *   - per connection: 8 segments of send buffer (TCP_SND_BUF 11680 bytes) and a receive
 *     window of 4 segments (5840 bytes);
 *   - 1024 TCP segments and 1024 ROM/REF pbufs shared by all connections: httpd's documents
 *     are sent by reference (no copy), so a segment costs a descriptor and a small header
 *     buffer, not its payload. When they run out, a connection waits for another's ACKs;
 *   - 64 receive buffers of 1520 bytes (PBUF_POOL), a 192 KiB heap (MEM_SIZE) for headers,
 *     copied data and ARP queues, 32 ARP entries.
 * Together about 0.6 MiB of .bss.
 */
#ifndef DENALI_LWIPOPTS_H
#define DENALI_LWIPOPTS_H

#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_SINGLE_NETIF 1
#define LWIP_HAVE_LOOPIF 0
#define LWIP_NETIF_LOOPBACK 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define ARP_TABLE_SIZE 32
#define ARP_QUEUEING 1
#define ETH_PAD_SIZE 0

/* Memory. */
#define MEM_ALIGNMENT 4
#define MEM_SIZE (192 * 1024)
#define MEMP_NUM_PBUF 1024
#define MEMP_NUM_UDP_PCB 4
#define MEMP_NUM_TCP_PCB 256
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_TCP_SEG 1024
#define MEMP_NUM_REASSDATA 8
#define MEMP_NUM_FRAG_PBUF 16
#define MEMP_NUM_ARP_QUEUE 64
#define PBUF_POOL_SIZE 64
#define PBUF_POOL_BUFSIZE 1520 /* a whole Ethernet frame: the driver receives into one pbuf */

/* TCP. */
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (8 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_PBUFS 8
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_WND_SCALE 0
#define LWIP_TCP_SACK_OUT 0
#define LWIP_CALLBACK_API 1

/* Checksums are computed and checked in software: the NIC offloads nothing. */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1

/* Counters the guests report (ICMP echo replies, drops); nothing is printed by lwIP itself. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define LINK_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define SYS_STATS 0

#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_DEBUG 0

#endif
