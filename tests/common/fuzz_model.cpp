// libFuzzer target for the model-file reader: any bytes must give a Model or a ModelError —
// never a crash, a leak or undefined behaviour — and a model it accepts has the shapes its
// header states.
//   build: cmake --preset fuzz && cmake --build --preset fuzz
//   run:   build/fuzz/bin/fuzz_model -max_total_time=60 build/fuzz/model-corpus
#include <cstddef>
#include <cstdint>
#include <vector>

#include "train/model_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const nnlab::Model m = nnlab::parse_model(std::vector<unsigned char>(data, data + size), "fuzz-input");
        if (m.net.fc1.out() != m.net.fc2.in() || m.net.fc1.W.size() != static_cast<std::size_t>(m.net.fc1.in()) * m.net.fc1.out())
            __builtin_trap();
    } catch (const nnlab::ModelError&) {
    }
    return 0;
}
