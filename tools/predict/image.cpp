#include "image.hpp"

#include <algorithm>
#include <cmath>
#include <cctype>

#include "data/read_file.hpp"

#ifdef NNLAB_HAVE_PNG
#include <png.h>
#endif

namespace nnlab {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw ImageError(path + ": " + what); }

// PGM: "P5" or "P2", width, height, maxval (comments start with #), then the pixels.
GrayImage read_pgm(const std::string& path, const std::vector<unsigned char>& bytes) {
    std::size_t at = 2;
    auto next_number = [&]() -> long {
        while (at < bytes.size()) {
            if (bytes[at] == '#')
                while (at < bytes.size() && bytes[at] != '\n') ++at;
            else if (std::isspace(bytes[at]))
                ++at;
            else
                break;
        }
        if (at >= bytes.size() || !std::isdigit(bytes[at])) fail(path, "malformed PGM header");
        long v = 0;
        while (at < bytes.size() && std::isdigit(bytes[at]) && v < 1000000) v = v * 10 + (bytes[at++] - '0');
        return v;
    };
    const bool binary = bytes[1] == '5';
    GrayImage img;
    const long w = next_number(), h = next_number(), maxval = next_number();
    if (w <= 0 || h <= 0 || w > kMaxImageSide || h > kMaxImageSide) fail(path, "PGM size " + std::to_string(w) + "×" + std::to_string(h) + " is not supported");
    if (maxval <= 0 || maxval > 255) fail(path, "PGM maxval " + std::to_string(maxval) + " is not supported (8-bit only)");
    img.width = static_cast<int>(w);
    img.height = static_cast<int>(h);
    const std::size_t n = static_cast<std::size_t>(w * h);
    if (binary) ++at;  // the single whitespace after maxval
    // Every pixel takes a byte at least (P5), a digit at least (P2): check before allocating.
    if (bytes.size() < at + n) fail(path, "truncated PGM: " + std::to_string(n) + " pixels expected");
    img.pixels.resize(n);
    if (binary) {
        for (std::size_t i = 0; i < n; ++i) img.pixels[i] = static_cast<std::uint8_t>(bytes[at + i] * 255 / maxval);
    } else {
        for (std::size_t i = 0; i < n; ++i) img.pixels[i] = static_cast<std::uint8_t>(std::min(next_number(), maxval) * 255 / maxval);
    }
    return img;
}

#ifdef NNLAB_HAVE_PNG
// Gray over a background: g·a + bg·(1 − a), a in 0..1. Where a picture is transparent, the
// background shows; which one? Drawing programs export ink on transparent, with the
// transparent pixels' own colour usually black: read as is, dark ink on "black" would be a
// blank picture. The paper is the opposite of the ink: the alpha-weighted mean gray of what
// was drawn decides (dark ink: white paper; light ink: black).
void composite_over_paper(const std::vector<std::uint8_t>& gray_alpha, GrayImage& img) {
    double ink_sum = 0, alpha_sum = 0;
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        ink_sum += static_cast<double>(gray_alpha[2 * i]) * gray_alpha[2 * i + 1], alpha_sum += gray_alpha[2 * i + 1];
    const int paper = alpha_sum > 0 && ink_sum / alpha_sum < 128 ? 255 : 0;
    for (std::size_t i = 0; i < img.pixels.size(); ++i) {
        const int g = gray_alpha[2 * i], a = gray_alpha[2 * i + 1];
        img.pixels[i] = static_cast<std::uint8_t>((g * a + paper * (255 - a) + 127) / 255);
    }
}

GrayImage decode_png(const std::vector<std::uint8_t>& bytes, const std::string& path) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()))
        fail(path, std::string("cannot read PNG: ") + png.message);
    png.format = PNG_FORMAT_GA;  // gray and alpha, 8 bits each (sRGB, not premultiplied)
    if (png.width > static_cast<png_uint_32>(kMaxImageSide) || png.height > static_cast<png_uint_32>(kMaxImageSide)) {
        png_image_free(&png);
        fail(path, "PNG of " + std::to_string(png.width) + "×" + std::to_string(png.height) + " is too large (" +
                       std::to_string(kMaxImageSide) + " pixels a side at most)");
    }
    GrayImage img;
    img.width = static_cast<int>(png.width);
    img.height = static_cast<int>(png.height);
    std::vector<std::uint8_t> gray_alpha(PNG_IMAGE_SIZE(png));
    if (!png_image_finish_read(&png, nullptr, gray_alpha.data(), 0, nullptr))
        fail(path, std::string("corrupt PNG: ") + png.message);
    img.pixels.resize(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height));
    composite_over_paper(gray_alpha, img);
    return img;
}
#endif

}  // namespace

