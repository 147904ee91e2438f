#include "run_files.hpp"

#include <array>
#include <cmath>
#include <sstream>

#include "core/json_escape.hpp"
#include "gemm/gemm.hpp"
#include "lab01_matrix/matrix_ops.hpp"
#include "train/output_file.hpp"
#include "train/thread_choice.hpp"

namespace nnlab {

std::string text(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

void write_config(const std::filesystem::path& dir, const Options& o, const Network& net, const std::string& data_folder) {
    std::ostringstream f;
    f << "{\n  \"dataset\": \"" << o.dataset << "\",\n  \"data\": \"" << json_escape(data_folder)
      << "\",\n  \"hidden\": " << net.fc1.out() << ",\n  \"epochs\": " << o.epochs << ",\n  \"batch\": " << o.batch
      << ",\n  \"lr\": " << o.lr << ",\n  \"momentum\": " << o.momentum << ",\n  \"lr_schedule\": \"" << o.schedule
      << "\",\n  \"seed\": " << o.seed << ",\n  \"threads\": " << gemm_threads()
      << ",\n  \"threads_auto\": " << (threads_by_timing(o.threads) ? "true" : "false") << ",\n  \"resume\": \""
      << json_escape(o.resume) << "\",\n  \"edition\": \"" << NNLAB_EDITION_NAME << "\",\n  \"gemm_kernel\": \""
      << gemm_kernel_name() << "\"\n}\n";
    write_file_atomically(dir / "config.json", f.str());
}

void write_metrics(const std::filesystem::path& dir, const std::vector<MetricsRow>& rows) {
    std::ostringstream f;
    f << "kind,epoch,samples,train_loss,test_loss,test_accuracy,seconds,lr\n";
    auto num = [](double v) { return std::isnan(v) ? std::string() : text(v); };
    for (const MetricsRow& r : rows)
        f << r.kind << ',' << r.epoch << ',' << r.samples << ',' << r.train_loss << ',' << num(r.test_loss) << ','
          << num(r.test_accuracy) << ',' << num(r.seconds) << ',' << num(r.lr) << '\n';
    write_file_atomically(dir / "metrics.csv", f.str());
}

void write_confusion(const std::filesystem::path& dir, Network& net, const Dataset& test) {
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
    std::ostringstream f;
    f << "true\\predicted,0,1,2,3,4,5,6,7,8,9\n";
    for (int t = 0; t < 10; ++t) {
        f << t;
        for (int p = 0; p < 10; ++p) f << ',' << counts[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
        f << '\n';
    }
    write_file_atomically(dir / "confusion.csv", f.str());
}

}  // namespace nnlab
