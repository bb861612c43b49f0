/**
 * The Denali virtual devices of SPEC section 5: console (ports 0x100/0x101), virtual NIC (0x200/0x201),
 * virtual disks (0x300) and the periodic timer, one {@link io.denalij.devices.denali.DenaliDevices} per VM.
 *
 * <p>Everything here is plain objects driven by the VM's thread, with two exceptions that are thread-safe by
 * design: host-side input ({@code DenaliConsole.offerInput}, {@code DenaliNic.offerReceive} /
 * {@code pollTransmit}, over JCTools queues) and disk flushes, which run on the JVM's one shared
 * {@link io.denalij.devices.denali.IoExecutor} and report back through an MPSC queue. Devices write guest
 * memory on their own, and raise interrupt bits, only in {@code boundary()}. Disk formats and crash
 * guarantees: docs/DENALI-DISKS.md.
 */
package io.denalij.devices.denali;
