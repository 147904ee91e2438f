// nnlab-train and nnlab-predict under bad input and faults (label reliability): runs never
// share or overwrite a folder, every output is checked (an unwritable folder, a full disk),
// no shell sees a folder name, flag numbers stay in range after conversion, and
// nnlab-predict checks what it loaded and reads only regular files. Each test reproduces a
// failure the hostile-input pass of issue 14 found. The last tests call the trainer's library
// (output_file.hpp, run_folder.hpp) directly.
#include <gtest/gtest.h>
#ifdef NNLAB_HAVE_PNG
#include <png.h>
#endif
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/random.hpp"
#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "tools/run_program.hpp"
#include "train/model_file.hpp"
#include "train/options.hpp"
#include "train/output_file.hpp"
#include "train/run_folder.hpp"

using namespace nnlab;
namespace fs = std::filesystem;
using test::Outcome;

namespace {

fs::path root() {
    static const fs::path r = fs::path(::testing::TempDir()) / ("nnlab-reliability-" + std::to_string(getpid()));
    return r;
}

struct Cleanup : ::testing::Environment {
    void TearDown() override { fs::remove_all(root()); }
};
[[maybe_unused]] ::testing::Environment* const kCleanup = ::testing::AddGlobalTestEnvironment(new Cleanup);

// A new empty folder for one test.
fs::path folder(const std::string& name) {
    const fs::path p = root() / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// A small MNIST-shaped data set in `dir`: 10 classes of images around distinct random centres.
void write_data(const fs::path& dir, int train_count, int test_count, int test_rows = 28, int test_cols = 28) {
    fs::create_directories(dir);
    Rng centre_rng(1), noise(2);
    std::vector<float> centres(10 * 784);
    for (auto& c : centres) c = centre_rng.uniform(0, 255);
    auto make = [&](int count, int rows, int cols, const std::string& images, const std::string& labels) {
        std::vector<std::uint8_t> px, lb;
        for (int i = 0; i < count; ++i) {
            lb.push_back(static_cast<std::uint8_t>(i % 10));
            for (int j = 0; j < rows * cols; ++j)
                px.push_back(static_cast<std::uint8_t>(std::clamp(centres[static_cast<std::size_t>((i % 10) * 784 + j % 784)] +
                                                                      noise.normal(0, 40), 0.0f, 255.0f)));
        }
        write_idx((dir / images).string(), {count, rows, cols}, px);
        write_idx((dir / labels).string(), {count}, lb);
    };
    make(train_count, 28, 28, "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
    make(test_count, test_rows, test_cols, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
}

const fs::path& data() {
    static const fs::path d = [] {
        write_data(root() / "data", 300, 50);
        return root() / "data";
    }();
    return d;
}

Outcome train(const std::vector<std::string>& args, const test::RunOptions& how = {}) {
    std::vector<std::string> argv = {NNLAB_TRAIN_EXE, "--data", data().string(), "--batch", "50", "--quiet"};
    for (const char* flag : {"--epochs", "--hidden"})  // 1 epoch of 8 hidden units unless `args` say otherwise
        if (std::find(args.begin(), args.end(), flag) == args.end()) argv.insert(argv.end(), {flag, flag[2] == 'e' ? "1" : "8"});
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_program(argv, how);
}

Outcome predict(std::vector<std::string> args) {
    args.insert(args.begin(), NNLAB_PREDICT_EXE);
    return test::run_program(args);
}

std::vector<std::string> leftovers(const fs::path& dir) {  // temporary files a run left behind
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find(".tmp-") != std::string::npos) found.push_back(e.path().string());
    return found;
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "output:\n" << (text)

}  // namespace

namespace {
fs::path pgm_of(const fs::path& dir, const std::string& name, int index);  // a test image as a PGM
}  // namespace

// ---- 1. a run never shares or overwrites a folder -------------------------------------------

TEST(RunFolder, AnExistingOutIsRefusedAndLeftAsItWas) {
    const fs::path out = folder("existing") / "run";
    ASSERT_EQ(train({"--out", out.string(), "--no-plot"}).code, 0);
    const std::string model = test::slurp(out / "model.bin"), metrics = test::slurp(out / "metrics.csv");
    const Outcome again = train({"--out", out.string(), "--no-plot", "--seed", "5"});
    EXPECT_EQ(again.code, 1);
    EXPECT_CONTAINS(again.err, out.string() + ": the run folder already exists");
    EXPECT_CONTAINS(again.err, "--force");
    EXPECT_EQ(test::slurp(out / "model.bin"), model) << "the trained model was overwritten";
    EXPECT_EQ(test::slurp(out / "metrics.csv"), metrics);

    const Outcome forced = train({"--out", out.string(), "--no-plot", "--seed", "5", "--force"});
    ASSERT_EQ(forced.code, 0) << forced.all();
    EXPECT_NE(test::slurp(out / "model.bin"), model) << "--force replaces it";
    EXPECT_CONTAINS(test::slurp(out / "config.json"), "\"seed\": 5");

    const Outcome resumed = train({"--out", out.string(), "--no-plot", "--resume", (out / "model.bin").string()});
    EXPECT_EQ(resumed.code, 0) << "resuming a run in its own folder is allowed\n" << resumed.all();
    EXPECT_TRUE(leftovers(out).empty());
}

TEST(RunFolder, TrainersStartedTogetherGetAFolderEach) {
    const fs::path cwd = folder("together");
    std::vector<Outcome> runs(3);
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&, i] { runs[static_cast<std::size_t>(i)] = train({"--no-plot", "--seed", std::to_string(i + 1)}, test::in_folder(cwd)); });
    for (auto& t : threads) t.join();
    for (const Outcome& r : runs) ASSERT_EQ(r.code, 0) << r.all();
    std::set<std::string> seeds;
    int folders = 0;
    for (const auto& e : fs::directory_iterator(cwd / "runs")) {
        ++folders;
        const std::string config = test::slurp(e.path() / "config.json");
        const auto at = config.find("\"seed\": ");
        ASSERT_NE(at, std::string::npos) << e.path();
        seeds.insert(config.substr(at + 8, 1));
        EXPECT_TRUE(fs::exists(e.path() / "metrics.csv"));
    }
    EXPECT_EQ(folders, 3);
    EXPECT_EQ(seeds, (std::set<std::string>{"1", "2", "3"}));
}

TEST(RunFolder, TrainersSharingAnOutDoNotCollide) {
    const fs::path out = folder("shared") / "run";
    Outcome a, b;
    std::thread ta([&] { a = train({"--out", out.string(), "--no-plot"}); });
    std::thread tb([&] { b = train({"--out", out.string(), "--no-plot", "--seed", "2"}); });
    ta.join();
    tb.join();
    EXPECT_EQ((a.code == 0) + (b.code == 0), 1) << a.all() << "\n---\n" << b.all();
    const Outcome& refused = a.code == 0 ? b : a;
    EXPECT_EQ(refused.code, 1);
    EXPECT_CONTAINS(refused.err, "the run folder already exists");
    EXPECT_NO_THROW(load_model((out / "model.bin").string()));
    EXPECT_TRUE(leftovers(out).empty());
}

// ---- 2. every output checked ------------------------------------------------------------------

TEST(Outputs, AnUncreatableRunFolderExits1NamingIt) {
    const fs::path file = folder("uncreatable") / "a-file";
    std::ofstream(file) << "x";
    const Outcome r = train({"--out", (file / "run").string(), "--no-plot"});
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, (file / "run").string() + ": cannot create the run folder");
}

