// lanes.hpp — lane masks for the AVX2 backend's ragged edges. Internal: included
// only by the avx2/*.cpp files, which are compiled with -mavx2 -mfma.
#pragma once

#include <immintrin.h>

#include <algorithm>

namespace nnlab::detail::avx2 {

// Lanes 0..n−1 of an 8-lane mask set (n clamped to 0..8): for the ragged right edge of C.
inline __m256i lanes_below(int n) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(std::clamp(n, 0, 8)), index);
}

}  // namespace nnlab::detail::avx2
