#include "idx.hpp"

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nnlab {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what) { throw IdxError(name + ": " + what); }

std::string hex_byte(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", v & 0xFFu);
    return buf;
}

bool is_gzip(const std::vector<std::uint8_t>& b) { return b.size() >= 2 && b[0] == 0x1F && b[1] == 0x8B; }

// Inflates a gzip stream; throws naming the file when the stream is corrupt or cut short.
std::vector<std::uint8_t> gunzip(const std::vector<std::uint8_t>& in, const std::string& name) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) fail(name, "cannot start zlib");  // 15 + 16: gzip header
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    std::vector<std::uint8_t> out(in.size() * 4 + 1024);
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (z.total_out == out.size()) out.resize(out.size() * 2);
        z.next_out = out.data() + z.total_out;
        z.avail_out = static_cast<uInt>(out.size() - z.total_out);
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && z.avail_in == 0) {
            inflateEnd(&z);
            fail(name, "corrupt gzip stream: it ends early (truncated after " + std::to_string(in.size()) + " bytes)");
        }
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            std::string msg = z.msg ? z.msg : "error " + std::to_string(rc);
            inflateEnd(&z);
            fail(name, "corrupt gzip stream: " + msg);
        }
    }
    out.resize(z.total_out);
    inflateEnd(&z);
    return out;
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

IdxArray parse_idx(std::vector<std::uint8_t> bytes, const std::string& name) {
    if (bytes.empty()) fail(name, "the file is empty (0 bytes); expected an IDX header");
    if (is_gzip(bytes)) bytes = gunzip(bytes, name);
    if (bytes.size() < 4)
        fail(name, "truncated header: " + std::to_string(bytes.size()) + " bytes, the magic number alone needs 4");
    if (bytes[0] != 0 || bytes[1] != 0)
        fail(name, "bad magic number: expected 0x00 0x00 at the start, found " + hex_byte(bytes[0]) + " " +
                       hex_byte(bytes[1]) + " (not an IDX file)");
    if (bytes[2] != 0x08)
        fail(name, "element type " + hex_byte(bytes[2]) + " is not supported: expected 0x08 (unsigned byte)");
    const int ndims = bytes[3];
    if (ndims < 1 || ndims > 4) fail(name, "expected 1 to 4 dimensions, the header says " + std::to_string(ndims));
    const std::size_t header = 4 + 4 * static_cast<std::size_t>(ndims);
    if (bytes.size() < header)
        fail(name, "truncated header: " + std::to_string(ndims) + " dimensions need " + std::to_string(header) +
                       " bytes, the file has " + std::to_string(bytes.size()));

    IdxArray array;
    std::size_t count = 1;
    std::string shape;
    for (int d = 0; d < ndims; ++d) {
        const std::uint32_t dim = big_endian_u32(bytes.data() + 4 + 4 * d);
        if (dim == 0 || dim > (1u << 30)) fail(name, "dimension " + std::to_string(d) + " is " + std::to_string(dim));
        count *= dim;
        if (count > (std::size_t{1} << 34)) fail(name, "the dimensions multiply to more than 16 GiB");
        array.dims.push_back(static_cast<int>(dim));
        shape += (d ? "×" : "") + std::to_string(dim);
    }
    const std::size_t body = bytes.size() - header;
    if (body < count)
        fail(name, "truncated data: the header says " + shape + " = " + std::to_string(count) + " bytes, found " +
                       std::to_string(body));
    if (body > count)
        fail(name, std::to_string(body - count) + " bytes after the end of the " + shape +
                       " data (expected exactly " + std::to_string(count) + ")");
    // Drop the header in place: no second copy of a 47 MB body.
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header));
    array.data = std::move(bytes);
    return array;
}

IdxArray read_idx(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail(path, "no such file");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open it for reading");
    const auto size = std::filesystem::file_size(path, ec);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
        fail(path, "read error");
    return parse_idx(std::move(bytes), path);
}

void write_idx(const std::string& path, const std::vector<int>& dims, const std::vector<std::uint8_t>& data) {
    std::size_t count = 1;
    for (int d : dims) count *= static_cast<std::size_t>(d);
    if (dims.empty() || dims.size() > 4 || count != data.size())
        throw IdxError(path + ": write_idx: " + std::to_string(data.size()) + " bytes do not match the dimensions");
    std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
    for (int d : dims)
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(d >> shift));
    bytes.insert(bytes.end(), data.begin(), data.end());

    const std::string temp = path + ".part";
    const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    if (gz) {
        gzFile f = gzopen(temp.c_str(), "wb");
        if (f == nullptr) throw IdxError(path + ": cannot write");
        const int written = gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
        if (gzclose(f) != Z_OK || written != static_cast<int>(bytes.size())) throw IdxError(path + ": write failed");
    } else {
        std::ofstream out(temp, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out.flush()) throw IdxError(path + ": write failed");
    }
    std::filesystem::rename(temp, path);
}

}  // namespace nnlab
