// float_env.cpp — sets MXCSR's FTZ and DAZ bits on every thread that computes (see float_env.hpp).
#include "gemm/float_env.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define NNLAB_HAVE_MXCSR 1
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#include "gemm/gemm.hpp"

namespace nnlab {

namespace {

#ifdef NNLAB_HAVE_MXCSR
constexpr unsigned kFlushToZero = 0x8000;       // MXCSR bit 15: results below 2⁻¹²⁶ become 0
constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR bit 6: inputs below 2⁻¹²⁶ read as 0
#endif

void set_on_this_thread(bool on) {
#ifdef NNLAB_HAVE_MXCSR
    const unsigned both = kFlushToZero | kDenormalsAreZero;
    _mm_setcsr(on ? _mm_getcsr() | both : _mm_getcsr() & ~both);
#else
    (void)on;
#endif
}

}  // namespace

void set_flush_to_zero(bool on) {
    set_on_this_thread(on);
#ifdef _OPENMP
    // OpenMP keeps its pool's threads for every later parallel region, so setting their MXCSR
    // once here lasts. Each thread of a region of this size sets its own.
#pragma omp parallel num_threads(gemm_threads())
    set_on_this_thread(on);
#endif
}

void enable_flush_to_zero() { set_flush_to_zero(true); }

bool flush_to_zero_enabled() {
#ifdef NNLAB_HAVE_MXCSR
    const unsigned both = kFlushToZero | kDenormalsAreZero;
    return (_mm_getcsr() & both) == both;
#else
    return false;
#endif
}

}  // namespace nnlab
