// nnlab-train — trains the network of labs 2–6 on MNIST (or Fashion-MNIST), fast, and
// plots its loss. It links whichever edition the build chose: the instructor's solutions
// or the student's own labs.
//
//   nnlab-train                                          the defaults (printed at start)
//   nnlab-train --hidden 1024 --epochs 20 --batch 96     a longer run; --help lists every flag
//
// Exit codes: 0 done; 1 a problem while running (missing data, unfinished lab, diverging
// loss, unwritable folder); 2 a bad flag.
#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "gemm/gemm.hpp"
#include "core/json_escape.hpp"
#include "lab01_matrix/matrix_ops.hpp"
#include "lab06_momentum/momentum.hpp"
#include "train/model_file.hpp"
#include "train/plot.hpp"
#include "train/progress_bar.hpp"
#include "core/todo.hpp"

using namespace nnlab;
namespace fs = std::filesystem;

namespace {

struct Options {
    std::string dataset = "mnist";
    std::string data;  // the folder with the four IDX files; default data/<dataset>
    int hidden = 192;
    int epochs = 8;
    int batch = 128;
    float lr = 0.1f;
    float momentum = 0.9f;
    std::string schedule = "cosine";
    std::uint64_t seed = 1;
    int threads = 0;  // 0: every core
    std::string out;  // default runs/<timestamp>
    std::string resume;
    bool no_plot = false, quiet = false;
    int log_every = 20;  // steps between "step" rows of metrics.csv
};

// The loss became NaN or infinite: training cannot go on.
struct Diverged {
    int epoch, samples;
    float loss;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double peak_memory_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::string timestamp() {
    const std::time_t now = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&now));
    return buf;
}

// A flag value check: the value must parse as a number and `ok` must hold for it; the
// message says what was expected ("must be a number > 0, got abc").
CLI::Validator number_where(bool (*ok)(double), const std::string& expected) {
    return CLI::Validator(
        [ok, expected](std::string& s) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(s.c_str(), &end);
            const bool parsed = end != s.c_str() && *end == '\0';
            return parsed && ok(v) ? "" : "must be a number " + expected + ", got " + s;
        },
        expected);
}

// Parses the flags into `o`. Returns -1 to go on, or the exit code (0 for --help, 2 for a bad flag).
int parse_flags(int argc, char** argv, Options& o, bool& hidden_given) {
    CLI::App app{"nnlab-train: train Linear(784, H) → ReLU → Linear(H, 10) with softmax cross-entropy and SGD "
                 "with momentum, using this build's labs"};
    app.add_option("--dataset", o.dataset, "mnist or fashion")->check(CLI::IsMember({"mnist", "fashion"}))->capture_default_str();
    app.add_option("--data", o.data, "folder holding the four IDX files (default: data/mnist or data/fashion-mnist)");
    auto* hidden = app.add_option("--hidden", o.hidden, "hidden units H")->check(CLI::Range(1, 65536))->capture_default_str();
    app.add_option("--epochs", o.epochs, "passes over the training set")->check(CLI::Range(1, 100000))->capture_default_str();
    app.add_option("--batch", o.batch, "mini-batch size")->check(CLI::Range(1, 1 << 20))->capture_default_str();
    app.add_option("--lr", o.lr, "learning rate η")
        ->check(number_where([](double v) { return v > 0 && std::isfinite(v); }, "> 0"))
        ->capture_default_str();
    app.add_option("--momentum", o.momentum, "momentum γ")
        ->check(number_where([](double v) { return v >= 0 && v < 1; }, "in [0, 1)"))
        ->capture_default_str();
    app.add_option("--lr-schedule", o.schedule, "constant, or cosine (η decays to 0 over the run)")
        ->check(CLI::IsMember({"constant", "cosine"}))
        ->capture_default_str();
    app.add_option("--seed", o.seed, "seed of the initial weights and the shuffling")->capture_default_str();
    app.add_option("--threads", o.threads, "GEMM threads (default: every core)")->check(CLI::Range(1, 1024));
    app.add_option("--out", o.out, "run folder (default: runs/<timestamp>)");
    app.add_option("--resume", o.resume, "start from this model file instead of random weights")->check(CLI::ExistingFile);
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
    hidden_given = hidden->count() > 0;
    return -1;
}

