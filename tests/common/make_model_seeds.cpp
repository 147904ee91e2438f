// Writes the model fuzzer's seed corpus: small valid model files, as nnlab-train saves them.
#include <iostream>
#include <string>

#include "train/model_file.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_model_seeds DIR\n";
        return 2;
    }
    const std::string dir = argv[1];
    nnlab::save_model(dir + "/tiny.bin", nnlab::Network(4, 3, 2, 1), {0.5f, 0.25f});
    nnlab::save_model(dir + "/small.bin", nnlab::Network(16, 8, 10, 2), nnlab::kMnistScale);
    nnlab::save_model(dir + "/one.bin", nnlab::Network(1, 1, 1, 3), {});
    return 0;
}
