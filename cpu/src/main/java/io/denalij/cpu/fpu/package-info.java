/**
 * The x87 FPU: {@link io.denalij.cpu.fpu.X87} (registers, stack, control/status/tag words, every D8..DF
 * instruction), the software 80-bit arithmetic it runs on, and the memory formats. See docs/X87.md for what is
 * bit-exact and what is not.
 */
package io.denalij.cpu.fpu;
