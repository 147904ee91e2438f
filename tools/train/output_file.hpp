// output_file.hpp — every file a run writes goes through here: to a unique temporary name
// beside it, every write and the close checked, then renamed over the final name. A reader
// (or a crash, a full disk, a second trainer) never sees half a file.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nnlab {

// A file could not be written; the message names it and the reason ("…/metrics.csv: No
// space left on device").
class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Writes `bytes` to `path` atomically: path.tmp-<pid>-<n>, write, fsync, close, rename.
// Throws OutputError naming `path` when any step fails; the temporary file is removed.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Flushes standard output and throws OutputError ("standard output: a write failed: …")
// when any write to it failed (a full disk, /dev/full): a program's results are an output too.
void check_standard_output();

// A temporary name beside `path` that no other process or thread uses.
std::filesystem::path unique_temp_name(const std::filesystem::path& path);

}  // namespace nnlab
