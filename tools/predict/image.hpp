// image.hpp — reading a picture of a digit and turning it into an MNIST-like input.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnlab {

class ImageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct GrayImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels;  // row-major, 0 black … 255 white
    std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

constexpr int kMaxImageSide = 10000;                        // pixels, width and height
constexpr std::size_t kMaxImageFileBytes = std::size_t{64} << 20;  // 64 MiB

// Reads a PGM (P2 or P5) or a PNG (any colour type: converted to gray; transparency
// composited over paper of the opposite shade to the ink). Only a regular file of at most
// kMaxImageFileBytes is read (not a folder, a FIFO or /dev/zero). Throws ImageError naming
// the file and the problem for anything else.
GrayImage read_gray_image(const std::string& path);

// The same, on the bytes of a file already in memory; `path` names them in messages.
GrayImage decode_gray_image(const std::vector<std::uint8_t>& bytes, const std::string& path);

// Makes the 28×28 bytes MNIST expects: white ink on black. A picture with a light
// background (dark ink on paper) is inverted; a picture of another size has its ink cropped,
// scaled to fit 20×20 and centred by its centre of mass in 28×28, as MNIST's digits were.
std::vector<std::uint8_t> to_mnist_digit(const GrayImage& image);

}  // namespace nnlab
