// float_env.hpp — flush-to-zero and denormals-are-zero, for programs that train or benchmark.
//
// Subnormal floats (magnitude below 2⁻¹²⁶ ≈ 1.2e-38) take a slow path through microcode on
// x86 cores: an FMA that reads or writes one costs ~100 normal ones. They appear in
// training by themselves — a momentum term that decays by 0.9 per step for ~800 steps, the
// gradient of a unit that stopped firing — and a step that meets many of them can take
// twice as long (measured: 0.29 → 0.55 s per epoch at --hidden 128 --batch 64). Two bits in
// the MXCSR register make the core treat them as 0: FTZ (results that would be subnormal
// become 0) and DAZ (subnormal inputs are read as 0). Each thread has its own MXCSR.
#pragma once

namespace nnlab {

// Sets FTZ and DAZ on the calling thread and on every thread of OpenMP's pool (the GEMM's
// threads, up to gemm_threads()). Call once at the start of main, after set_gemm_threads.
// Changes results only where a value below 1.2e-38 would appear: it is 0 instead.
// Does nothing on CPUs without these modes (non-x86).
void enable_flush_to_zero();

// Sets (on = true, the same as enable_flush_to_zero) or clears both bits on the same threads:
// a benchmark clears them to show what subnormals cost.
void set_flush_to_zero(bool on);

// FTZ and DAZ are both set on the calling thread.
bool flush_to_zero_enabled();

}  // namespace nnlab
