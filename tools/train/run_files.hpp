// run_files.hpp — the record a run leaves in its folder besides the model: config.json (how
// it was trained), metrics.csv (how the loss went) and confusion.csv (what it confuses).
// Each is written whole under a temporary name and renamed (output_file.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "lab05_sgd/network.hpp"
#include "train/options.hpp"

namespace nnlab {

// One row of metrics.csv.
struct MetricsRow {
    std::string kind;  // "step" or "epoch"
    double epoch;      // fractional for steps: 2.5 is halfway through epoch 3
    long samples;      // samples seen since the start
    float train_loss;
    float test_loss = NAN, test_accuracy = NAN;
    double seconds = NAN, lr = NAN;
};

// config.json: the options, with the network's hidden size as it was built (given, default
// or resumed), the data folder, the GEMM and the edition.
void write_config(const std::filesystem::path& dir, const Options& o, const Network& net, const std::string& data_folder);

// metrics.csv: kind,epoch,samples,train_loss,test_loss,test_accuracy,seconds,lr.
void write_metrics(const std::filesystem::path& dir, const std::vector<MetricsRow>& rows);

// confusion.csv: counts of (true class, predicted class) over the test set.
void write_confusion(const std::filesystem::path& dir, Network& net, const Dataset& test);

// A number as the trainer prints it (ostream's default: 6 significant digits).
std::string text(double v);

}  // namespace nnlab