TEST(Outputs, AFullDiskStopsTheRunNamingTheFile) {
    // 4 KB: config.json fits, the 25 KB model.bin does not.
    const fs::path out = folder("full") / "run";
    const Outcome r = train({"--out", out.string(), "--no-plot"}, test::file_size_limit(4096));
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, (out / "model.bin").string() + ": cannot write: File too large");
    EXPECT_FALSE(fs::exists(out / "model.bin"));
    EXPECT_TRUE(leftovers(out).empty());
}

TEST(Outputs, APlotThatCannotBeWrittenFailsTheRun) {
    if (!test::on_path("gnuplot")) GTEST_SKIP() << "gnuplot is not installed";
    // A first run measures the files; then a limit between the largest other file and the plot.
    const fs::path first = folder("full-plot") / "first", out = root() / "full-plot" / "run";
    ASSERT_EQ(train({"--out", first.string()}).code, 0);
    std::uintmax_t others = 0;
    for (const auto& e : fs::directory_iterator(first))
        if (e.path().filename() != "loss.png") others = std::max(others, e.file_size());
    const std::uintmax_t plot = fs::file_size(first / "loss.png");
    ASSERT_LT(others, plot) << "the plot is the largest file";
    const Outcome r = train({"--out", out.string()}, test::file_size_limit(static_cast<long long>((others + plot) / 2)));
    EXPECT_EQ(r.code, 1) << r.all();
    EXPECT_CONTAINS(r.err, (out / "loss.png").string() + ": cannot write");
    EXPECT_EQ(r.out.find("plot: "), std::string::npos) << "no claim that it was written";
    EXPECT_FALSE(fs::exists(out / "loss.png"));
    EXPECT_TRUE(leftovers(out).empty());
}

