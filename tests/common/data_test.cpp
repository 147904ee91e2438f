// Tests of the data layer (label data): IDX round trips, one clear error per kind of
// corruption, and the real MNIST and Fashion-MNIST files when they have been fetched.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "data/huge_pages.hpp"
#include "data/idx.hpp"
#include "core/random.hpp"

using namespace nnlab;
namespace fs = std::filesystem;

namespace {

std::string temp_path(const std::string& name) {
    const fs::path dir = fs::path(::testing::TempDir()) / "nnlab-data-test";
    fs::create_directories(dir);
    return (dir / name).string();
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// The message of the IdxError that reading `path` throws ("" when nothing is thrown).
std::string read_error(const std::string& path) {
    try {
        read_idx(path);
    } catch (const IdxError& e) {
        return e.what();
    }
    return "";
}

// A valid little images file: 3 images of 2×2.
std::string small_images(const std::string& name) {
    const std::string path = temp_path(name);
    write_idx(path, {3, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255});
    return path;
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << "message: " << (text)

}  // namespace

TEST(Idx, RoundTripRawAndGzip) {
    Rng rng(1);
    std::vector<std::uint8_t> data(5 * 7 * 3);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng.below(256));
    for (const char* name : {"round.idx", "round.idx.gz"}) {
        const std::string path = temp_path(name);
        write_idx(path, {5, 7, 3}, data);
        const IdxArray back = read_idx(path);
        EXPECT_EQ(back.dims, (std::vector<int>{5, 7, 3})) << name;
        EXPECT_EQ(back.data, data) << name;
        for (const auto& entry : fs::directory_iterator(fs::path(path).parent_path()))
            EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
                << "the temporary file is renamed away: " << entry.path();
    }
    EXPECT_EQ(read_bytes(temp_path("round.idx.gz"))[0], 0x1F) << "a .gz name is written gzip-compressed";
}

TEST(Idx, MissingFile) { EXPECT_CONTAINS(read_error(temp_path("no-such-file")), "no-such-file: no such file"); }

TEST(Idx, ZeroSizeFile) {
    write_bytes(temp_path("empty"), {});
    EXPECT_CONTAINS(read_error(temp_path("empty")), "the file is empty");
}

TEST(Idx, WrongMagic) {
    auto bytes = read_bytes(small_images("magic"));
    bytes[0] = 0x12;
    write_bytes(temp_path("magic"), bytes);
    EXPECT_CONTAINS(read_error(temp_path("magic")), "bad magic number: expected 0x00 0x00 at the start, found 0x12 0x00");
}

TEST(Idx, WrongElementType) {
    auto bytes = read_bytes(small_images("type"));
    bytes[2] = 0x0D;  // float
    write_bytes(temp_path("type"), bytes);
    EXPECT_CONTAINS(read_error(temp_path("type")), "element type 0x0D is not supported");
}

TEST(Idx, TruncatedHeader) {
    write_bytes(temp_path("header"), {0, 0, 8, 3, 0, 0, 0, 3, 0});
    EXPECT_CONTAINS(read_error(temp_path("header")), "truncated header: 3 dimensions need 16 bytes, the file has 9");
    write_bytes(temp_path("header2"), {0, 0});
    EXPECT_CONTAINS(read_error(temp_path("header2")), "truncated header: 2 bytes");
}

TEST(Idx, TruncatedBody) {
    auto bytes = read_bytes(small_images("body"));
    bytes.erase(bytes.end() - 5, bytes.end());  // (resize() here trips a GCC 12 -O1 false warning)
    write_bytes(temp_path("body"), bytes);
    EXPECT_CONTAINS(read_error(temp_path("body")), "truncated data: the header says 3×2×2 = 12 bytes, found 7");
}

TEST(Idx, TrailingBytes) {
    auto bytes = read_bytes(small_images("trailing"));
    bytes.push_back(1);
    write_bytes(temp_path("trailing"), bytes);
    EXPECT_CONTAINS(read_error(temp_path("trailing")), "1 bytes after the end of the 3×2×2 data");
}

TEST(Idx, CorruptGzipStream) {
    write_idx(temp_path("bad.gz"), {100}, std::vector<std::uint8_t>(100, 7));
    auto bytes = read_bytes(temp_path("bad.gz"));
    for (std::size_t i = 12; i < bytes.size() - 8; ++i) bytes[i] ^= 0x5A;
    write_bytes(temp_path("bad.gz"), bytes);
    EXPECT_CONTAINS(read_error(temp_path("bad.gz")), "corrupt gzip stream");

    write_idx(temp_path("cut.gz"), {1000}, std::vector<std::uint8_t>(1000, 7));
    auto cut = read_bytes(temp_path("cut.gz"));
    cut.resize(cut.size() / 2);
    write_bytes(temp_path("cut.gz"), cut);
    EXPECT_CONTAINS(read_error(temp_path("cut.gz")), "corrupt gzip stream: it ends early");
}

TEST(Dataset, CountMismatch) {
    const std::string images = small_images("images3");
    write_idx(temp_path("labels4"), {4}, {1, 2, 3, 4});
    try {
        load_idx_dataset(images, temp_path("labels4"), "t");
        FAIL() << "expected IdxError";
    } catch (const IdxError& e) {
        EXPECT_CONTAINS(e.what(), "4 labels for 3 images");
    }
}

TEST(Dataset, LabelOutOfRange) {
    write_idx(temp_path("labels10"), {3}, {1, 10, 3});
    try {
        load_idx_dataset(small_images("images3b"), temp_path("labels10"), "t");
        FAIL() << "expected IdxError";
    } catch (const IdxError& e) {
        EXPECT_CONTAINS(e.what(), "label 10 at index 1 is outside 0–9");
    }
}

TEST(Dataset, FillBatchScalesToUnitRange) {
    write_idx(temp_path("labels3"), {3}, {4, 5, 6});
    const Dataset d = load_idx_dataset(small_images("images3c"), temp_path("labels3"), "t");
    Matrix x;
    std::vector<int> y;
    const int picks[] = {2, 0};
    fill_batch(d, picks, 2, x, y);
    ASSERT_EQ(x.shape(), "2×4");
    EXPECT_FLOAT_EQ(x(0, 3), 1.0f);  // byte 255
    EXPECT_FLOAT_EQ(x(0, 0), 8.0f / 255.0f);
    EXPECT_FLOAT_EQ(x(1, 1), 1.0f / 255.0f);
    EXPECT_EQ(y, (std::vector<int>{6, 4}));
}

TEST(Dataset, FillBatchStandardizes) {
    write_idx(temp_path("labels3s"), {3}, {4, 5, 6});
    Dataset d = load_idx_dataset(small_images("images3s"), temp_path("labels3s"), "t");
    d.scale = {0.5f, 0.25f};
    Matrix x;
    std::vector<int> y;
    const int picks[] = {2};
    fill_batch(d, picks, 1, x, y);
    EXPECT_NEAR(x(0, 3), (1.0f - 0.5f) / 0.25f, 1e-6f);            // byte 255
    EXPECT_NEAR(x(0, 0), (8.0f / 255.0f - 0.5f) / 0.25f, 1e-6f);   // byte 8
    // pixel_statistics: bytes 0…11 and 255 of images3s
    const PixelScale s = pixel_statistics(d);
    double mean = 0, sq = 0;
    for (auto b : d.images) mean += b / 255.0 / d.images.size();
    for (auto b : d.images) sq += (b / 255.0 - mean) * (b / 255.0 - mean) / d.images.size();
    EXPECT_NEAR(s.mean, mean, 1e-6);
    EXPECT_NEAR(s.stddev, std::sqrt(sq), 1e-6);
}

TEST(Dataset, TestSplitTakesTheTrainingScale) {
    // A folder with any other name than mnist/fashion-mnist: statistics come from the data.
    const fs::path dir = fs::path(temp_path("split-scale"));
    fs::create_directories(dir);
    write_idx((dir / "train-images-idx3-ubyte").string(), {2, 2, 2}, {0, 0, 0, 0, 255, 255, 255, 255});
    write_idx((dir / "train-labels-idx1-ubyte").string(), {2}, {0, 1});
    write_idx((dir / "t10k-images-idx3-ubyte").string(), {1, 2, 2}, {255, 255, 255, 0});
    write_idx((dir / "t10k-labels-idx1-ubyte").string(), {1}, {1});
    const auto [train, test] = load_train_test(dir.string());
    EXPECT_NEAR(train.scale.mean, 0.5f, 1e-6f);   // half 0, half 255
    EXPECT_NEAR(train.scale.stddev, 0.5f, 1e-6f);
    EXPECT_EQ(test.scale.mean, train.scale.mean) << "the test split is standardized with the training statistics";
    EXPECT_EQ(test.scale.stddev, train.scale.stddev);
    EXPECT_NEAR(load_split(dir.string(), Split::Test).scale.mean, 0.75f, 1e-6f) << "a lone split uses its own";
}

// ---- the real files (fetched by the data.fetch fixture; skipped when offline) ----------

namespace {
void check_real(const std::string& folder, const std::array<int, 10>& train_counts, PixelScale scale) {
    const std::string dir = data_dir() + "/" + folder;
    if (!has_dataset(dir)) GTEST_SKIP() << folder << " not found in " << dir << "; fetch it with: cmake -P data/fetch.cmake "
                                        << (folder == "mnist" ? "mnist" : "fashion");
    const auto [train, test] = load_train_test(dir);
    EXPECT_EQ(train.count, 60000);
    EXPECT_EQ(test.count, 10000);
    EXPECT_EQ(train.rows, 28);
    EXPECT_EQ(train.cols, 28);
    std::array<int, 10> counts{};
    for (auto label : train.labels) ++counts[label];
    EXPECT_EQ(counts, train_counts);
    // Pixels span the full byte range: ink 255, background 0.
    int lo = 255, hi = 0;
    for (auto p : train.images) {
        lo = std::min<int>(lo, p);
        hi = std::max<int>(hi, p);
    }
    EXPECT_EQ(lo, 0);
    EXPECT_EQ(hi, 255);
    // The standardization constants in dataset.hpp are this training set's statistics.
    const PixelScale measured = pixel_statistics(train);
    EXPECT_NEAR(measured.mean, scale.mean, 1e-6);
    EXPECT_NEAR(measured.stddev, scale.stddev, 1e-6);
    EXPECT_EQ(test.scale.mean, scale.mean) << "the test split is standardized with the training statistics";
}
}  // namespace

TEST(RealData, Mnist) { check_real("mnist", {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, kMnistScale); }

TEST(RealData, FashionMnist) {
    std::array<int, 10> six_thousand;
    six_thousand.fill(6000);
    check_real("fashion-mnist", six_thousand, kFashionScale);
}

// The kernel's setting for transparent huge pages, "[madvise]" etc., or "" where there is none.
std::string thp_setting(const char* which) {
    std::ifstream f(std::string("/sys/kernel/mm/transparent_hugepage/") + which);
    std::string line;
    std::getline(f, line);
    return line;
}

// kB of the mapping that holds `p` backed by huge pages (/proc/self/smaps), −1 if not found.
long huge_kb_around(const void* p) {
    std::ifstream smaps("/proc/self/smaps");
    const auto addr = reinterpret_cast<std::uintptr_t>(p);
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        unsigned long lo = 0, hi = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2) {  // a mapping's first line: "lo-hi perms …"
            inside = lo <= addr && addr < hi;
        } else if (inside && line.rfind("AnonHugePages:", 0) == 0) {
            return std::stol(line.substr(14));
        }
    }
    return -1;
}

