// nnlab-train — trains the network of labs 2–6 on MNIST (or Fashion-MNIST), fast, and
// plots its loss. It links whichever edition the build chose: the instructor's solutions
// or the student's own labs. The steps of a run are in trainer.cpp.
//
//   nnlab-train                                          the defaults (printed at start)
//   nnlab-train --hidden 1024 --epochs 20 --batch 96     a longer run; --help lists every flag
//
// Exit codes: 0 done; 1 a problem while running (missing or corrupt data, unfinished lab,
// diverging loss, an existing or unwritable run folder, a failed write); 2 a bad flag.
#include <iostream>

#include "core/allocator.hpp"
#include "gemm/float_env.hpp"
#include "gemm/gemm.hpp"
#include "train/options.hpp"
#include "train/output_file.hpp"
#include "train/trainer.hpp"

int main(int argc, char** argv) {
    nnlab::Options options;
    if (const auto code = nnlab::parse_options(argc, argv, options)) return *code;
    if (options.threads > 0) nnlab::set_gemm_threads(options.threads);
    nnlab::enable_flush_to_zero();  // on each of those threads: subnormals stall training (gemm/float_env.hpp)
    nnlab::keep_freed_memory();     // a step's matrices are reused, not faulted in again (core/allocator.hpp)
    try {
        const int code = nnlab::train(options);
        nnlab::check_standard_output();
        return code;
    } catch (const std::exception& e) {
        std::cerr << "nnlab-train: error: " << e.what() << "\n";
        return 1;
    }
}
