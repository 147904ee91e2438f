// Writes the image fuzzer's seed corpus: small valid pictures of each kind the reader takes —
// PGM binary and ASCII, and (with libpng) PNG gray, gray with alpha, and RGB.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#ifdef NNLAB_HAVE_PNG
#include <png.h>
#endif

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_image_seeds DIR\n";
        return 2;
    }
    const std::string dir = argv[1];
    const int w = 6, h = 5;
    std::vector<unsigned char> gray(w * h);
    for (std::size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<unsigned char>(i * 37);
    {
        std::ofstream p5(dir + "/binary.pgm", std::ios::binary);
        p5 << "P5\n# a comment\n" << w << " " << h << "\n255\n";
        p5.write(reinterpret_cast<const char*>(gray.data()), static_cast<std::streamsize>(gray.size()));
        std::ofstream p2(dir + "/ascii.pgm");
        p2 << "P2\n" << w << " " << h << "\n15\n";
        for (unsigned char g : gray) p2 << g % 16 << ' ';
        if (!p5 || !p2) return 1;
    }
#ifdef NNLAB_HAVE_PNG
    auto write_png = [&](const std::string& name, png_uint_32 format, int channels) {
        std::vector<unsigned char> pixels;
        for (unsigned char g : gray)
            for (int c = 0; c < channels; ++c) pixels.push_back(static_cast<unsigned char>(g + 50 * c));
        png_image png{};
        png.version = PNG_IMAGE_VERSION;
        png.width = w;
        png.height = h;
        png.format = format;
        return png_image_write_to_file(&png, (dir + "/" + name).c_str(), 0, pixels.data(), 0, nullptr) != 0;
    };
    if (!write_png("gray.png", PNG_FORMAT_GRAY, 1) || !write_png("alpha.png", PNG_FORMAT_GA, 2) ||
        !write_png("rgb.png", PNG_FORMAT_RGB, 3))
        return 1;
#endif
    return 0;
}
