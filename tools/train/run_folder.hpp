// run_folder.hpp — the folder a training run writes into. A run never shares a folder
// with another run, and never overwrites one unless asked to.
#pragma once

#include <filesystem>

#include "train/options.hpp"

namespace nnlab {

// Creates and returns the run folder; nothing has been written into it before this check.
//   no --out:  runs/<YYYYmmdd-HHMMSS>.<milliseconds>-<pid>, created with mkdir, which fails
//              if the name exists — then -2, -3, … is appended: two trainers started in the
//              same millisecond still get a folder each.
//   --out DIR: DIR must not exist (its parent folders are created), unless --force is given
//              or --resume names a model file inside DIR (continuing a run in its folder).
//              The files an earlier run wrote there are removed first (model.bin is kept
//              when resuming from it): no stale plot sits beside the new run's files.
// Throws OutputError naming the folder and the way out.
std::filesystem::path open_run_folder(const Options& o);

}  // namespace nnlab
