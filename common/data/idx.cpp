#include "idx.hpp"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "data/gzip_reader.hpp"
#include "data/huge_pages.hpp"
#include "data/read_file.hpp"

namespace nnlab {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what) { throw IdxError(name + ": " + what); }

std::string hex_byte(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", v & 0xFFu);
    return buf;
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// The header's facts: the dimensions, their product, and the header's own size.
struct Header {
    std::vector<int> dims;
    std::uint64_t count = 1;  // elements = bytes of data
    std::size_t size = 0;     // 4 + 4·dimensions
    std::string shape;        // "60000×28×28"
};

// Checks the 4-byte magic of an IDX file (`bytes` holds at least 4).
int dimensions_from_magic(const std::uint8_t* bytes, const std::string& name) {
    if (bytes[0] != 0 || bytes[1] != 0)
        fail(name, "bad magic number: expected 0x00 0x00 at the start, found " + hex_byte(bytes[0]) + " " +
                       hex_byte(bytes[1]) + " (not an IDX file)");
    if (bytes[2] != 0x08)
        fail(name, "element type " + hex_byte(bytes[2]) + " is not supported: expected 0x08 (unsigned byte)");
    const int ndims = bytes[3];
    if (ndims < 1 || ndims > kMaxIdxDimensions)
        fail(name, "expected 1 to " + std::to_string(kMaxIdxDimensions) + " dimensions, the header says " + std::to_string(ndims));
    return ndims;
}

// Reads the dimensions after the magic; their product in checked 64-bit arithmetic.
Header parse_dimensions(const std::uint8_t* p, int ndims, const std::string& name) {
    Header h;
    h.size = 4 + 4 * static_cast<std::size_t>(ndims);
    for (int d = 0; d < ndims; ++d) {
        const std::uint32_t dim = big_endian_u32(p + 4 * d);
        if (dim == 0 || dim > kMaxIdxDimension)
            fail(name, "dimension " + std::to_string(d) + " is " + std::to_string(dim) + " (1 to " +
                           std::to_string(kMaxIdxDimension) + " allowed)");
        h.shape += (d ? "×" : "") + std::to_string(dim);
        if (__builtin_mul_overflow(h.count, std::uint64_t{dim}, &h.count) || h.count > kMaxIdxBytes)
            fail(name, "the dimensions " + h.shape + (d + 1 < ndims ? "×…" : "") + " multiply to more than " +
                           std::to_string(kMaxIdxBytes) + " bytes, the most this reader accepts");
        h.dims.push_back(static_cast<int>(dim));
    }
    return h;
}

// The header of a raw file in memory.
Header parse_header(const std::vector<std::uint8_t>& bytes, const std::string& name) {
    if (bytes.size() < 4)
        fail(name, "truncated header: " + std::to_string(bytes.size()) + " bytes, the magic number alone needs 4");
    const int ndims = dimensions_from_magic(bytes.data(), name);
    const std::size_t size = 4 + 4 * static_cast<std::size_t>(ndims);
    if (bytes.size() < size)
        fail(name, "truncated header: " + std::to_string(ndims) + " dimensions need " + std::to_string(size) +
                       " bytes, the file has " + std::to_string(bytes.size()));
    return parse_dimensions(bytes.data() + 4, ndims, name);
}

// A raw file: the header, then exactly `count` bytes, taken in place (no second copy).
IdxArray parse_raw(std::vector<std::uint8_t> bytes, const std::string& name) {
    const Header h = parse_header(bytes, name);
    const std::size_t body = bytes.size() - h.size;
    if (body < h.count)
        fail(name, "truncated data: the header says " + h.shape + " = " + std::to_string(h.count) + " bytes, found " +
                       std::to_string(body));
    if (body > h.count)
        fail(name, std::to_string(body - h.count) + " bytes after the end of the " + h.shape +
                       " data (expected exactly " + std::to_string(h.count) + ")");
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(h.size));
    return {h.dims, std::move(bytes)};
}

// Exactly n inflated bytes, or an error saying the stream ended after fewer.
void inflate_exactly(GzipReader& gz, std::uint8_t* out, std::size_t n, const std::string& name, const char* what) {
    const std::size_t got = gz.read(out, n);
    if (got < n)
        fail(name, std::string("truncated ") + what + ": " + std::to_string(n) + " bytes expected, the gzip stream holds " +
                       std::to_string(got));
}