TEST(Outputs, AFullStandardOutputIsAFailureToo) {
    const fs::path out = folder("stdout-full") / "run";
    const Outcome r = train({"--out", out.string(), "--no-plot"}, test::stdout_to("/dev/full"));
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, "nnlab-train: error: standard output: a write failed");
    const fs::path dir = folder("stdout-full-predict");
    const Outcome p = test::run_program({NNLAB_PREDICT_EXE, (out / "model.bin").string(), pgm_of(dir, "d.pgm", 0).string()},
                                        test::stdout_to("/dev/full"));
    EXPECT_EQ(p.code, 1);
    EXPECT_CONTAINS(p.err, "nnlab-predict: error: standard output: a write failed");
}

// ---- 3. no shell -------------------------------------------------------------------------------

TEST(NoShell, FolderNamesWithQuotesArePlainNames) {
    const fs::path cwd = folder("quotes");
    for (const std::string name : {"x'; touch PWNED; echo '", "it's", "a \"b\" $(touch PWNED2) `c`"}) {
        const Outcome r = train({"--out", name}, test::in_folder(cwd));
        ASSERT_EQ(r.code, 0) << name << "\n" << r.all();
        EXPECT_TRUE(fs::exists(cwd / name / "model.bin")) << name;
        if (test::on_path("gnuplot")) {
            EXPECT_CONTAINS(r.out, "plot: " + name + "/loss.png");
            EXPECT_GT(fs::file_size(cwd / name / "loss.png"), 10000u) << name;
        }
    }
    EXPECT_FALSE(fs::exists(cwd / "PWNED")) << "a shell ran the folder name";
    EXPECT_FALSE(fs::exists(cwd / "PWNED2"));
}

// ---- 4. numbers from flags -----------------------------------------------------------------------

TEST(Flags, NumbersMustStayInRangeAsTheFloatsTheyBecome) {
    const std::pair<const char*, const char*> cases[] = {
        {"--lr=1e39", "--lr"},                 // inf as a float
        {"--lr=1e-50", "--lr"},                // 0 as a float
        {"--lr=1e-40", "--lr"},                // subnormal
        {"--momentum=0.99999999", "--momentum"},  // 1 as a float
    };
    for (const auto& [flag, name] : cases) {
        const Outcome r = test::run_program({NNLAB_TRAIN_EXE, flag, "--data", "/nonexistent"});
        EXPECT_EQ(r.code, 2) << flag << "\n" << r.all();
        EXPECT_CONTAINS(r.err, std::string("nnlab-train: error: ") + name);
    }
    const Outcome ok = test::run_program({NNLAB_TRAIN_EXE, "--momentum=0.9999999", "--lr=3e38", "--data", "/nonexistent"});
    EXPECT_EQ(ok.code, 1) << "in range: accepted, then the missing data is reported\n" << ok.all();
}

// ---- 5. nnlab-predict checks what it loaded ------------------------------------------------------

