// plot.hpp — the loss and accuracy curves of a run, drawn by gnuplot.
#pragma once

#include <filesystem>
#include <string>

namespace nnlab {

// Writes run_dir/loss.gp: a gnuplot script that reads metrics.csv in its folder and draws
// train and test loss (top) and test accuracy (bottom) against epochs into loss.png.
void write_plot_script(const std::filesystem::path& run_dir, const std::string& title);

// Renders run_dir/loss.png: starts gnuplot (found on PATH) with an argument vector — no
// shell sees the folder's name — in run_dir on loss.gp, takes the PNG from its standard
// output, checks that it is whole, and writes it as loss.png (temporary name, renamed).
// Returns "" when loss.png was written, else one line saying why not and how to render it
// later (gnuplot missing: how to install it; gnuplot failed: its messages in gnuplot.log).
// Throws OutputError when loss.png or gnuplot.log cannot be written.
std::string render_plot(const std::filesystem::path& run_dir);

}  // namespace nnlab
