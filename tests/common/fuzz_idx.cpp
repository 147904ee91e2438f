// libFuzzer target for the IDX parser: any bytes, raw or gzip, must give an IdxArray or an
// IdxError — never a crash, a leak or undefined behaviour.
//   build: the fuzz configuration in .ci/run (clang, -DNNLAB_FUZZ=ON)
//   run:   build/fuzz/bin/fuzz_idx -max_total_time=60 build/fuzz/idx-corpus
#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        nnlab::IdxArray a = nnlab::parse_idx(std::vector<std::uint8_t>(data, data + size), "fuzz-input");
        std::size_t count = 1;
        for (int d : a.dims) count *= static_cast<std::size_t>(d);
        if (count != a.data.size()) __builtin_trap();  // parse_idx promised this
    } catch (const nnlab::IdxError&) {
    }
    return 0;
}
