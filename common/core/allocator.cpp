#include "allocator.hpp"

#include <cstdlib>  // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nnlab {

void keep_freed_memory() {
#if defined(__GLIBC__)
    // 32 MiB is the largest mmap threshold glibc accepts on 64-bit: blocks below it come from
    // the heap and are reused. Setting it also stops glibc from moving it by itself.
    constexpr int kMmapThreshold = 32 << 20;
    // Free memory at the top of the heap is returned only past 512 MiB (a large network's
    // weights, gradients and velocities stay well below).
    constexpr int kTrimThreshold = 512 << 20;
    mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
    mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
#endif
}

}  // namespace nnlab
