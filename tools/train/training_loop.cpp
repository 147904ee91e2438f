#include "training_loop.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "gemm/gemm.hpp"
#include "lab06_momentum/momentum.hpp"
#include "train/model_file.hpp"
#include "train/progress_bar.hpp"
#include "train/run_files.hpp"
#include "train/thread_choice.hpp"

namespace nnlab {

namespace {

// Where the loop is, across epochs.
struct LoopState {
    const Options& o;
    const std::filesystem::path& run_dir;
    Momentum optimizer;
    Rng shuffle_rng;
    std::vector<MetricsRow> rows;
    long step = 0, total_steps;
    ThreadChoice threads;  // without --threads: every core or one, whichever steps faster, each epoch
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

[[noreturn]] void diverged(LoopState& s, int epoch, const std::string& what) {
    write_metrics(s.run_dir, s.rows);
    throw TrainingDiverged(what + "Lower the learning rate (--lr " + text(s.o.lr) + " now; try " + text(s.o.lr / 2) +
                           "). The last good model is " + (s.run_dir / "model.bin").string() +
                           (epoch == 1 ? " (the initial weights)." : " (epoch " + std::to_string(epoch - 1) + ")."));
}

// One epoch of the student's train_epoch. Per batch: the divergence check, a "step" row every
// log_every steps, the learning rate for the next step, the progress bar. Returns the mean loss.
float train_one_epoch(LoopState& s, Network& net, const Dataset& train, int epoch) {
    const Options& o = s.o;
    ProgressBar bar(!o.quiet && stdout_is_terminal(), "epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs),
                    train.count);
    double running = 0, epoch_sum = 0;  // since the last metrics row; since the epoch began
    int running_n = 0, epoch_n = 0;
    auto on_batch = [&](int done, float loss) {
        if (!std::isfinite(loss)) {
            bar.finish();
            diverged(s, epoch, "the loss became " + text(loss) + " in epoch " + std::to_string(epoch) + " after " +
                                   std::to_string(done) + " samples: training diverged and stopped.\n");
        }
        s.threads.after_step();
        ++s.step;
        running += loss, ++running_n;
        epoch_sum += loss, ++epoch_n;
        if (s.step % o.log_every == 0) {
            s.rows.push_back({"step", epoch - 1 + static_cast<double>(done) / train.count,
                              static_cast<long>(epoch - 1) * train.count + done, static_cast<float>(running / running_n)});
            running = 0, running_n = 0;
        }
        // η_t = η·½(1 + cos(π·t/T)): large steps first, small steps to settle at the end
        if (o.schedule == "cosine")
            s.optimizer.lr = static_cast<float>(o.lr * 0.5 * (1 + std::cos(M_PI * static_cast<double>(s.step) / s.total_steps)));
        bar.update(done, static_cast<float>(epoch_sum / epoch_n));
    };
    s.threads.start_epoch();
    const float loss = train_epoch(net, train, o.batch, s.optimizer, s.shuffle_rng, on_batch);
    bar.finish();
    return loss;
}

}  // namespace

TrainingSummary run_epochs(Network& net, const TrainTest& data, const Options& o, const std::filesystem::path& run_dir) {
    const long steps_per_epoch = (data.train.count + o.batch - 1) / o.batch;
    LoopState s{o,  run_dir, Momentum(o.lr, o.momentum), Rng(o.seed), {}, 0, steps_per_epoch * o.epochs,
                ThreadChoice(threads_by_timing(o.threads) ? gemm_threads() : 0)};
    TrainingSummary summary;
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        const float lr_at_start = s.optimizer.lr;
        const auto t0 = std::chrono::steady_clock::now();
        const float train_loss = train_one_epoch(s, net, data.train, epoch);
        const double seconds = seconds_since(t0);
        summary.train_seconds += seconds;
        const Evaluation e = evaluate(net, data.test);
        s.rows.push_back({"epoch", static_cast<double>(epoch), static_cast<long>(epoch) * data.train.count, train_loss,
                          e.loss, e.accuracy, seconds, lr_at_start});
        if (e.accuracy > summary.best_accuracy) summary.best_accuracy = e.accuracy, summary.best_epoch = epoch;
        if (!std::isfinite(e.loss))
            diverged(s, epoch, "the test loss became " + text(e.loss) + " after epoch " + std::to_string(epoch) + ". ");
        save_model(run_dir / "model.bin", net, data.train.scale);
        write_metrics(run_dir, s.rows);
        if (!o.quiet)
            std::printf("epoch %3d/%d  train loss %.4f  test loss %.4f  test acc %.2f%%  %.2f s\n", epoch, o.epochs,
                        static_cast<double>(train_loss), static_cast<double>(e.loss), 100.0 * e.accuracy, seconds);
        std::fflush(stdout);
    }
    summary.threads = s.threads.summary();
    return summary;
}

}  // namespace nnlab
