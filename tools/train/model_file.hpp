// model_file.hpp — saving and loading a trained network.
//
// Layout (little-endian):
//   "NNLABMDL"                      8-byte magic
//   u32 version = 1
//   u32 inputs, hidden, classes     the shapes
//   f32 pixel mean, pixel stddev    the input standardization the network was trained with
//   f32 fc1.W (inputs×hidden), fc1.b (hidden), fc2.W (hidden×classes), fc2.b (classes)
//   u32 CRC-32 of every byte above
// save_model writes a temporary file and renames it: a crash never leaves half a model, and
// a failed write throws OutputError naming the file.
// load_model reads a regular file of at most 1 GiB, checks everything and throws ModelError
// naming the file and what is wrong.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "lab05_sgd/network.hpp"

namespace nnlab {

class ModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Model {
    Network net;
    PixelScale scale;
};

void save_model(const std::filesystem::path& path, const Network& net, PixelScale scale);
Model load_model(const std::string& path);

// The checks and the decoding of load_model, on bytes already in memory; `path` names them
// in the messages.
Model parse_model(const std::vector<unsigned char>& bytes, const std::string& path);

}  // namespace nnlab
