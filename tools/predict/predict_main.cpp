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

std::string top3(const std::vector<float>& p) {
    std::vector<int> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + 3, order.end(), [&](int a, int b) { return p[a] > p[b]; });
    char buf[128];
    std::snprintf(buf, sizeof buf, "%d   top-3: %d %.1f%%  %d %.1f%%  %d %.1f%%", order[0], order[0], 100 * p[order[0]],
                  order[1], 100 * p[order[1]], order[2], 100 * p[order[2]]);
    return buf;
}

void print_ascii(const std::uint8_t* pixels) {
    const char* ramp = " .:-=+*#%@";
    for (int y = 0; y < 28; ++y) {
        std::string line;
        for (int x = 0; x < 28; ++x) line += std::string(2, ramp[pixels[y * 28 + x] * 9 / 255]);
        std::cout << "  " << line << "\n";
    }
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
        ->check(CLI::Range(0, 9999));
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
        int failures = 0;
        for (const auto& path : images) {
            try {
                std::cout << path << ": " << top3(classify(model, to_mnist_digit(read_gray_image(path)))) << "\n";
            } catch (const ImageError& e) {
                std::cerr << "nnlab-predict: error: " << e.what() << "\n";
                ++failures;
            }
        }
        if (test_index >= 0) {
            const std::string folder = data.empty() ? data_dir() + "/mnist" : data;
            if (!has_dataset(folder))
                throw std::runtime_error("MNIST not found in " + folder + "; fetch it with: cmake -P data/fetch.cmake mnist");
            const Dataset test = load_split(folder, Split::Test);
            const std::uint8_t* pixels = test.image(test_index);
            print_ascii(pixels);
            const std::vector<std::uint8_t> bytes(pixels, pixels + 28 * 28);
            std::cout << "MNIST test image " << test_index << ": label " << int(test.labels[static_cast<std::size_t>(test_index)])
                      << " · predicted " << top3(classify(model, bytes)) << "\n";
        }
        return failures == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "nnlab-predict: error: " << e.what() << "\n";
        return 1;
    }
}
