// spawn.hpp — runs another program with an argv: no shell between nnlab and its inputs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::cli {

struct SpawnOptions {
    std::filesystem::path cwd;     // empty: nnlab's own
    std::filesystem::path output;  // empty: the child writes to nnlab's terminal; else stdout
                                   // and stderr go to this file (truncated)
    bool null_stdin = true;        // the child never reads the student's keys
};

// Runs argv[0] (searched in PATH when it has no '/') and waits for it. Returns its exit
// status, 128 + the signal when a signal ended it; throws std::runtime_error naming the
// program when it cannot be started.
int run(const std::vector<std::string>& argv, const SpawnOptions& options = {});

}  // namespace nnlab::cli