// A gzip file: the header inflated and checked first; then the data inflated only as far as
// it promises, in steps, so memory grows with what really arrives; one byte more is an error.
IdxArray parse_gzip(const std::vector<std::uint8_t>& compressed, const std::string& name) {
    GzipReader gz(compressed, name);
    std::uint8_t head[4 + 4 * kMaxIdxDimensions];
    inflate_exactly(gz, head, 4, name, "header");
    const int ndims = dimensions_from_magic(head, name);
    inflate_exactly(gz, head + 4, 4 * static_cast<std::size_t>(ndims), name, "header");
    const Header h = parse_dimensions(head + 4, ndims, name);
    // Deflate cannot compress better than 1032:1: a header promising more is a lie, found now.
    if (h.count > 1032 * std::uint64_t{compressed.size()} + 1024)
        fail(name, "the header says " + h.shape + " = " + std::to_string(h.count) + " bytes, more than a " +
                       std::to_string(compressed.size()) + "-byte gzip file can hold");
    IdxArray array{h.dims, {}};
    reserve_in_huge_pages(array.data, static_cast<std::size_t>(h.count));  // a data set is read at random
    constexpr std::size_t kStep = std::size_t{1} << 22;  // 4 MiB
    for (std::size_t done = 0; done < h.count;) {
        const std::size_t n = std::min<std::size_t>(kStep, static_cast<std::size_t>(h.count) - done);
        array.data.resize(done + n);
        const std::size_t got = gz.read(array.data.data() + done, n);
        done += got;
        if (got < n)
            fail(name, "truncated data: the header says " + h.shape + " = " + std::to_string(h.count) +
                           " bytes, the gzip stream holds " + std::to_string(done));
    }
    if (!gz.at_end())
        fail(name, "the gzip stream inflates to more than the " + h.shape + " = " + std::to_string(h.count) +
                       " bytes its header promises (a gzip bomb, or a corrupt file): stopped reading there");
    return array;
}

}  // namespace

IdxArray parse_idx(std::vector<std::uint8_t> bytes, const std::string& name) {
    if (bytes.empty()) fail(name, "the file is empty (0 bytes); expected an IDX header");
    if (is_gzip(bytes)) return parse_gzip(bytes, name);
    return parse_raw(std::move(bytes), name);
}

IdxArray read_idx(const std::string& path) {
    std::vector<std::uint8_t> bytes;
    // A raw file holds the data and a header; a gzip file is never larger than that either.
    const std::size_t max_file = static_cast<std::size_t>(kMaxIdxBytes) + 4 + 4 * kMaxIdxDimensions;
    if (const std::string problem = read_regular_file(path, max_file, bytes); !problem.empty()) fail(path, problem);
    return parse_idx(std::move(bytes), path);
}

void write_idx(const std::string& path, const std::vector<int>& dims, const std::vector<std::uint8_t>& data) {
    std::size_t count = 1;
    for (int d : dims) count *= static_cast<std::size_t>(std::max(d, 0));
    if (dims.empty() || dims.size() > kMaxIdxDimensions || count != data.size())
        throw IdxError(path + ": write_idx: " + std::to_string(data.size()) + " bytes do not match the dimensions");
    std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
    for (int d : dims)
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(d >> shift));
    bytes.insert(bytes.end(), data.begin(), data.end());

    static std::atomic<unsigned> counter{0};  // a temporary name no other writer uses
    const std::string temp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    bool ok;
    if (gz) {
        gzFile f = gzopen(temp.c_str(), "wb");
        if (f == nullptr) throw IdxError(path + ": cannot write " + temp);
        const int written = gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
        ok = gzclose(f) == Z_OK && written == static_cast<int>(bytes.size());
    } else {
        std::ofstream out(temp, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        out.close();
        ok = !out.fail();
    }
    std::error_code ec;
    if (ok) std::filesystem::rename(temp, path, ec);
    if (!ok || ec) {
        std::filesystem::remove(temp, ec);
        throw IdxError(path + ": write failed");
    }
}

}  // namespace nnlab
