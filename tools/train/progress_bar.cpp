#include "progress_bar.hpp"

#include <unistd.h>

#include <cstdio>

namespace nnlab {

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) != 0; }

ProgressBar::ProgressBar(bool enabled, std::string label, int total)
    : enabled_(enabled), label_(std::move(label)), total_(total), start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressBar::update(int done, float running_loss) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(static_cast<long>(kWidth) * done / total_);
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? done / seconds : 0;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::printf("\r%s [%s] %3d%%  %7.0f samples/s  loss %.4f", label_.c_str(), bar.c_str(),
                static_cast<int>(100L * done / total_), rate, static_cast<double>(running_loss));
    std::fflush(stdout);
}

void ProgressBar::finish() {
    if (!enabled_) return;
    std::printf("\r\033[K");  // back to the start of the line, and clear it
    std::fflush(stdout);
}

}  // namespace nnlab