// Runs every lab function the trainer uses once, lab by lab in order, on tiny inputs, so
// the earliest unfinished lab is reported now — by name, before loading 55 MB of data.
void require_finished_labs() {
    Matrix x(2, 4, {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f});
    add_row_vector(x, Matrix(1, 4));  // lab01
    column_sums(x);
    argmax_rows(x);
    Rng rng(0);
    Linear layer(4, 3, rng);  // lab02
    layer.backward(layer.forward(x));
    ReLU relu;  // lab03
    relu.backward(relu.forward(x));
    SoftmaxCrossEntropy loss;  // lab04
    loss.forward(x, {0, 1});
    loss.backward();
    Dataset tiny;  // lab05 and lab06
    tiny.count = 4;
    tiny.rows = tiny.cols = 2;
    tiny.images = {0, 50, 100, 150, 200, 250, 10, 20, 30, 40, 60, 70, 80, 90, 110, 120};
    tiny.labels = {0, 1, 1, 0};
    Network net(4, 3, 2, 0);
    Sgd sgd(0.01f);
    train_step(net, x, {0, 1}, sgd);
    Momentum momentum(0.01f, 0.9f);
    train_epoch(net, tiny, 2, momentum, rng);
    evaluate(net, tiny, 2);
}

std::string text(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

void write_config(const fs::path& dir, const Options& o, const std::string& data_folder) {
    std::ofstream f(dir / "config.json");
    f << "{\n  \"dataset\": \"" << o.dataset << "\",\n  \"data\": \"" << json_escape(data_folder)
      << "\",\n  \"hidden\": " << o.hidden << ",\n  \"epochs\": " << o.epochs << ",\n  \"batch\": " << o.batch
      << ",\n  \"lr\": " << o.lr << ",\n  \"momentum\": " << o.momentum << ",\n  \"lr_schedule\": \"" << o.schedule
      << "\",\n  \"seed\": " << o.seed << ",\n  \"threads\": " << gemm_threads() << ",\n  \"resume\": \""
      << json_escape(o.resume) << "\",\n  \"edition\": \"" << NNLAB_EDITION_NAME << "\",\n  \"gemm_kernel\": \""
      << gemm_kernel_name() << "\"\n}\n";
}

// One row of metrics.csv.
struct Row {
    std::string kind;  // "step" or "epoch"
    double epoch;      // fractional for steps: 2.5 is halfway through epoch 3
    long samples;      // samples seen since the start
    float train_loss;
    float test_loss = NAN, test_accuracy = NAN;
    double seconds = NAN, lr = NAN;
};

void write_metrics(const fs::path& dir, const std::vector<Row>& rows) {
    std::ofstream f(dir / "metrics.csv");
    f << "kind,epoch,samples,train_loss,test_loss,test_accuracy,seconds,lr\n";
    auto num = [](double v) { return std::isnan(v) ? std::string() : text(v); };
    for (const Row& r : rows)
        f << r.kind << ',' << r.epoch << ',' << r.samples << ',' << r.train_loss << ',' << num(r.test_loss) << ','
          << num(r.test_accuracy) << ',' << num(r.seconds) << ',' << num(r.lr) << '\n';
}

// confusion(true class, predicted class) over the test set.
void write_confusion(const fs::path& dir, Network& net, const Dataset& test) {
    std::array<std::array<int, 10>, 10> counts{};
    const std::vector<int> order = iota_indices(test.count);
    Matrix x;
    std::vector<int> y;
    for (int start = 0; start < test.count; start += 1000) {
        const int n = std::min(1000, test.count - start);
        fill_batch(test, &order[static_cast<std::size_t>(start)], n, x, y);
        const std::vector<int> predicted = argmax_rows(net.forward(x));
        for (int i = 0; i < n; ++i) ++counts[static_cast<std::size_t>(y[i])][static_cast<std::size_t>(predicted[i])];
    }
    std::ofstream f(dir / "confusion.csv");
    f << "true\\predicted,0,1,2,3,4,5,6,7,8,9\n";
    for (int t = 0; t < 10; ++t) {
        f << t;
        for (int p = 0; p < 10; ++p) f << ',' << counts[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
        f << '\n';
    }
}

int train(const Options& o, bool hidden_given) {
    // 1. The labs, before anything slow.
    try {
        require_finished_labs();
    } catch (const NotImplemented& e) {
        std::cerr << "nnlab-train: error: " << e.what() << "\nThe trainer runs your labs: finish " << e.lab()
                  << " first (ctest --preset student -L " << e.lab() << ").\n";
        return 1;
    }

    // 2. The data.
    const std::string folder = o.dataset == "mnist" ? "mnist" : "fashion-mnist";
    const std::string data_folder = o.data.empty() ? data_dir() + "/" + folder : o.data;
    if (!has_dataset(data_folder)) {
        std::cerr << "nnlab-train: error: " << o.dataset << " not found in " << data_folder
                  << " (expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                     "t10k-labels-idx1-ubyte)\nFetch it with: cmake -P data/fetch.cmake "
                  << (o.dataset == "mnist" ? "mnist" : "fashion") << "\n";
        return 1;
    }
    const TrainTest data = load_train_test(data_folder);
    const Dataset& train = data.train;  // references, not a structured binding: clang 14
    const Dataset& test = data.test;    // cannot capture those in the lambdas below

    // 3. The network: fresh, or resumed from a model file.
    if (o.threads > 0) set_gemm_threads(o.threads);
    bind_gemm_threads_to_cores();
    int hidden = o.hidden;
    Network net(train.features(), hidden, 10, o.seed);
    if (!o.resume.empty()) {
        Model m = load_model(o.resume);
        if (m.net.fc1.in() != train.features() || m.net.fc2.out() != 10)
            throw ModelError(o.resume + ": a " + std::to_string(m.net.fc1.in()) + "→…→" + std::to_string(m.net.fc2.out()) +
                             " network does not fit " + o.dataset + " (" + std::to_string(train.features()) + " inputs, 10 classes)");
        if (hidden_given && m.net.fc1.out() != o.hidden)
            throw ModelError("--hidden " + std::to_string(o.hidden) + " contradicts --resume " + o.resume +
                             ", which has " + std::to_string(m.net.fc1.out()) + " hidden units");
        net = std::move(m.net);
        hidden = net.fc1.out();
    }

    const fs::path dir = o.out.empty() ? fs::path("runs") / timestamp() : fs::path(o.out);
    fs::create_directories(dir);
    Options used = o;
    used.hidden = hidden;
    write_config(dir, used, data_folder);
    const fs::path model_path = dir / "model.bin";
    save_model(model_path.string(), net, train.scale);  // there is always a last good model

    const bool talk = !o.quiet;
    if (talk) {
        std::cout << "nnlab-train · " << NNLAB_EDITION_NAME << " edition · gemm " << gemm_kernel_name() << " · "
                  << gemm_threads() << (gemm_threads() == 1 ? " thread\n" : " threads\n")
                  << "data: " << train.name << " " << train.count << " + test " << test.count << " images from "
                  << data_folder << "\n"
                  << "network: " << train.features() << " → " << hidden << " → 10" << (o.resume.empty() ? "" : " (resumed from " + o.resume + ")")
                  << " · epochs " << o.epochs << " · batch " << o.batch << " · lr " << o.lr << " (" << o.schedule
                  << ") · momentum " << o.momentum << " · seed " << o.seed << "\n"
                  << "run folder: " << dir.string() << "\n"
                  << std::flush;
    }

    // 4. The loop: the student's train_epoch, with a callback for the progress bar, the
    //    running loss, the learning-rate schedule and the divergence check.
    Momentum optimizer(o.lr, o.momentum);
    Rng shuffle_rng(o.seed);
    std::vector<Row> rows;
    const long steps_per_epoch = (train.count + o.batch - 1) / o.batch;
    const long total_steps = steps_per_epoch * o.epochs;
    long step = 0;
    float best_accuracy = 0;
    int best_epoch = 0;
    double train_seconds = 0;
    const auto run_start = std::chrono::steady_clock::now();

    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        ProgressBar bar(talk && stdout_is_terminal(), "epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs),
                        train.count);
        double running = 0, epoch_sum = 0;  // since the last metrics row; since the epoch began
        int running_n = 0, epoch_n = 0;
        auto on_batch = [&](int done, float loss) {
            if (!std::isfinite(loss)) throw Diverged{epoch, done, loss};
            ++step;
            running += loss;
            ++running_n;
            epoch_sum += loss;
            ++epoch_n;
            if (step % o.log_every == 0) {
                rows.push_back({"step", epoch - 1 + static_cast<double>(done) / train.count,
                                static_cast<long>(epoch - 1) * train.count + done, static_cast<float>(running / running_n)});
                running = 0;
                running_n = 0;
            }
            // η_t = η·½(1 + cos(π·t/T)): large steps first, small steps to settle at the end
            if (o.schedule == "cosine")
                optimizer.lr = static_cast<float>(o.lr * 0.5 * (1 + std::cos(M_PI * static_cast<double>(step) / total_steps)));
            bar.update(done, static_cast<float>(epoch_sum / epoch_n));
        };
        const float lr_at_start = optimizer.lr;
        const auto t0 = std::chrono::steady_clock::now();
        float train_loss;
        try {
            train_loss = train_epoch(net, train, o.batch, optimizer, shuffle_rng, on_batch);
        } catch (const Diverged& d) {
            bar.finish();
            write_metrics(dir, rows);
            std::cerr << "nnlab-train: error: the loss became " << d.loss << " in epoch " << d.epoch << " after "
                      << d.samples << " samples: training diverged and stopped.\nLower the learning rate (--lr "
                      << o.lr << " now; try " << o.lr / 2 << "). The last good model is " << model_path.string()
                      << (epoch == 1 ? " (the initial weights)" : " (epoch " + std::to_string(epoch - 1) + ")") << ".\n";
            return 1;
        }
        const double seconds = seconds_since(t0);
        train_seconds += seconds;
        bar.finish();
        const Evaluation e = evaluate(net, test);
        rows.push_back({"epoch", static_cast<double>(epoch), static_cast<long>(epoch) * train.count, train_loss, e.loss,
                        e.accuracy, seconds, lr_at_start});
        if (e.accuracy > best_accuracy) best_accuracy = e.accuracy, best_epoch = epoch;
        if (!std::isfinite(e.loss)) {
            std::cerr << "nnlab-train: error: the test loss became " << e.loss << " after epoch " << epoch
                      << ". Lower the learning rate (--lr " << o.lr << " now).\n";
            return 1;
        }
        save_model(model_path.string(), net, train.scale);
        write_metrics(dir, rows);
        if (talk)
            std::printf("epoch %3d/%d  train loss %.4f  test loss %.4f  test acc %.2f%%  %.2f s\n", epoch, o.epochs,
                        static_cast<double>(train_loss), static_cast<double>(e.loss), 100.0 * e.accuracy, seconds);
        std::fflush(stdout);
    }

    // 5. The report.
    write_confusion(dir, net, test);
    write_plot_script(dir.string(), "nnlab · " + o.dataset + " · 784-" + std::to_string(hidden) + "-10 · batch " +
                                        std::to_string(o.batch) + " · lr " + text(o.lr));
    std::printf("best test accuracy %.2f%% (epoch %d) · training %.2f s (%.2f s per epoch) · %.0f samples/s · "
                "wall %.2f s · peak memory %.0f MB\n",
                100.0 * best_accuracy, best_epoch, train_seconds, train_seconds / o.epochs,
                static_cast<double>(train.count) * o.epochs / train_seconds, seconds_since(run_start), peak_memory_mb());
    if (!o.no_plot) {
        const std::string problem = render_plot(dir.string());
        if (problem.empty()) std::cout << "plot: " << (dir / "loss.png").string() << "\n";
        else std::cout << problem << "\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    bool hidden_given = false;
    if (const int code = parse_flags(argc, argv, options, hidden_given); code >= 0) return code;
    try {
        return train(options, hidden_given);
    } catch (const std::exception& e) {
        std::cerr << "nnlab-train: error: " << e.what() << "\n";
        return 1;
    }
}
