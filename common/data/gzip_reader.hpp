// gzip_reader.hpp — a gzip stream in memory, inflated piece by piece: a reader takes only
// as many bytes as it expects, so a small file that inflates to gigabytes (a "gzip bomb")
// costs no more memory than the header it carries promises.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nnlab {

bool is_gzip(const std::vector<std::uint8_t>& bytes);

class GzipReader {
public:
    // `compressed` must outlive the reader; `name` names it in every error (IdxError).
    GzipReader(const std::vector<std::uint8_t>& compressed, std::string name);
    ~GzipReader();
    GzipReader(const GzipReader&) = delete;
    GzipReader& operator=(const GzipReader&) = delete;

    // Inflates up to n bytes into out and returns how many: fewer than n only when the
    // stream ended. Throws IdxError naming the file for a corrupt or cut-short stream.
    std::size_t read(std::uint8_t* out, std::size_t n);

    // True when no byte follows what was read (the stream ends here).
    bool at_end();

private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace nnlab
