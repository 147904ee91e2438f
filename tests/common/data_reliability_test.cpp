// The data layer under hostile input (labels data, reliability): sizes that overflow, a gzip
// bomb, headers that promise more than the file holds, split shapes that disagree, and
// inputs that are not regular files. Every error names the file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "data/idx.hpp"

using namespace nnlab;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
    static const fs::path dir = [] {
        const fs::path d = fs::path(::testing::TempDir()) / ("nnlab-data-reliability-" + std::to_string(getpid()));
        fs::remove_all(d);
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

struct Cleanup : ::testing::Environment {
    void TearDown() override { fs::remove_all(temp_dir()); }
};
[[maybe_unused]] ::testing::Environment* const kCleanup = ::testing::AddGlobalTestEnvironment(new Cleanup);

std::string write_bytes(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const fs::path p = temp_dir() / name;
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return p.string();
}

// An IDX header of unsigned bytes with these dimensions.
std::vector<std::uint8_t> header(const std::vector<std::uint32_t>& dims) {
    std::vector<std::uint8_t> h = {0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
    for (std::uint32_t d : dims)
        for (int shift = 24; shift >= 0; shift -= 8) h.push_back(static_cast<std::uint8_t>(d >> shift));
    return h;
}

// gzip of `head` followed by `zeros` zero bytes, compressed as a stream (the zeros are never
// held in memory): 64 MiB of zeros become about 64 KiB.
std::vector<std::uint8_t> gzip(const std::vector<std::uint8_t>& head, std::size_t zeros) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
    std::vector<std::uint8_t> out, chunk(1 << 16);
    const std::vector<std::uint8_t> zero_block(1 << 20, 0);
    auto feed = [&](const std::uint8_t* p, std::size_t n, int flush) {
        z.next_in = const_cast<Bytef*>(p);
        z.avail_in = static_cast<uInt>(n);
        do {
            z.next_out = chunk.data();
            z.avail_out = static_cast<uInt>(chunk.size());
            deflate(&z, flush);
            out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - z.avail_out));
        } while (z.avail_out == 0);
    };
    feed(head.data(), head.size(), Z_NO_FLUSH);
    for (std::size_t left = zeros; left > 0;) {
        const std::size_t n = std::min(left, zero_block.size());
        feed(zero_block.data(), n, Z_NO_FLUSH);
        left -= n;
    }
    feed(nullptr, 0, Z_FINISH);
    deflateEnd(&z);
    return out;
}

std::string read_error(const std::string& path) {
    try {
        read_idx(path);
    } catch (const IdxError& e) {
        return e.what();
    }
    return "";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << "message: " << (text)

}  // namespace

TEST(IdxLimits, DimensionsWhoseProductWrapsAreRefused) {
    // 2^30 × 2^30 = 2^60; (2^31 − 1)^4 overflows even 64 bits; 46341² overflows the int of
    // Dataset::features(). Each is refused at the header, before any allocation.
    const std::string a = write_bytes("wrap2", header({1u << 30, 1u << 30}));
    EXPECT_CONTAINS(read_error(a), a + ": the dimensions 1073741824×1073741824 multiply to more than 1073741824 bytes");
    const std::string b = write_bytes("wrap4", header({0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF}));
    EXPECT_CONTAINS(read_error(b), b + ": the dimensions 2147483647×… multiply to more than");
    const std::string f = write_bytes("features", header({1, 46341, 46341}));
    EXPECT_CONTAINS(read_error(f), f + ": the dimensions 1×46341×46341 multiply to more than 1073741824 bytes");
    const std::string c = write_bytes("huge-dim", header({0x80000000u}));
    EXPECT_CONTAINS(read_error(c), c + ": dimension 0 is 2147483648 (1 to 2147483647 allowed)");
}

TEST(IdxLimits, GzipBombStopsAtTheHeadersPromise) {
    // The header promises 1000 bytes; the stream inflates to 64 MiB more.
    const std::string bomb = write_bytes("bomb.gz", gzip(header({1000}), std::size_t{64} << 20));
    ASSERT_LT(fs::file_size(bomb), 200000u) << "a small file";
    EXPECT_CONTAINS(read_error(bomb), bomb + ": the gzip stream inflates to more than the 1000 = 1000 bytes its header promises");
}

TEST(IdxLimits, GzipHeaderPromisingMoreThanTheFileCanHoldIsRefusedBeforeInflating) {
    const std::string liar = write_bytes("liar.gz", gzip(header({60000, 28, 28}), 100));
    EXPECT_CONTAINS(read_error(liar), liar + ": the header says 60000×28×28 = 47040000 bytes, more than a ");
    const std::string short_header = write_bytes("short-header.gz", gzip({0, 0, 8, 3, 0, 0}, 0));
    EXPECT_CONTAINS(read_error(short_header), short_header + ": truncated header: 12 bytes expected, the gzip stream holds 2");
    const std::string short_data = write_bytes("short-data.gz", gzip(header({3000}), 2000));
    EXPECT_CONTAINS(read_error(short_data), short_data + ": truncated data: the header says 3000 = 3000 bytes, the gzip stream holds 2000");
}

TEST(IdxLimits, GzipOfExactlyThePromisedSizeReads) {
    const IdxArray a = read_idx(write_bytes("exact.gz", gzip(header({10, 100}), 1000)));
    EXPECT_EQ(a.dims, (std::vector<int>{10, 100}));
    EXPECT_EQ(a.data, std::vector<std::uint8_t>(1000, 0));
}

TEST(IdxLimits, OnlyRegularFilesAreRead) {
    const fs::path dir = temp_dir() / "a-folder";
    fs::create_directories(dir);
    EXPECT_CONTAINS(read_error(dir.string()), dir.string() + ": a directory, not a file");
    const fs::path fifo = temp_dir() / "a-fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_CONTAINS(read_error(fifo.string()), fifo.string() + ": a FIFO, not a regular file");  // and no hang
    EXPECT_CONTAINS(read_error("/dev/zero"), "/dev/zero: a device, not a regular file");
    EXPECT_CONTAINS(read_error((temp_dir() / "absent").string()), "absent: no such file");
}

TEST(DatasetShapes, TrainAndTestImagesMustHaveOneShape) {
    const fs::path dir = temp_dir() / "shapes";
    fs::create_directories(dir);
    write_idx((dir / "train-images-idx3-ubyte").string(), {2, 28, 28}, std::vector<std::uint8_t>(2 * 784, 1));
    write_idx((dir / "train-labels-idx1-ubyte").string(), {2}, {0, 1});
    write_idx((dir / "t10k-images-idx3-ubyte").string(), {1, 14, 56}, std::vector<std::uint8_t>(784, 1));
    write_idx((dir / "t10k-labels-idx1-ubyte").string(), {1}, {1});
    try {
        load_train_test(dir.string());
        FAIL() << "expected IdxError";
    } catch (const IdxError& e) {
        EXPECT_CONTAINS(e.what(), "t10k-images-idx3-ubyte: test images are 14×56, the training images 28×28");
    }
}
