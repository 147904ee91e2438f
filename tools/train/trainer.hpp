// trainer.hpp — one training run, start to end, in named steps:
//   the labs are finished → the data → the network → the run folder → the epochs → the report.
#pragma once

#include "train/options.hpp"

namespace nnlab {

// Runs the training `o` asks for. Returns the exit code (0 done, 1 unfinished labs or missing
// data, with the message printed); throws (ModelError, IdxError, OutputError,
// TrainingDiverged, …) for the other failures, with a message naming the file or the cause.
int train(const Options& o);

}  // namespace nnlab
