// read_file.hpp — reading a whole input file, safely: only a regular file (not a folder, a
// FIFO that would block, or /dev/zero that never ends), and only up to a stated size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nnlab {

// Reads all of `path` into `bytes`. Returns "" on success, else what is wrong, for the
// caller's error naming the file: "no such file", "a directory, not a file", "a FIFO, not a
// regular file", "1073741825 bytes, more than the 1073741824 this reader accepts", …
std::string read_regular_file(const std::string& path, std::size_t max_bytes, std::vector<std::uint8_t>& bytes);

}  // namespace nnlab
