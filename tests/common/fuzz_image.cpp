// libFuzzer target for the picture reader of nnlab-predict: any bytes (PGM P2/P5, PNG, or
// neither) must give a GrayImage or an ImageError — never a crash, a leak or undefined
// behaviour — and a decoded image must survive to_mnist_digit.
//   build: cmake --preset fuzz && cmake --build --preset fuzz
//   run:   build/fuzz/bin/fuzz_image -max_total_time=60 build/fuzz/image-corpus
#include <cstddef>
#include <cstdint>
#include <vector>

#include "predict/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const nnlab::GrayImage image = nnlab::decode_gray_image(std::vector<std::uint8_t>(data, data + size), "fuzz-input");
        if (image.width < 1 || image.height < 1 ||
            image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height))
            __builtin_trap();  // decode_gray_image promised this
        if (nnlab::to_mnist_digit(image).size() != 28 * 28) __builtin_trap();
    } catch (const nnlab::ImageError&) {
    }
    return 0;
}
