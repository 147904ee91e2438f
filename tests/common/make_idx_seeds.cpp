// Writes the fuzzer's seed corpus: small valid IDX files, raw and gzip, of 1–3 dimensions.
#include <iostream>
#include <string>
#include <vector>

#include "data/idx.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_idx_seeds DIR\n";
        return 2;
    }
    const std::string dir = argv[1];
    std::vector<std::uint8_t> bytes(2 * 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 11);
    nnlab::write_idx(dir + "/images.idx", {2, 3, 4}, bytes);
    nnlab::write_idx(dir + "/images.idx.gz", {2, 3, 4}, bytes);
    nnlab::write_idx(dir + "/labels.idx", {5}, {0, 1, 2, 3, 9});
    nnlab::write_idx(dir + "/matrix.idx.gz", {4, 6}, bytes);
    return 0;
}
