// plot.hpp — the loss and accuracy curves of a run, drawn by gnuplot.
#pragma once

#include <string>

namespace nnlab {

// Writes run_dir/loss.gp: a gnuplot script that reads run_dir/metrics.csv and draws
// train and test loss (top) and test accuracy (bottom) against epochs into loss.png.
void write_plot_script(const std::string& run_dir, const std::string& title);

// Runs gnuplot on loss.gp in run_dir. Returns "" when loss.png was rendered, else one line
// saying why not and how to render it later (gnuplot missing: how to install it).
std::string render_plot(const std::string& run_dir);

}  // namespace nnlab
