// dataset.hpp — MNIST-style data sets in memory, and batches of them as float matrices.
//
// Images stay as bytes (0–255): MNIST's 60 000 training images take 47 MB this way, four
// times less than as floats. A batch is converted to floats when it is needed, and
// standardized: x = (byte/255 − mean) / stddev, with the training set's pixel mean and
// standard deviation. Inputs centred on 0 with unit spread make SGD converge much faster
// than raw [0, 1] pixels (every input is positive there, so the gradient of a neuron's
// weights all share one sign); it is the usual preprocessing for MNIST.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/matrix.hpp"

namespace nnlab {

// The pixel statistics used to standardize inputs, in [0, 1] units.
struct PixelScale {
    float mean = 0.0f;    // 0 and 1: no standardization, x = byte/255
    float stddev = 1.0f;
};

// The training sets' statistics (over all 60 000 × 784 pixels; a test recomputes them).
constexpr PixelScale kMnistScale{0.1306605f, 0.3081078f};
constexpr PixelScale kFashionScale{0.2860406f, 0.3530242f};

struct Dataset {
    std::string name;                   // e.g. "mnist/train"
    int count = 0;                      // number of images
    int rows = 0, cols = 0;             // of each image: 28×28
    std::vector<std::uint8_t> images;   // count × (rows·cols), row-major, 0–255
    std::vector<std::uint8_t> labels;   // count, each a class 0–9
    PixelScale scale;                   // how fill_batch turns bytes into inputs

    int features() const { return rows * cols; }  // at most 2^30: the IDX reader's limit
    const std::uint8_t* image(int i) const { return images.data() + static_cast<std::size_t>(i) * features(); }
};

enum class Split { Train, Test };

// Reads an images file and a labels file (raw or .gz) and checks that they agree:
// the same count, and every label in 0–9. Throws IdxError naming the file otherwise.
Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path, const std::string& name);

// Loads the train or test split from a folder with the four standard MNIST file names
// (train-images-idx3-ubyte, …; each may also be .gz), as data/fetch.cmake writes them.
// Its PixelScale: kMnistScale for a folder named mnist, kFashionScale for fashion-mnist, and
// for any other folder the split's own statistics — to standardize a test split with its
// training split's, load both with load_train_test.
Dataset load_split(const std::string& folder, Split split);

// Both splits; the test split is standardized with the training split's PixelScale.
struct TrainTest {
    Dataset train, test;
};
TrainTest load_train_test(const std::string& folder);

// The data folder: $NNLAB_DATA_DIR if set, else the one configured at build time (data/).
std::string data_dir();

// True when `folder` holds all four files (raw or .gz); it does not check their contents.
bool has_dataset(const std::string& folder);

// The mean and standard deviation of all pixels of `data`, in [0, 1] units.
PixelScale pixel_statistics(const Dataset& data);

// x(r, j) = (image(indices[r])[j] / 255 − mean) / stddev and y[r] = label(indices[r]), r < n.
// x is resized to n×features, reusing its storage: no allocation per batch.
void fill_batch(const Dataset& data, const int* indices, int n, Matrix& x, std::vector<int>& y);

}  // namespace nnlab
