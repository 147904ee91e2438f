#include "run_folder.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <system_error>

#include "train/output_file.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

// 20261130-041502.137-4711: local date and time to the millisecond, and this process's id.
std::string default_run_name() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm local{};
    localtime_r(&seconds, &local);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &local);
    std::snprintf(buf + n, sizeof buf - n, ".%03d-%d", static_cast<int>(ms), static_cast<int>(::getpid()));
    return buf;
}

[[noreturn]] void cannot_create(const fs::path& dir, const std::error_code& ec) {
    throw OutputError(dir.string() + ": cannot create the run folder: " + ec.message());
}

// mkdir: true when this call created `dir`, false when it already existed.
bool create_new_folder(const fs::path& dir) {
    std::error_code ec;
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    if (ec) cannot_create(dir, ec);
    const bool created = fs::create_directory(dir, ec);
    if (ec) cannot_create(dir, ec);
    return created;
}

fs::path new_default_folder() {
    const fs::path base = fs::path("runs") / default_run_name();
    for (int n = 1; n <= 1000; ++n) {
        const fs::path dir = n == 1 ? base : fs::path(base.string() + "-" + std::to_string(n));
        if (create_new_folder(dir)) return dir;
    }
    throw OutputError(base.string() + ": cannot create the run folder: 1000 folders of that name exist");
}

// True when `model` is a file inside `dir` (--resume DIR/model.bin --out DIR).
bool resumes_from(const fs::path& dir, const std::string& model) {
    if (model.empty()) return false;
    std::error_code ec;
    return fs::equivalent(fs::absolute(model).parent_path(), dir, ec);
}

// The files a run writes, and the temporary names of a run that was killed mid-write.
// The files an earlier run wrote into `dir` (model.bin too, unless this run resumes from it).
void remove_earlier_outputs(const fs::path& dir, bool keep_model) {
    for (const char* name : {"config.json", "metrics.csv", "confusion.csv", "loss.gp", "loss.png", "gnuplot.log"})
        fs::remove(dir / name);
    if (!keep_model) fs::remove(dir / "model.bin");
}

}  // namespace

fs::path open_run_folder(const Options& o) {
    if (o.out.empty()) return new_default_folder();
    const fs::path dir = o.out;
    if (create_new_folder(dir)) return dir;
    if (!fs::is_directory(dir)) throw OutputError(dir.string() + ": --out names a file that is not a folder");
    if (resumes_from(dir, o.resume)) {
        remove_earlier_outputs(dir, true);
        return dir;
    }
    if (!o.force)
        throw OutputError(dir.string() + ": the run folder already exists (an earlier run's?); nothing was written. "
                                         "Choose a new --out, resume from it (--resume " +
                          (dir / "model.bin").string() + "), or add --force to replace its files");
    remove_earlier_outputs(dir, false);
    return dir;
}

}  // namespace nnlab