// A data set's buffer asks for 2 MiB pages before it is filled: where the kernel grants
// them on request (madvise), an 8 MiB buffer holds at least one.
TEST(HugePages, ADataSetBufferGetsThem) {
    std::vector<std::uint8_t> buffer;
    reserve_in_huge_pages(buffer, std::size_t{8} << 20);
    ASSERT_GE(buffer.capacity(), std::size_t{8} << 20);
    const std::string enabled = thp_setting("enabled"), defrag = thp_setting("defrag");
    // Only where a fault in an advised range may compact memory to find a 2 MiB page at once.
    const bool granted_on_request = (enabled.find("[always]") != std::string::npos || enabled.find("[madvise]") != std::string::npos) &&
                                    (defrag.find("[always]") != std::string::npos || defrag.find("[madvise]") != std::string::npos ||
                                     defrag.find("[defer+madvise]") != std::string::npos);
    if (!granted_on_request)
        GTEST_SKIP() << "transparent huge pages are not granted on request here (" << enabled << "; defrag " << defrag << ")";
    buffer.resize(std::size_t{8} << 20, 1);  // the first touch: the kernel chooses the pages now
    EXPECT_GE(huge_kb_around(buffer.data() + (std::size_t{4} << 20)), 2048) << "enabled " << enabled << ", defrag " << defrag;
}
