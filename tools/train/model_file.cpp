#include "model_file.hpp"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <vector>

#include "data/read_file.hpp"
#include "train/output_file.hpp"

namespace nnlab {

namespace {

constexpr char kMagic[8] = {'N', 'N', 'L', 'A', 'B', 'M', 'D', 'L'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kMaxSize = 1u << 16;  // no layer of a sane model is wider
constexpr std::size_t kMaxFileBytes = std::size_t{1} << 30;  // 1 GiB: 784→65536→10 is 200 MiB

struct Writer {
    std::vector<unsigned char> bytes;
    void raw(const void* p, std::size_t n) {
        const auto* c = static_cast<const unsigned char*>(p);
        bytes.insert(bytes.end(), c, c + n);
    }
    void u32(std::uint32_t v) { raw(&v, 4); }
    void f32(float v) { raw(&v, 4); }
    void matrix(const Matrix& m) { raw(m.data(), m.size() * sizeof(float)); }
};

struct Reader {
    const std::vector<unsigned char>& bytes;
    const std::string& path;
    std::size_t at = 0;
    void raw(void* p, std::size_t n) {
        if (at + n > bytes.size())
            throw ModelError(path + ": truncated: ends at byte " + std::to_string(bytes.size()) + ", expected more");
        std::memcpy(p, bytes.data() + at, n);
        at += n;
    }
    std::uint32_t u32() {
        std::uint32_t v;
        raw(&v, 4);
        return v;
    }
    float f32() {
        float v;
        raw(&v, 4);
        return v;
    }
    void matrix(Matrix& m) { raw(m.data(), m.size() * sizeof(float)); }
};

std::uint32_t crc_of(const unsigned char* p, std::size_t n) {
    return static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), p, static_cast<uInt>(n)));
}

}  // namespace

void save_model(const std::filesystem::path& path, const Network& net, PixelScale scale) {
    Writer w;
    w.raw(kMagic, sizeof kMagic);
    w.u32(kVersion);
    w.u32(static_cast<std::uint32_t>(net.fc1.in()));
    w.u32(static_cast<std::uint32_t>(net.fc1.out()));
    w.u32(static_cast<std::uint32_t>(net.fc2.out()));
    w.f32(scale.mean);
    w.f32(scale.stddev);
    w.matrix(net.fc1.W);
    w.matrix(net.fc1.b);
    w.matrix(net.fc2.W);
    w.matrix(net.fc2.b);
    w.u32(crc_of(w.bytes.data(), w.bytes.size()));

    write_file_atomically(path, std::string_view(reinterpret_cast<const char*>(w.bytes.data()), w.bytes.size()));
}

Model load_model(const std::string& path) {
    std::vector<unsigned char> bytes;
    if (const std::string problem = read_regular_file(path, kMaxFileBytes, bytes); !problem.empty())
        throw ModelError(path + ": " + (problem == "no such file" ? "no such model file" : problem));
    return parse_model(bytes, path);
}

Model parse_model(const std::vector<unsigned char>& bytes, const std::string& path) {
    Reader r{bytes, path};

    char magic[8];
    r.raw(magic, sizeof magic);
    if (std::memcmp(magic, kMagic, sizeof magic) != 0)
        throw ModelError(path + ": not an nnlab model (bad magic; expected the file to start with NNLABMDL)");
    const std::uint32_t version = r.u32();
    if (version != kVersion)
        throw ModelError(path + ": model format version " + std::to_string(version) + ", this nnlab reads version " +
                         std::to_string(kVersion));
    const std::uint32_t inputs = r.u32(), hidden = r.u32(), classes = r.u32();
    for (std::uint32_t size : {inputs, hidden, classes})
        if (size == 0 || size > kMaxSize)
            throw ModelError(path + ": implausible shape " + std::to_string(inputs) + "→" + std::to_string(hidden) + "→" +
                             std::to_string(classes) + " (corrupt header?)");
    // At most 2^16 per layer: every product here fits easily in 64 bits.
    const std::size_t expected = 8 + 4 * 4 + 2 * 4 +
                                 4 * (std::size_t{inputs} * hidden + hidden + std::size_t{hidden} * classes + classes) + 4;
    if (bytes.size() != expected)
        throw ModelError(path + ": " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected) +
                         " for a " + std::to_string(inputs) + "→" + std::to_string(hidden) + "→" +
                         std::to_string(classes) + " network (truncated or padded)");
    const std::uint32_t stored_crc = [&] {
        std::uint32_t v;
        std::memcpy(&v, bytes.data() + bytes.size() - 4, 4);
        return v;
    }();
    if (crc_of(bytes.data(), bytes.size() - 4) != stored_crc)
        throw ModelError(path + ": checksum mismatch: the file is corrupt");

    Model m{Network(static_cast<int>(inputs), static_cast<int>(hidden), static_cast<int>(classes), 0), {}};
    m.scale.mean = r.f32();
    m.scale.stddev = r.f32();
    r.matrix(m.net.fc1.W);
    r.matrix(m.net.fc1.b);
    r.matrix(m.net.fc2.W);
    r.matrix(m.net.fc2.b);
    return m;
}

}  // namespace nnlab
