// training_loop.hpp — the epochs of a run: the student's train_epoch with the trainer's
// bookkeeping around it (progress bar, running loss, learning-rate schedule, divergence
// check, test evaluation, model.bin and metrics.csv after every epoch).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "data/dataset.hpp"
#include "lab05_sgd/network.hpp"
#include "train/options.hpp"

namespace nnlab {

// The loss became NaN or infinite: training cannot go on. The message says where, how to
// fix it and which model.bin is the last good one; metrics.csv is written up to that point.
class TrainingDiverged : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct TrainingSummary {
    float best_accuracy = 0;  // the best test accuracy after an epoch, 0..1
    int best_epoch = 0;
    double train_seconds = 0;  // in train_epoch, without the evaluations and the writes
    std::string threads;       // how many threads were chosen, and why ("" when --threads said)
};

// Trains `net` for o.epochs epochs on data.train, evaluating on data.test after each; saves
// run_dir/model.bin and run_dir/metrics.csv after every epoch. Prints a line per epoch
// unless o.quiet. Throws TrainingDiverged, or OutputError when a file cannot be written.
TrainingSummary run_epochs(Network& net, const TrainTest& data, const Options& o, const std::filesystem::path& run_dir);

}  // namespace nnlab