GrayImage decode_gray_image(const std::vector<std::uint8_t>& bytes, const std::string& path) {
    if (bytes.size() >= 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '2')) return read_pgm(path, bytes);
    if (bytes.size() >= 8 && bytes[0] == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
#ifdef NNLAB_HAVE_PNG
        return decode_png(bytes, path);
#else
        fail(path, "PNG support was not built (install libpng-dev and rebuild)");
#endif
    }
    fail(path, "not a PGM (P2/P5) or PNG image");
}

GrayImage read_gray_image(const std::string& path) {
    std::vector<std::uint8_t> bytes;
    if (const std::string problem = read_regular_file(path, kMaxImageFileBytes, bytes); !problem.empty()) fail(path, problem);
    return decode_gray_image(bytes, path);
}

std::vector<std::uint8_t> to_mnist_digit(const GrayImage& image) {
    // Light background (the border is mostly bright): dark ink on paper, invert it.
    long border = 0, border_n = 0;
    for (int x = 0; x < image.width; ++x) border += image.at(x, 0) + image.at(x, image.height - 1), border_n += 2;
    for (int y = 0; y < image.height; ++y) border += image.at(0, y) + image.at(image.width - 1, y), border_n += 2;
    const bool invert = border > 128 * border_n;
    auto ink = [&](int x, int y) { return invert ? 255 - image.at(x, y) : image.at(x, y); };

    std::vector<std::uint8_t> out(28 * 28, 0);
    if (image.width == 28 && image.height == 28) {  // already MNIST's size: keep its framing
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x) out[static_cast<std::size_t>(y * 28 + x)] = static_cast<std::uint8_t>(ink(x, y));
        return out;
    }
    // The ink's bounding box.
    int x0 = image.width, y0 = image.height, x1 = -1, y1 = -1;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x)
            if (ink(x, y) > 48) x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    if (x1 < 0) return out;  // a blank picture
    // Scale the box to fit 20×20 (area sampling: each output pixel averages its source rectangle).
    const double scale = 20.0 / std::max(x1 - x0 + 1, y1 - y0 + 1);
    const int w = std::max(1, static_cast<int>(std::lround((x1 - x0 + 1) * scale)));
    const int h = std::max(1, static_cast<int>(std::lround((y1 - y0 + 1) * scale)));
    std::vector<double> small(static_cast<std::size_t>(w * h), 0.0);
    double mass = 0, cx = 0, cy = 0;
    for (int v = 0; v < h; ++v)
        for (int u = 0; u < w; ++u) {
            const int sx0 = x0 + static_cast<int>(u / scale), sx1 = std::max(sx0 + 1, x0 + static_cast<int>((u + 1) / scale));
            const int sy0 = y0 + static_cast<int>(v / scale), sy1 = std::max(sy0 + 1, y0 + static_cast<int>((v + 1) / scale));
            double sum = 0;
            int n = 0;
            for (int y = sy0; y < std::min(sy1, y1 + 1); ++y)
                for (int x = sx0; x < std::min(sx1, x1 + 1); ++x) sum += ink(x, y), ++n;
            const double value = n ? sum / n : 0;
            small[static_cast<std::size_t>(v * w + u)] = value;
            mass += value, cx += value * u, cy += value * v;
        }
    // Place it so its centre of mass lands on (14, 14).
    const int ox = static_cast<int>(std::lround(14 - cx / mass)), oy = static_cast<int>(std::lround(14 - cy / mass));
    for (int v = 0; v < h; ++v)
        for (int u = 0; u < w; ++u) {
            const int x = u + ox, y = v + oy;
            if (x >= 0 && x < 28 && y >= 0 && y < 28)
                out[static_cast<std::size_t>(y * 28 + x)] = static_cast<std::uint8_t>(std::lround(small[static_cast<std::size_t>(v * w + u)]));
        }
    return out;
}

}  // namespace nnlab
