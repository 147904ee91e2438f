#include "plot.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace nnlab {

void write_plot_script(const std::string& run_dir, const std::string& title) {
    std::ofstream gp(std::filesystem::path(run_dir) / "loss.gp");
    // metrics.csv rows: kind,epoch,samples,train_loss,test_loss,test_accuracy,seconds,lr
    // kind "step" rows hold the running train loss every few steps; "epoch" rows the rest.
    gp << "# Render with: gnuplot loss.gp   (in this folder; writes loss.png)\n"
          "set terminal pngcairo size 900,720 font 'sans,10'\n"
          "set output 'loss.png'\n"
          "set datafile separator ','\n"
          "set key top right\n"
          "set grid\n"
          "set xrange [0:*]\n"
          "set multiplot layout 2,1 title '"
       << title
       << "'\n"
          "set ylabel 'cross-entropy loss'\n"
          "set logscale y\n"
          "plot 'metrics.csv' using (strcol(1) eq 'step' ? $2 : NaN):4 every ::1 with lines lc rgb '#b0c4de' "
          "title 'train (running)', \\\n"
          "     'metrics.csv' using (strcol(1) eq 'epoch' ? $2 - 0.5 : NaN):4 every ::1 with points lc rgb '#1f77b4' "
          "pt 7 title 'train (epoch mean, mid-epoch)', \\\n"
          "     'metrics.csv' using (strcol(1) eq 'epoch' ? $2 : NaN):5 every ::1 with linespoints lc rgb '#d62728' "
          "pt 7 title 'test'\n"
          "unset logscale y\n"
          "set xlabel 'epoch'\n"
          "set ylabel 'test accuracy (%)'\n"
          "plot 'metrics.csv' using (strcol(1) eq 'epoch' ? $2 : NaN):($6*100) every ::1 with linespoints "
          "lc rgb '#2ca02c' pt 7 title 'test accuracy'\n"
          "unset multiplot\n";
}

std::string render_plot(const std::string& run_dir) {
    if (std::system("command -v gnuplot > /dev/null 2>&1") != 0)
        return "gnuplot is not installed, so no loss.png (sudo apt-get install gnuplot-nox; then: cd " + run_dir +
               " && gnuplot loss.gp)";
    const std::string cmd = "cd '" + run_dir + "' && gnuplot loss.gp 2> gnuplot.log";
    if (std::system(cmd.c_str()) != 0 || !std::filesystem::exists(std::filesystem::path(run_dir) / "loss.png"))
        return "gnuplot failed (see " + run_dir + "/gnuplot.log); render by hand: cd " + run_dir + " && gnuplot loss.gp";
    std::filesystem::remove(std::filesystem::path(run_dir) / "gnuplot.log");
    return "";
}

}  // namespace nnlab
