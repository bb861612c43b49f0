/** Integer arithmetic with exact x86 flags, and the lazy evaluation of EFLAGS. */
package io.denalij.cpu.alu;
