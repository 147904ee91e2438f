#include "dataset.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "data/idx.hpp"

namespace nnlab {

namespace {

const char* base_name(Split split, bool images) {
    if (split == Split::Train) return images ? "train-images-idx3-ubyte" : "train-labels-idx1-ubyte";
    return images ? "t10k-images-idx3-ubyte" : "t10k-labels-idx1-ubyte";
}

// folder/name, or folder/name.gz when only the compressed file is there.
std::string find_file(const std::string& folder, const std::string& name) {
    const std::filesystem::path raw = std::filesystem::path(folder) / name;
    if (std::filesystem::exists(raw)) return raw.string();
    const std::filesystem::path gz = std::filesystem::path(folder) / (name + ".gz");
    if (std::filesystem::exists(gz)) return gz.string();
    return raw.string();  // read_idx will say it does not exist
}

}  // namespace

Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path, const std::string& name) {
    IdxArray images = read_idx(images_path);
    IdxArray labels = read_idx(labels_path);
    if (images.dims.size() != 3)
        throw IdxError(images_path + ": expected 3 dimensions (count×rows×cols) for images, found " +
                       std::to_string(images.dims.size()));
    if (labels.dims.size() != 1)
        throw IdxError(labels_path + ": expected 1 dimension (count) for labels, found " + std::to_string(labels.dims.size()));
    if (images.dims[0] != labels.dims[0])
        throw IdxError(labels_path + ": " + std::to_string(labels.dims[0]) + " labels for " + std::to_string(images.dims[0]) +
                       " images in " + images_path + ": the counts must agree");
    for (std::size_t i = 0; i < labels.data.size(); ++i)
        if (labels.data[i] > 9)
            throw IdxError(labels_path + ": label " + std::to_string(labels.data[i]) + " at index " + std::to_string(i) +
                           " is outside 0–9");
    Dataset d;
    d.name = name;
    d.count = images.dims[0];
    d.rows = images.dims[1];
    d.cols = images.dims[2];
    d.images = std::move(images.data);
    d.labels = std::move(labels.data);
    return d;
}

Dataset load_split(const std::string& folder, Split split) {
    const std::string set = std::filesystem::path(folder).filename().string();
    Dataset d = load_idx_dataset(find_file(folder, base_name(split, true)), find_file(folder, base_name(split, false)),
                                 set + (split == Split::Train ? "/train" : "/test"));
    if (set == "mnist") d.scale = kMnistScale;
    else if (set == "fashion-mnist") d.scale = kFashionScale;
    else d.scale = pixel_statistics(d);
    return d;
}

TrainTest load_train_test(const std::string& folder) {
    TrainTest t{load_split(folder, Split::Train), load_split(folder, Split::Test)};
    if (t.train.rows != t.test.rows || t.train.cols != t.test.cols)
        throw IdxError(find_file(folder, base_name(Split::Test, true)) + ": test images are " + std::to_string(t.test.rows) +
                       "×" + std::to_string(t.test.cols) + ", the training images " + std::to_string(t.train.rows) + "×" +
                       std::to_string(t.train.cols) + ": the two splits must have one shape");
    t.test.scale = t.train.scale;
    return t;
}

PixelScale pixel_statistics(const Dataset& data) {
    // A histogram of the 256 byte values gives the exact moments in one pass.
    std::vector<double> count(256, 0.0);
    for (std::uint8_t b : data.images) count[b] += 1.0;
    double n = 0, sum = 0, sum_sq = 0;
    for (int v = 0; v < 256; ++v) {
        const double x = v / 255.0;
        n += count[static_cast<std::size_t>(v)];
        sum += count[static_cast<std::size_t>(v)] * x;
        sum_sq += count[static_cast<std::size_t>(v)] * x * x;
    }
    if (n == 0) return {};
    const double mean = sum / n, var = sum_sq / n - mean * mean;
    return {static_cast<float>(mean), static_cast<float>(var > 0 ? std::sqrt(var) : 1.0)};
}

std::string data_dir() {
    const char* env = std::getenv("NNLAB_DATA_DIR");
    return env != nullptr && *env != '\0' ? env : NNLAB_DEFAULT_DATA_DIR;
}

bool has_dataset(const std::string& folder) {
    for (Split s : {Split::Train, Split::Test})
        for (bool images : {true, false})
            if (!std::filesystem::exists(find_file(folder, base_name(s, images)))) return false;
    return true;
}

void fill_batch(const Dataset& data, const int* indices, int n, Matrix& x, std::vector<int>& y) {
    const int f = data.features();
    x.resize(n, f);
    y.resize(static_cast<std::size_t>(n));
    // x = (byte/255 − mean)/stddev = byte·scale + offset, as one multiply-add per pixel
    const float scale = 1.0f / (255.0f * data.scale.stddev);
    const float offset = -data.scale.mean / data.scale.stddev;
    // Rows are independent: OpenMP's threads (as many as set_gemm_threads asked for) take
    // a share each — the conversion is ~5% of a training step, serial it would cap what a
    // second core adds. A batch under kRowsPerThread rows per thread is not worth the fork.
    constexpr int kRowsPerThread = 16;
#pragma omp parallel for schedule(static) if (n >= 2 * kRowsPerThread)
    for (int r = 0; r < n; ++r) {
        // The images of a shuffled batch lie anywhere in 47 MB: ask for the next one's cache
        // lines now, so they arrive while this one is converted.
        if (r + 1 < n)
            for (int line = 0; line < f; line += 64) __builtin_prefetch(data.image(indices[r + 1]) + line);
        const std::uint8_t* src = data.image(indices[r]);
        float* dst = x.row(r);
        for (int j = 0; j < f; ++j) dst[j] = static_cast<float>(src[j]) * scale + offset;
        y[static_cast<std::size_t>(r)] = data.labels[static_cast<std::size_t>(indices[r])];
    }
}

}  // namespace nnlab