namespace {
fs::path model_with(int hidden, int classes) {
    const fs::path p = root() / ("model-" + std::to_string(hidden) + "-" + std::to_string(classes) + ".bin");
    save_model(p, Network(784, hidden, classes, 3), kMnistScale);
    return p;
}

fs::path pgm_of(const fs::path& dir, const std::string& name, int index) {
    const Dataset test = load_split(data().string(), Split::Test);
    std::ofstream pgm(dir / name, std::ios::binary);
    pgm << "P5\n28 28\n255\n";
    pgm.write(reinterpret_cast<const char*>(test.image(index)), 784);
    return dir / name;
}
}  // namespace

TEST(Predict, TheTestIndexIsCheckedAgainstTheLoadedSet) {
    const fs::path five = root() / "five";
    write_data(five, 20, 5);
    const Outcome r = predict({model_with(8, 10).string(), "--mnist-test", "7", "--data", five.string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, "--mnist-test 7: the test set in " + five.string() + " has 5 images (0 to 4)");
    const Outcome last = predict({model_with(8, 10).string(), "--mnist-test", "4", "--data", five.string()});
    EXPECT_EQ(last.code, 0) << last.all();
    EXPECT_CONTAINS(last.out, "MNIST test image 4: label 4");
}

TEST(Predict, TestImagesOfAnotherShapeAreRefused) {
    const fs::path wide = root() / "wide";
    write_data(wide, 20, 5, 14, 56);
    write_idx((wide / "train-images-idx3-ubyte").string(), {1, 14, 56}, std::vector<std::uint8_t>(784));
    write_idx((wide / "train-labels-idx1-ubyte").string(), {1}, {0});
    const Outcome r = predict({model_with(8, 10).string(), "--mnist-test", "0", "--data", wide.string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, wide.string() + ": its test images are 14×56; the model reads 28×28");
}

TEST(Predict, AModelWithFewerThanThreeClassesShowsWhatItHas) {
    const fs::path dir = folder("two-classes");
    const Outcome r = predict({model_with(4, 2).string(), pgm_of(dir, "d.pgm", 0).string()});
    ASSERT_EQ(r.code, 0) << r.all();
    EXPECT_CONTAINS(r.out, "d.pgm: ");
    EXPECT_CONTAINS(r.out, "top-2: ");
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '%'), 2) << r.out;
}

