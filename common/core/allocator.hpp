// allocator.hpp — one setting of the C library's allocator, for programs that train.
//
// A training step allocates and frees the same few matrices every step (h, a, dh, da: B×H
// floats each). glibc serves a block of 128 KiB or more with its own mmap and gives it back
// on free, and returns the free memory at the top of its heap to the kernel once more than
// twice that lies there. Whether a step trips over this depends on the order its matrices are
// freed in — a student's train_step that keeps its activations to the end does: from 128 KiB
// matrices on (batch 128 × 256 hidden units) each step hands them back and the next faults them
// in again, page by page. Measured on an AMD EPYC (Zen 4), 1 thread, such a step: 1.20 → 1.07 ms,
// the ReLU's backward alone 61 → 6 µs; the labs' own train_step: 0.55 → 0.54 s per epoch.
#pragma once

namespace nnlab {

// Keeps freed memory in the process for the next allocation instead of returning it to the
// kernel: raises glibc's mmap and trim thresholds above any matrix a step frees. Call once,
// at the start of main. Does nothing where the C library is not glibc.
void keep_freed_memory();

}  // namespace nnlab
