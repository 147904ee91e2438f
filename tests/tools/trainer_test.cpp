// Tests of the trainer and the predictor (label trainer): every flag error, missing data,
// the run folder of a short run on synthetic data, determinism, divergence, the model file
// and its corruptions, resume, image input, and one epoch of MNIST at the defaults.
#include <gtest/gtest.h>

#ifdef NNLAB_HAVE_PNG
#include <png.h>
#endif
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "predict/image.hpp"
#include "train/model_file.hpp"
#include "train/thread_choice.hpp"
#include "gemm/gemm.hpp"
#include "core/random.hpp"
#include "tools/run_program.hpp"

using namespace nnlab;
namespace fs = std::filesystem;

namespace {

struct Exec {
    int code;
    std::string out;  // stdout and stderr together
};

Exec run(const char* program, const std::string& args) {
    std::vector<std::string> argv = test::words(args);
    argv.insert(argv.begin(), program);
    const test::Outcome r = test::run_program(argv);
    return {r.code, r.all()};
}

Exec train(const std::string& args) { return run(NNLAB_TRAIN_EXE, args); }
Exec predict(const std::string& args) { return run(NNLAB_PREDICT_EXE, args); }

// One scratch folder per test process: ctest runs several of them at once.
fs::path scratch_root() {
    static const fs::path root = fs::path(::testing::TempDir()) / ("nnlab-trainer-test-" + std::to_string(getpid()));
    return root;
}

// Removes the process's scratch folder when the tests end.
struct ScratchCleanup : ::testing::Environment {
    void TearDown() override { fs::remove_all(scratch_root()); }
};
[[maybe_unused]] ::testing::Environment* const kCleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

// A new, empty scratch folder.
fs::path scratch(const std::string& name) {
    const fs::path p = scratch_root() / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// A path for a run folder: its parent exists, it does not (the trainer refuses to reuse one).
fs::path run_path(const std::string& name) {
    const fs::path p = scratch_root() / "runs" / name;
    fs::remove_all(p);
    fs::create_directories(p.parent_path());
    return p;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A small MNIST-shaped data set: 10 classes of 28×28 images around distinct random centres.
fs::path synthetic_data() {
    static const fs::path dir = [] {
        const fs::path d = scratch("synthetic-data");
        Rng centre_rng(1), noise(2);
        std::vector<float> centres(10 * 784);
        for (auto& c : centres) c = centre_rng.uniform(0, 255);
        auto make = [&](int count, const std::string& images, const std::string& labels) {
            std::vector<std::uint8_t> px, lb;
            for (int i = 0; i < count; ++i) {
                lb.push_back(static_cast<std::uint8_t>(i % 10));
                for (int j = 0; j < 784; ++j)
                    px.push_back(static_cast<std::uint8_t>(std::clamp(centres[(i % 10) * 784 + j] + noise.normal(0, 40), 0.0f, 255.0f)));
            }
            write_idx((d / images).string(), {count, 28, 28}, px);
            write_idx((d / labels).string(), {count}, lb);
        };
        make(1000, "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
        make(200, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        return d;
    }();
    return dir;
}

const std::string kSmall = "--epochs 2 --hidden 16 --batch 32 --lr 0.05 --log-every 5 --no-plot";

std::string small_run(const fs::path& out, const std::string& extra = "") {
    return "--data " + synthetic_data().string() + " " + kSmall + " --out " + out.string() + " " + extra;
}

// metrics.csv without its seconds column: what must repeat bit for bit.
std::string metrics_without_time(const fs::path& run_dir) {
    std::istringstream in(read_text(run_dir / "metrics.csv"));
    std::string line, out;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream s(line);
        for (std::string x; std::getline(s, x, ',');) f.push_back(x);
        if (f.size() >= 7) f[6] = "";
        for (const auto& x : f) out += x + ",";
        out += "\n";
    }
    return out;
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "output:\n" << (text)

}  // namespace

// ---- flags -------------------------------------------------------------------------------

TEST(TrainerFlags, HelpListsEveryFlag) {
    const Exec r = train("--help");
    EXPECT_EQ(r.code, 0);
    for (const char* flag : {"--dataset", "--data", "--hidden", "--epochs", "--batch", "--lr", "--momentum",
                             "--lr-schedule", "--seed", "--threads", "--out", "--no-plot", "--quiet", "--resume"})
        EXPECT_CONTAINS(r.out, flag);
}

TEST(TrainerFlags, OutOfRangeValuesExit2NamingTheFlag) {
    const std::pair<const char*, const char*> cases[] = {
        {"--lr 0", "--lr"},           {"--lr -1", "--lr"},         {"--batch 0", "--batch"},
        {"--hidden 0", "--hidden"},   {"--momentum 1", "--momentum"}, {"--momentum -0.1", "--momentum"},
        {"--epochs 0", "--epochs"},   {"--dataset cifar", "--dataset"}, {"--lr-schedule step", "--lr-schedule"},
        {"--lr abc", "--lr"}};
    for (const auto& [args, flag] : cases) {
        const Exec r = train(args);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.out;
        EXPECT_CONTAINS(r.out, flag);
        EXPECT_CONTAINS(r.out, "nnlab-train: error:");
    }
}

TEST(TrainerFlags, UnknownFlagExit2) {
    const Exec r = train("--learning-rate 0.1");
    EXPECT_EQ(r.code, 2);
    EXPECT_CONTAINS(r.out, "--learning-rate");
}

TEST(Trainer, MissingDataExit1WithTheFetchCommand) {
    const Exec r = train("--data /nonexistent/mnist --no-plot");
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.out, "not found in /nonexistent/mnist");
    EXPECT_CONTAINS(r.out, "cmake -P data/fetch.cmake mnist");
    const Exec f = train("--dataset fashion --data /nonexistent/f --no-plot");
    EXPECT_CONTAINS(f.out, "cmake -P data/fetch.cmake fashion");
}

// ---- a short run on synthetic data ---------------------------------------------------------

TEST(Trainer, RunFolderIsComplete) {
    const fs::path out = run_path("run");
    const Exec r = train(small_run(out));
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_CONTAINS(r.out, "epoch   2/2");
    EXPECT_CONTAINS(r.out, "best test accuracy");
    EXPECT_CONTAINS(r.out, "peak memory");

    // metrics.csv: a header, "step" rows every 5 steps, one "epoch" row per epoch.
    std::istringstream csv(read_text(out / "metrics.csv"));
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line, "kind,epoch,samples,train_loss,test_loss,test_accuracy,seconds,lr");
    int steps = 0, epochs = 0;
    while (std::getline(csv, line)) {
        std::vector<std::string> f;
        std::stringstream s(line);
        for (std::string x; std::getline(s, x, ',');) f.push_back(x);
        ASSERT_GE(f.size(), 4u) << line;
        EXPECT_TRUE(std::isfinite(std::stod(f[3]))) << line;
        if (f[0] == "step") ++steps;
        if (f[0] == "epoch") {
            ++epochs;
            ASSERT_EQ(f.size(), 8u) << line;
            const double acc = std::stod(f[5]);
            EXPECT_GE(acc, 0.0);
            EXPECT_LE(acc, 1.0);
        }
    }
    EXPECT_EQ(epochs, 2);
    EXPECT_EQ(steps, 2 * 32 / 5);  // 1000/32 → 32 steps per epoch, a row every 5th step overall

    const std::string gp = read_text(out / "loss.gp");
    EXPECT_CONTAINS(gp, "metrics.csv");
    EXPECT_CONTAINS(gp, "set output 'loss.png'");
    EXPECT_CONTAINS(read_text(out / "config.json"), "\"hidden\": 16");

    // confusion.csv: 10 rows of 10 counts that add up to the test set.
    std::istringstream conf(read_text(out / "confusion.csv"));
    std::getline(conf, line);
    int total = 0, rows = 0;
    while (std::getline(conf, line)) {
        ++rows;
        std::stringstream s(line);
        std::string x;
        std::getline(s, x, ',');
        while (std::getline(s, x, ',')) total += std::stoi(x);
    }
    EXPECT_EQ(rows, 10);
    EXPECT_EQ(total, 200);

    const Model m = load_model((out / "model.bin").string());
    EXPECT_EQ(m.net.fc1.W.shape(), "784×16");
    for (const auto& entry : fs::directory_iterator(out))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << "a temporary file is left: " << entry.path();
}

TEST(Trainer, SameSeedSameMetricsOnAnyThreadCount) {
    const fs::path a = run_path("det-a"), b = run_path("det-b"), c = run_path("det-c"), d = run_path("det-d");
    ASSERT_EQ(train(small_run(a, "--seed 7 --threads 1")).code, 0);
    ASSERT_EQ(train(small_run(b, "--seed 7 --threads 1")).code, 0);
    ASSERT_EQ(train(small_run(c, "--seed 7 --threads 2")).code, 0);
    ASSERT_EQ(train(small_run(d, "--seed 8 --threads 1")).code, 0);
    EXPECT_EQ(metrics_without_time(a), metrics_without_time(b)) << "same seed, same threads: same metrics";
    EXPECT_EQ(metrics_without_time(a), metrics_without_time(c)) << "the GEMM is bit-identical on 1 and 2 threads";
    EXPECT_NE(metrics_without_time(a), metrics_without_time(d)) << "another seed, another run";
}

// Without --threads the trainer times its first steps on every core and on one, keeps the
// faster, and says so; the metrics are those of any fixed thread count.
TEST(Trainer, ChoosesItsThreadsByTimingAndKeepsTheMetrics) {
    const fs::path fixed = run_path("threads-1"), chosen = run_path("threads-auto");
    ASSERT_EQ(train(small_run(fixed, "--seed 7 --threads 1")).code, 0);
    const Exec r = train(small_run(chosen, "--seed 7"));
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(metrics_without_time(fixed), metrics_without_time(chosen)) << "the thread count changed a number";
    if (r.out.find("or 1 when faster here") == std::string::npos) {  // one core here: nothing to choose
        EXPECT_EQ(r.out.find("threads: "), std::string::npos) << r.out;
        return;
    }
    const std::regex said(
        R"(threads: \d+ threads in \d epochs?, 1 in \d \(each chosen on the epoch's first steps; the last: [0-9.]+ ms per step on \d+, [0-9.]+ ms on 1\))");
    EXPECT_TRUE(std::regex_search(r.out, said)) << r.out;
    EXPECT_NE(read_text(chosen / "config.json").find("\"threads_auto\": true"), std::string::npos);
    EXPECT_NE(read_text(fixed / "config.json").find("\"threads_auto\": false"), std::string::npos);
}

// The choice itself, on given step times: 3 warm-up steps, 12 timed on every core, one on
// a single thread not timed, 12 timed on it; one thread must win by 5%. Each epoch anew.
TEST(ThreadChoice, KeepsTheFasterWithAMarginForEveryCoreEachEpoch) {
    struct Case {
        double most_ms, one_ms;
        int expected;
    };
    ThreadChoice choice(4);
    EXPECT_EQ(choice.summary(), "");
    for (const Case c : {Case{1.0, 0.5, 1}, Case{1.0, 0.96, 4}, Case{0.5, 1.0, 4}}) {
        choice.start_epoch();
        EXPECT_EQ(gemm_threads(), 4) << "each epoch starts on every core";
        for (int i = 0; i < 3; ++i) choice.record_step(9.0);  // warm-up: not counted
        for (int i = 0; i < 12; ++i) choice.record_step(c.most_ms);
        EXPECT_EQ(gemm_threads(), 1) << "the second half is timed on one thread";
        choice.record_step(9.0);  // the first step on one thread: not counted
        for (int i = 0; i < 11; ++i) choice.record_step(c.one_ms);
        EXPECT_FALSE(choice.decided());
        choice.record_step(c.one_ms);
        ASSERT_TRUE(choice.decided());
        EXPECT_EQ(choice.threads(), c.expected) << c.most_ms << " ms on 4, " << c.one_ms << " ms on 1";
        EXPECT_EQ(gemm_threads(), c.expected);
        choice.record_step(0.1);  // decided: later steps change nothing
        EXPECT_EQ(gemm_threads(), c.expected);
    }
    EXPECT_EQ(choice.summary(),
              "4 threads in 2 epochs, 1 in 1 (each chosen on the epoch's first steps; the last: 0.500 ms per step on 4, "
              "1.000 ms on 1)");
    ThreadChoice nothing(1);
    nothing.start_epoch();
    EXPECT_TRUE(nothing.decided());
    EXPECT_EQ(nothing.summary(), "");
    set_gemm_threads(1);
}

TEST(Trainer, PlotIsAValidPng) {
    if (!test::on_path("gnuplot")) GTEST_SKIP() << "gnuplot is not installed";
    const fs::path out = run_path("plot");
    const Exec r = train("--data " + synthetic_data().string() + " --epochs 2 --hidden 16 --batch 32 --out " + out.string());
    ASSERT_EQ(r.code, 0) << r.out;
    std::ifstream png(out / "loss.png", std::ios::binary);
    std::array<unsigned char, 8> header{};
    png.read(reinterpret_cast<char*>(header.data()), 8);
    EXPECT_EQ(header, (std::array<unsigned char, 8>{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}));
    EXPECT_GT(fs::file_size(out / "loss.png"), 10000u) << "a real chart, not an empty image";
}

TEST(Trainer, DivergenceStopsKeepsTheLastGoodModel) {
    const fs::path out = run_path("diverge");
    const Exec r = train("--data " + synthetic_data().string() + " --epochs 3 --hidden 16 --batch 32 --lr 1e6 "
                        "--lr-schedule constant --no-plot --out " + out.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.out, "diverged");
    EXPECT_CONTAINS(r.out, "Lower the learning rate");
    const Model m = load_model((out / "model.bin").string());  // still there, and whole
    for (std::size_t i = 0; i < m.net.fc1.W.size(); ++i) ASSERT_TRUE(std::isfinite(m.net.fc1.W.data()[i]));
}

TEST(Trainer, ResumeContinuesFromAModel) {
    const fs::path first = run_path("resume-1"), second = run_path("resume-2");
    ASSERT_EQ(train(small_run(first)).code, 0);
    const std::string model = (first / "model.bin").string();
    const Exec r = train("--data " + synthetic_data().string() + " --epochs 1 --batch 32 --lr 0.01 --no-plot --resume " +
                        model + " --out " + second.string());
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_CONTAINS(r.out, "784 → 16 → 10 (resumed from");
    const Exec bad = train("--data " + synthetic_data().string() + " --hidden 32 --no-plot --resume " + model +
                          " --out " + second.string());
    EXPECT_EQ(bad.code, 1);
    EXPECT_CONTAINS(bad.out, "--hidden 32 contradicts");
}

// ---- the model file ------------------------------------------------------------------------

namespace {
std::string load_error(const fs::path& p) {
    try {
        load_model(p.string());
    } catch (const ModelError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(ModelFile, RoundTripIsExact) {
    const fs::path dir = scratch("model");
    Network net(784, 12, 10, 3);
    fill_uniform(net.fc1.b, -1, 1, *std::make_unique<Rng>(4));
    save_model((dir / "m.bin").string(), net, {0.25f, 0.5f});
    const Model m = load_model((dir / "m.bin").string());
    EXPECT_EQ(m.scale.mean, 0.25f);
    EXPECT_EQ(m.scale.stddev, 0.5f);
    EXPECT_EQ(std::memcmp(m.net.fc1.W.data(), net.fc1.W.data(), net.fc1.W.size() * 4), 0);
    EXPECT_EQ(std::memcmp(m.net.fc1.b.data(), net.fc1.b.data(), net.fc1.b.size() * 4), 0);
    EXPECT_EQ(std::memcmp(m.net.fc2.W.data(), net.fc2.W.data(), net.fc2.W.size() * 4), 0);
}

TEST(ModelFile, EachCorruptionHasItsOwnMessage) {
    const fs::path dir = scratch("corrupt");
    Network net(784, 8, 10, 1);
    save_model((dir / "good.bin").string(), net, kMnistScale);
    std::string bytes = read_text(dir / "good.bin");
    auto write = [&](const std::string& name, const std::string& content) {
        std::ofstream(dir / name, std::ios::binary) << content;
        return dir / name;
    };
    std::string magic = bytes;
    magic[0] = 'X';
    EXPECT_NE(load_error(write("magic.bin", magic)).find("not an nnlab model (bad magic"), std::string::npos);
    std::string version = bytes;
    version[8] = 9;
    EXPECT_NE(load_error(write("version.bin", version)).find("format version 9"), std::string::npos);
    EXPECT_NE(load_error(write("short.bin", bytes.substr(0, bytes.size() - 100))).find("expected"), std::string::npos);
    std::string flipped = bytes;
    flipped[bytes.size() / 2] ^= 0x01;
    EXPECT_NE(load_error(write("flip.bin", flipped)).find("checksum mismatch"), std::string::npos);
    EXPECT_NE(load_error(write("tiny.bin", "NNLAB")).find("truncated"), std::string::npos);
    EXPECT_NE(load_error(dir / "absent.bin").find("no such model file"), std::string::npos);
}

// ---- images and nnlab-predict ----------------------------------------------------------------

TEST(Image, DarkInkOnPaperIsInvertedCroppedAndCentred) {
    GrayImage img{56, 40, std::vector<std::uint8_t>(56 * 40, 250)};  // white paper
    for (int y = 5; y < 25; ++y)
        for (int x = 10; x < 20; ++x) img.pixels[static_cast<std::size_t>(y * 56 + x)] = 10;  // a dark bar
    const auto d = to_mnist_digit(img);
    EXPECT_EQ(d[0], 0) << "the paper becomes MNIST's black background";
    double mass = 0, cx = 0, cy = 0;
    int ink_rows = 0;
    for (int y = 0; y < 28; ++y) {
        bool row_has_ink = false;
        for (int x = 0; x < 28; ++x) {
            const double v = d[static_cast<std::size_t>(y * 28 + x)];
            mass += v, cx += v * x, cy += v * y;
            row_has_ink |= v > 128;
        }
        ink_rows += row_has_ink;
    }
    EXPECT_NEAR(cx / mass, 14, 1.0) << "centred by its centre of mass";
    EXPECT_NEAR(cy / mass, 14, 1.0);
    EXPECT_EQ(ink_rows, 20) << "the longer side is scaled to 20 pixels, as in MNIST";
}

TEST(Predict, ClassifiesPgmAndPngAndRejectsBadFiles) {
    const fs::path out = run_path("predict");
    ASSERT_EQ(train(small_run(out)).code, 0);
    const Dataset test = load_split(synthetic_data().string(), Split::Test);
    const std::uint8_t* pixels = test.image(3);  // label 3
    {
        std::ofstream pgm(out / "three.pgm", std::ios::binary);
        pgm << "P5\n# a test image\n28 28\n255\n";
        pgm.write(reinterpret_cast<const char*>(pixels), 784);
    }
#ifdef NNLAB_HAVE_PNG  // without libpng the predictor reads PGM only
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = png.height = 28;
    png.format = PNG_FORMAT_GRAY;
    ASSERT_TRUE(png_image_write_to_file(&png, (out / "three.png").c_str(), 0, pixels, 0, nullptr));
#endif
    std::ofstream(out / "notes.txt") << "not an image";

    const std::string model = (out / "model.bin").string();
#ifdef NNLAB_HAVE_PNG
    const Exec r = predict(model + " " + (out / "three.pgm").string() + " " + (out / "three.png").string());
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_CONTAINS(r.out, "three.png: 3   top-3: 3 ");
#else
    const Exec r = predict(model + " " + (out / "three.pgm").string());
    ASSERT_EQ(r.code, 0) << r.out;
#endif
    EXPECT_CONTAINS(r.out, "three.pgm: 3   top-3: 3 ");

    const Exec bad = predict(model + " " + (out / "notes.txt").string());
    EXPECT_EQ(bad.code, 1);
    EXPECT_CONTAINS(bad.out, "notes.txt: not a PGM (P2/P5) or PNG image");
    const Exec no_model = predict((out / "notes.txt").string() + " " + (out / "three.pgm").string());
    EXPECT_EQ(no_model.code, 1);
    EXPECT_CONTAINS(no_model.out, "not an nnlab model");
}

// ---- MNIST (fetched by the data fixture; skipped offline) ------------------------------------

TEST(TrainerMnist, OneEpochAtTheDefaultsAbove97Percent) {
    if (!has_dataset(data_dir() + "/mnist"))
        GTEST_SKIP() << "MNIST is not in " << data_dir() << "/mnist; fetch it with: cmake -P data/fetch.cmake mnist";
    const fs::path out = run_path("mnist");
    const Exec r = train("--epochs 1 --quiet --no-plot --out " + out.string());
    ASSERT_EQ(r.code, 0) << r.out;
    std::istringstream csv(read_text(out / "metrics.csv"));
    std::string line, last_epoch;
    while (std::getline(csv, line))
        if (line.rfind("epoch,", 0) == 0) last_epoch = line;
    std::vector<std::string> f;
    std::stringstream s(last_epoch);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    ASSERT_EQ(f.size(), 8u) << last_epoch;
    EXPECT_GE(std::stod(f[5]), 0.97) << r.out;
    const Exec p = predict((out / "model.bin").string() + " --mnist-test 0");
    EXPECT_EQ(p.code, 0);
    EXPECT_CONTAINS(p.out, "MNIST test image 0: label 7 · predicted 7");
}