TEST(Predict, EachImageFailsAloneAndLeavesNoHalfLine) {
    const fs::path dir = folder("several");
    const fs::path good = pgm_of(dir, "good.pgm", 3), other = pgm_of(dir, "other.pgm", 5);
    fs::create_directories(dir / "a-folder");
    ASSERT_EQ(mkfifo((dir / "a-fifo").c_str(), 0600), 0);
    std::ofstream(dir / "text.txt") << "not an image";
    const Outcome r = predict({model_with(8, 10).string(), good.string(), (dir / "a-folder").string(), "/dev/zero",
                           (dir / "a-fifo").string(), (dir / "text.txt").string(), other.string()});
    EXPECT_EQ(r.code, 1);
    // stdout: exactly the two good images, each a whole line.
    std::vector<std::string> lines;
    std::istringstream out(r.out);
    for (std::string line; std::getline(out, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 2u) << r.out;
    EXPECT_EQ(lines[0].rfind(good.string() + ": ", 0), 0u) << lines[0];
    EXPECT_CONTAINS(lines[0], "top-3:");
    EXPECT_EQ(lines[1].rfind(other.string() + ": ", 0), 0u) << lines[1];
    // stderr: each failure names its file.
    EXPECT_CONTAINS(r.err, (dir / "a-folder").string() + ": a directory, not a file");
    EXPECT_CONTAINS(r.err, "/dev/zero: a device, not a regular file");
    EXPECT_CONTAINS(r.err, (dir / "a-fifo").string() + ": a FIFO, not a regular file");
    EXPECT_CONTAINS(r.err, (dir / "text.txt").string() + ": not a PGM (P2/P5) or PNG image");
    // The model file is read the same way.
    const Outcome m = predict({(dir / "a-folder").string(), good.string()});
    EXPECT_EQ(m.code, 1);
    EXPECT_CONTAINS(m.err, (dir / "a-folder").string() + ": a directory, not a file");
}

#ifdef NNLAB_HAVE_PNG
TEST(Predict, InkOnATransparentBackgroundIsCompositedOverPaper) {
    // What drawing programs export: black strokes whose opacity is the ink, on transparent
    // black. The same digit as an opaque PGM must read the same.
    const fs::path dir = folder("transparent");
    const fs::path out = root() / "transparent-run";
    ASSERT_EQ(train({"--out", out.string(), "--no-plot", "--epochs", "3", "--hidden", "16"}).code, 0);
    const Dataset test = load_split(data().string(), Split::Test);
    const std::uint8_t* digit = test.image(3);
    std::vector<std::uint8_t> gray_alpha(2 * 784);
    for (std::size_t i = 0; i < 784; ++i) gray_alpha[2 * i] = 0, gray_alpha[2 * i + 1] = digit[i];
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = png.height = 28;
    png.format = PNG_FORMAT_GA;
    ASSERT_TRUE(png_image_write_to_file(&png, (dir / "ink.png").c_str(), 0, gray_alpha.data(), 0, nullptr));
    const fs::path pgm = pgm_of(dir, "opaque.pgm", 3);
    const Outcome r = predict({(out / "model.bin").string(), (dir / "ink.png").string(), pgm.string()});
    ASSERT_EQ(r.code, 0) << r.all();
    std::istringstream lines(r.out);
    std::string ink, opaque;
    std::getline(lines, ink);
    std::getline(lines, opaque);
    EXPECT_EQ(ink.substr(ink.find(": ")), opaque.substr(opaque.find(": "))) << r.out;
    EXPECT_EQ(ink.substr(ink.find(": ") + 2, 1), "3") << r.out;
}
#endif

// ---- the library under the programs -------------------------------------------------------------

TEST(Library, WriteFileAtomicallyNamesTheFileAndLeavesNoTemporary) {
    const fs::path dir = folder("atomic");
    write_file_atomically(dir / "a.txt", "first");
    write_file_atomically(dir / "a.txt", "second");
    EXPECT_EQ(test::slurp(dir / "a.txt"), "second");
    try {
        write_file_atomically(dir / "missing" / "b.txt", "x");
        FAIL() << "expected OutputError";
    } catch (const OutputError& e) {
        EXPECT_CONTAINS(std::string(e.what()), (dir / "missing" / "b.txt").string() + ": cannot create b.txt.tmp-");
        EXPECT_CONTAINS(std::string(e.what()), "No such file or directory");
    }
    fs::create_directories(dir / "c.txt" / "occupied");  // a folder where the file should go
    try {
        write_file_atomically(dir / "c.txt", "x");
        FAIL() << "expected OutputError";
    } catch (const OutputError& e) {
        EXPECT_CONTAINS(std::string(e.what()), (dir / "c.txt").string() + ": cannot rename c.txt.tmp-");
    }
    EXPECT_TRUE(leftovers(dir).empty());
}

TEST(Library, OpenRunFolderReusesAFolderOnlyWhenAsked) {
    Options o;
    o.out = (folder("open") / "run").string();
    EXPECT_EQ(open_run_folder(o), fs::path(o.out));
    std::ofstream(fs::path(o.out) / "loss.png") << "an earlier plot";
    std::ofstream(fs::path(o.out) / "model.bin") << "an earlier model";
    try {
        open_run_folder(o);
        FAIL() << "expected OutputError";
    } catch (const OutputError& e) {
        EXPECT_CONTAINS(std::string(e.what()), o.out + ": the run folder already exists");
    }
    EXPECT_TRUE(fs::exists(fs::path(o.out) / "loss.png")) << "nothing touched before the check";
    o.resume = (fs::path(o.out) / "model.bin").string();
    open_run_folder(o);
    EXPECT_FALSE(fs::exists(fs::path(o.out) / "loss.png")) << "an earlier run's plot is not left beside the new one";
    EXPECT_TRUE(fs::exists(fs::path(o.out) / "model.bin")) << "the model resumed from is kept";
    o.resume.clear();
    o.force = true;
    open_run_folder(o);
    EXPECT_FALSE(fs::exists(fs::path(o.out) / "model.bin")) << "--force: a new run, no earlier model";
}
