// nnlab-predict — what does a trained network see in a picture?
//
//   nnlab-predict runs/…/model.bin digit.png other.pgm     the digit and the top 3 for each
//   nnlab-predict runs/…/model.bin --mnist-test 7          test image 7 as ASCII art, with
//                                                          its label and the prediction
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "predict/image.hpp"
#include "lab04_cross_entropy/cross_entropy.hpp"
#include "train/model_file.hpp"
#include "train/output_file.hpp"

using namespace nnlab;

namespace {

// The class probabilities of one 28×28 byte image under the model.
std::vector<float> classify(Model& model, const std::vector<std::uint8_t>& bytes) {
    Dataset one;
    one.count = 1;
    one.rows = one.cols = 28;
    one.images = bytes;
    one.labels = {0};
    one.scale = model.scale;
    Matrix x;
    std::vector<int> y;
    const int index = 0;
    fill_batch(one, &index, 1, x, y);
    const Matrix p = softmax_rows(model.net.forward(x));
    return {p.data(), p.data() + p.cols()};
}

// "7   top-3: 7 98.1%  1 0.9%  2 0.4%": the most likely class, then the three most likely
// (fewer when the model has fewer classes).
std::string top3(const std::vector<float>& p) {
    std::vector<int> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t k = std::min<std::size_t>(3, p.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [&](int a, int b) { return p[static_cast<std::size_t>(a)] > p[static_cast<std::size_t>(b)]; });
    std::string line = std::to_string(order[0]) + "   top-" + std::to_string(k) + ":";
    for (std::size_t i = 0; i < k; ++i) {
        char buf[64];
        std::snprintf(buf, sizeof buf, " %d %.1f%% ", order[i], 100 * static_cast<double>(p[static_cast<std::size_t>(order[i])]));
        line += buf;
    }
    line.pop_back();
    return line;
}

void print_ascii(const Dataset& d, int index) {
    const char* ramp = " .:-=+*#%@";
    const std::uint8_t* pixels = d.image(index);
    for (int y = 0; y < d.rows; ++y) {
        std::string line;
        for (int x = 0; x < d.cols; ++x) line += std::string(2, ramp[pixels[y * d.cols + x] * 9 / 255]);
        std::cout << "  " << line << "\n";
    }
}

// Each image on a line of its own: "path: 7   top-3: …", or an error on stderr naming it.
// The line is printed whole or not at all. Returns how many images failed.
int classify_images(Model& model, const std::vector<std::string>& images) {
    int failures = 0;
    for (const auto& path : images) {
        try {
            const std::string line = path + ": " + top3(classify(model, to_mnist_digit(read_gray_image(path))));
            std::cout << line << std::endl;
        } catch (const std::exception& e) {
            std::cout << std::flush;
            std::cerr << "nnlab-predict: error: " << e.what() << std::endl;
            ++failures;
        }
    }
    return failures;
}

// MNIST test image `index` as ASCII art, its label and the prediction; the index is checked
// against the test set actually loaded, and its images against the model's input size.
void show_mnist_test(Model& model, const std::string& folder, int index) {
    if (!has_dataset(folder))
        throw std::runtime_error("MNIST not found in " + folder + "; fetch it with: cmake -P data/fetch.cmake mnist");
    const Dataset test = load_split(folder, Split::Test);
    if (index >= test.count)
        throw std::runtime_error("--mnist-test " + std::to_string(index) + ": the test set in " + folder + " has " +
                                 std::to_string(test.count) + " images (0 to " + std::to_string(test.count - 1) + ")");
    if (test.rows != 28 || test.cols != 28)
        throw std::runtime_error(folder + ": its test images are " + std::to_string(test.rows) + "×" +
                                 std::to_string(test.cols) + "; the model reads 28×28");
    print_ascii(test, index);
    const std::vector<std::uint8_t> bytes(test.image(index), test.image(index) + test.features());
    std::cout << "MNIST test image " << index << ": label " << int(test.labels[static_cast<std::size_t>(index)])
              << " · predicted " << top3(classify(model, bytes)) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"nnlab-predict: classify digit images with a model written by nnlab-train"};
    std::string model_path, data;
    std::vector<std::string> images;
    int test_index = -1;
    app.add_option("model", model_path, "model.bin from a run folder")->required();
    app.add_option("images", images, "PNG or PGM images of digits (any size; light or dark background)");
    app.add_option("--mnist-test", test_index, "show MNIST test image N as ASCII art with the prediction")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--data", data, "folder holding MNIST (default: data/mnist)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "nnlab-predict: error: " << e.what() << "\nRun nnlab-predict --help for the usage.\n";
        return 2;
    }
    if (images.empty() && test_index < 0) {
        std::cerr << "nnlab-predict: error: give an image file or --mnist-test N\n";
        return 2;
    }
    try {
        Model model = load_model(model_path);
        if (model.net.fc1.in() != 28 * 28) throw ModelError(model_path + ": not a 28×28-input model");
        const int failures = classify_images(model, images);
        if (test_index >= 0) show_mnist_test(model, data.empty() ? data_dir() + "/mnist" : data, test_index);
        check_standard_output();
        return failures == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "nnlab-predict: error: " << e.what() << "\n";
        return 1;
    }
}
