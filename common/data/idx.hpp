// idx.hpp — the IDX file format of MNIST and Fashion-MNIST, read with every check.
//
// An IDX file is a 4-byte magic number — two zero bytes, the element type (0x08 is
// unsigned byte), the number of dimensions — then each dimension as a big-endian 32-bit
// integer, then the elements in row-major order. Files may be gzip-compressed (.gz).
//
// Any violation throws IdxError whose message names the file and what is wrong, with the
// expected and the found value: a data set is never loaded half right.
//
// Limits, checked in 64-bit arithmetic before anything is allocated: 1 to 4 dimensions,
// each 1 to 2^31 − 1, their product (the data) at most 1 GiB — 20 times MNIST's training
// images. Only regular files are read (read_file.hpp). A .gz file is inflated as a stream:
// the header first, then exactly the bytes it promises; a stream that goes on is refused
// there, so a small file that inflates to gigabytes costs at most what its header claims.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnlab {

constexpr int kMaxIdxDimensions = 4;
constexpr std::uint32_t kMaxIdxDimension = 0x7FFFFFFF;      // each fits an int
constexpr std::uint64_t kMaxIdxBytes = std::uint64_t{1} << 30;  // the data: 1 GiB

class IdxError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct IdxArray {
    std::vector<int> dims;            // e.g. {60000, 28, 28}
    std::vector<std::uint8_t> data;   // the product of dims bytes
};

// Reads a raw or gzip-compressed IDX file of unsigned bytes.
IdxArray read_idx(const std::string& path);

// Parses the bytes of an IDX file (gzip-compressed or not) already in memory. `name`
// is used in error messages. Takes the buffer by value: a raw file is parsed in place.
IdxArray parse_idx(std::vector<std::uint8_t> bytes, const std::string& name);

// Writes an IDX file of unsigned bytes; gzip-compressed when the path ends in ".gz".
// Written to a temporary name and renamed, so a crash never leaves a half file.
void write_idx(const std::string& path, const std::vector<int>& dims, const std::vector<std::uint8_t>& data);

}  // namespace nnlab
