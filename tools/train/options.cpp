#include "options.hpp"

#include <CLI/CLI.hpp>

#include <cfloat>
#include <cmath>
#include <iostream>

namespace nnlab {

namespace {

// A float flag's check, on the value the program will use: "1e39" must not become inf,
// "1e-50" must not become 0, "0.99999999" must not become a momentum of 1.
CLI::Validator float_where(bool (*ok)(float), const std::string& expected) {
    return CLI::Validator(
        [ok, expected](std::string& s) -> std::string {
            char* end = nullptr;
            const auto v = static_cast<float>(std::strtold(s.c_str(), &end));  // exactly as CLI11 converts it
            const bool parsed = end != s.c_str() && *end == '\0';
            return parsed && std::isfinite(v) && ok(v) ? "" : "must be a number " + expected + ", got " + s;
        },
        expected);
}

}  // namespace

std::optional<int> parse_options(int argc, const char* const* argv, Options& o) {
    CLI::App app{"nnlab-train: train Linear(784, H) → ReLU → Linear(H, 10) with softmax cross-entropy and SGD "
                 "with momentum, using this build's labs"};
    app.add_option("--dataset", o.dataset, "mnist or fashion")->check(CLI::IsMember({"mnist", "fashion"}))->capture_default_str();
    app.add_option("--data", o.data, "folder holding the four IDX files (default: data/mnist or data/fashion-mnist)");
    app.add_option("--hidden", o.hidden, "hidden units H (default: " + std::to_string(kDefaultHidden) +
                                             ", or the resumed model's)")
        ->check(CLI::Range(1, 65536));
    app.add_option("--epochs", o.epochs, "passes over the training set")->check(CLI::Range(1, 100000))->capture_default_str();
    app.add_option("--batch", o.batch, "mini-batch size")->check(CLI::Range(1, 1 << 20))->capture_default_str();
    // η at least FLT_MIN: a float smaller than that is subnormal or 0, and trains nothing.
    app.add_option("--lr", o.lr, "learning rate η")
        ->check(float_where([](float v) { return v >= FLT_MIN; }, "> 0 that a float holds (1.2e-38 to 3.4e38)"))
        ->capture_default_str();
    app.add_option("--momentum", o.momentum, "momentum γ")
        ->check(float_where([](float v) { return v >= 0 && v < 1; }, "in [0, 1) as a float (the largest float below 1 is 0.99999994)"))
        ->capture_default_str();
    app.add_option("--lr-schedule", o.schedule, "constant, or cosine (η decays to 0 over the run)")
        ->check(CLI::IsMember({"constant", "cosine"}))
        ->capture_default_str();
    app.add_option("--seed", o.seed, "seed of the initial weights and the shuffling")->capture_default_str();
    app.add_option("--threads", o.threads, "GEMM threads (default: every core, or 1 where the first steps of an epoch run faster on 1)")->check(CLI::Range(1, 1024));
    app.add_option("--out", o.out, "run folder, which must not exist yet (default: runs/<date>-<time>.<ms>-<pid>)");
    app.add_option("--resume", o.resume, "start from this model file instead of random weights (--out may be its folder)")
        ->check(CLI::ExistingFile);
    app.add_flag("--force", o.force, "write into an existing --out folder, replacing the files a run writes");
    app.add_option("--log-every", o.log_every, "steps between running-loss rows in metrics.csv")->check(CLI::Range(1, 1 << 20));
    app.add_flag("--no-plot", o.no_plot, "do not run gnuplot");
    app.add_flag("--quiet", o.quiet, "print only errors and the final summary");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "nnlab-train: error: " << e.what() << "\nRun nnlab-train --help for the flags.\n";
        return 2;
    }
    return std::nullopt;
}

}  // namespace nnlab
