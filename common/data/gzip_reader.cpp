#include "gzip_reader.hpp"

#include <zlib.h>

#include <climits>

#include "data/idx.hpp"

namespace nnlab {

struct GzipReader::State {
    z_stream z{};
    std::string name;
    bool ended = false;  // inflate said Z_STREAM_END
    std::uint8_t peeked = 0;
    bool has_peeked = false;  // at_end() inflated one byte ahead
};

bool is_gzip(const std::vector<std::uint8_t>& b) { return b.size() >= 2 && b[0] == 0x1F && b[1] == 0x8B; }

GzipReader::GzipReader(const std::vector<std::uint8_t>& compressed, std::string name) : s_(std::make_unique<State>()) {
    s_->name = std::move(name);
    if (compressed.size() > UINT_MAX) throw IdxError(s_->name + ": the gzip file is larger than 4 GiB");
    if (inflateInit2(&s_->z, 15 + 16) != Z_OK) throw IdxError(s_->name + ": cannot start zlib");  // 16: gzip header
    s_->z.next_in = const_cast<Bytef*>(compressed.data());
    s_->z.avail_in = static_cast<uInt>(compressed.size());
}

GzipReader::~GzipReader() { inflateEnd(&s_->z); }

std::size_t GzipReader::read(std::uint8_t* out, std::size_t n) {
    std::size_t done = 0;
    if (n > 0 && s_->has_peeked) out[done++] = s_->peeked, s_->has_peeked = false;
    z_stream& z = s_->z;
    while (done < n && !s_->ended) {
        const std::size_t want = std::min<std::size_t>(n - done, UINT_MAX);
        z.next_out = out + done;
        z.avail_out = static_cast<uInt>(want);
        const int rc = inflate(&z, Z_NO_FLUSH);
        done += want - z.avail_out;
        if (rc == Z_STREAM_END) s_->ended = true;
        else if (rc == Z_BUF_ERROR && z.avail_in == 0)
            throw IdxError(s_->name + ": corrupt gzip stream: it ends early (truncated after " +
                           std::to_string(z.total_in) + " compressed bytes)");
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            throw IdxError(s_->name + ": corrupt gzip stream: " + (z.msg ? z.msg : "zlib error " + std::to_string(rc)));
    }
    return done;
}

bool GzipReader::at_end() {
    if (s_->has_peeked) return false;
    std::uint8_t byte;
    if (read(&byte, 1) == 0) return true;
    s_->peeked = byte, s_->has_peeked = true;
    return false;
}

}  // namespace nnlab
