// options.hpp — nnlab-train's flags: what a run is asked to do, checked before it starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nnlab {

struct Options {
    std::string dataset = "mnist";  // mnist or fashion
    std::string data;               // the folder with the four IDX files; default data/<dataset>
    std::optional<int> hidden;      // --hidden H; unset: the resumed model's, or kDefaultHidden
    int epochs = 8;
    int batch = 128;
    float lr = 0.1f;
    float momentum = 0.9f;
    std::string schedule = "cosine";  // constant or cosine
    std::uint64_t seed = 1;
    int threads = 0;     // 0: every core
    std::string out;     // the run folder; default runs/<date>-<time>.<ms>-<pid>
    std::string resume;  // a model file to start from
    bool force = false;  // reuse an existing --out folder
    bool no_plot = false, quiet = false;
    int log_every = 20;  // steps between "step" rows of metrics.csv
};

constexpr int kDefaultHidden = 192;

// Parses and checks the flags into `o`. Returns nullopt to go on, or the exit code: 0 after
// --help, 2 for a bad flag (the message, naming the flag, is already on stderr).
std::optional<int> parse_options(int argc, const char* const* argv, Options& o);

}  // namespace nnlab
