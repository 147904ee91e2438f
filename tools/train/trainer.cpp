#include "trainer.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include "core/todo.hpp"
#include "gemm/gemm.hpp"
#include "train/lab_check.hpp"
#include "train/model_file.hpp"
#include "train/plot.hpp"
#include "train/run_files.hpp"
#include "train/run_folder.hpp"
#include "train/thread_choice.hpp"
#include "train/training_loop.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

constexpr int kClasses = 10;

double peak_memory_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Step 1: false (with the message printed) when a lab the trainer runs is still a TODO.
bool labs_are_finished() {
    try {
        require_finished_labs();
        return true;
    } catch (const NotImplemented& e) {
        std::cerr << "nnlab-train: error: " << e.what() << "\nThe trainer runs your labs: finish " << e.lab()
                  << " first (ctest --preset student -L " << e.lab() << ").\n";
        return false;
    }
}

// Step 2: the data folder --data or data/<dataset>; nullopt (message printed) when it is missing.
std::optional<TrainTest> load_data(const Options& o, const std::string& folder) {
    if (!has_dataset(folder)) {
        std::cerr << "nnlab-train: error: " << o.dataset << " not found in " << folder
                  << " (expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                     "t10k-labels-idx1-ubyte)\nFetch it with: cmake -P data/fetch.cmake "
                  << (o.dataset == "mnist" ? "mnist" : "fashion") << "\n";
        return std::nullopt;
    }
    return load_train_test(folder);
}

// Step 3: a fresh network of --hidden (or the default) units, or the one in --resume, which
// must fit the data and agree with --hidden when both are given.
Network make_network(const Options& o, int inputs) {
    if (o.resume.empty()) return Network(inputs, o.hidden.value_or(kDefaultHidden), kClasses, o.seed);
    Model m = load_model(o.resume);
    if (m.net.fc1.in() != inputs || m.net.fc2.out() != kClasses)
        throw ModelError(o.resume + ": a " + std::to_string(m.net.fc1.in()) + "→…→" + std::to_string(m.net.fc2.out()) +
                         " network does not fit " + o.dataset + " (" + std::to_string(inputs) + " inputs, " +
                         std::to_string(kClasses) + " classes)");
    if (o.hidden && *o.hidden != m.net.fc1.out())
        throw ModelError("--hidden " + std::to_string(*o.hidden) + " contradicts --resume " + o.resume + ", which has " +
                         std::to_string(m.net.fc1.out()) + " hidden units");
    return std::move(m.net);
}

// "2 threads", or without --threads on a machine of 2 cores "2 threads, or 1 when faster here (…)".
std::string threads_text(const Options& o) {
    const int n = gemm_threads();
    const std::string text = std::to_string(n) + (n == 1 ? " thread" : " threads");
    return threads_by_timing(o.threads) ? text + ", or 1 when faster here (timed at each epoch's start)" : text;
}

// Step 4: the run folder, with config.json and the initial model.bin: from here on there is
// always a last good model.
fs::path start_run_folder(const Options& o, const Network& net, const TrainTest& data, const std::string& folder) {
    const fs::path dir = open_run_folder(o);
    write_config(dir, o, net, folder);
    save_model(dir / "model.bin", net, data.train.scale);
    if (!o.quiet)
        std::cout << "nnlab-train · " << NNLAB_EDITION_NAME << " edition · gemm " << gemm_kernel_name() << " · "
                  << threads_text(o) << "\n" << "data: " << data.train.name
                  << " " << data.train.count << " + test " << data.test.count << " images from " << folder << "\n"
                  << "network: " << net.fc1.in() << " → " << net.fc1.out() << " → " << net.fc2.out()
                  << (o.resume.empty() ? "" : " (resumed from " + o.resume + ")") << " · epochs " << o.epochs
                  << " · batch " << o.batch << " · lr " << o.lr << " (" << o.schedule << ") · momentum " << o.momentum
                  << " · seed " << o.seed << "\n"
                  << "run folder: " << dir.string() << "\n"
                  << std::flush;
    return dir;
}

// Step 6: confusion.csv, loss.gp, the summary line and loss.png.
void report(const Options& o, Network& net, const TrainTest& data, const fs::path& dir, const TrainingSummary& s,
            double wall_seconds) {
    write_confusion(dir, net, data.test);
    write_plot_script(dir, "nnlab · " + o.dataset + " · 784-" + std::to_string(net.fc1.out()) + "-10 · batch " +
                               std::to_string(o.batch) + " · lr " + text(o.lr));
    if (!s.threads.empty() && !o.quiet) std::printf("threads: %s\n", s.threads.c_str());
    std::printf("best test accuracy %.2f%% (epoch %d) · training %.2f s (%.2f s per epoch) · %.0f samples/s · "
                "wall %.2f s · peak memory %.0f MB\n",
                100.0 * s.best_accuracy, s.best_epoch, s.train_seconds, s.train_seconds / o.epochs,
                static_cast<double>(data.train.count) * o.epochs / s.train_seconds, wall_seconds, peak_memory_mb());
    std::fflush(stdout);
    if (o.no_plot) return;
    const std::string problem = render_plot(dir);
    std::cout << (problem.empty() ? "plot: " + (dir / "loss.png").string() : problem) << "\n";
}

}  // namespace

int train(const Options& o) {
    if (!labs_are_finished()) return 1;
    const std::string folder = !o.data.empty() ? o.data : data_dir() + (o.dataset == "mnist" ? "/mnist" : "/fashion-mnist");
    const std::optional<TrainTest> data = load_data(o, folder);
    if (!data) return 1;
    if (o.threads > 0) set_gemm_threads(o.threads);
    bind_gemm_threads_to_cores();
    Network net = make_network(o, data->train.features());
    const fs::path dir = start_run_folder(o, net, *data, folder);
    const auto start = std::chrono::steady_clock::now();
    const TrainingSummary summary = run_epochs(net, *data, o, dir);
    report(o, net, *data, dir, summary, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return 0;
}

}  // namespace nnlab
