#include "plot.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "train/output_file.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

// A string as a gnuplot single-quoted literal: inside one, '' stands for '.
std::string gnuplot_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// The full path of `program` on $PATH, or "" when it is not there.
std::string find_on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate;
    }
    return "";
}

struct Captured {
    int status = -1;          // as waitpid reports it
    std::string out, err;     // the program's standard output and error
};

// Runs argv[0] (a full path) in folder `cwd`, its output and errors captured; no shell.
Captured run_captured(const std::vector<std::string>& argv, const fs::path& cwd) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return {};
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]), ::close(out_pipe[1]);
        return {};
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {  // the child: only async-signal-safe calls until exec
        if (::chdir(cwd.c_str()) != 0 || ::dup2(out_pipe[1], 1) < 0 || ::dup2(err_pipe[1], 2) < 0) ::_exit(126);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]), ::close(err_pipe[1]);
    Captured c;
    // Read both pipes as they fill: a child blocked on a full stderr pipe would never finish its stdout.
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&c.out, &c.err};
    for (int open = pid > 0 ? 2 : 0; open > 0;) {
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buf[65536];
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) sinks[i]->append(buf, static_cast<std::size_t>(n));
            else if (n == 0 || errno != EINTR) ::close(fds[i].fd), fds[i].fd = -1, --open;
        }
    }
    for (const pollfd& p : fds)
        if (p.fd >= 0) ::close(p.fd);
    if (pid > 0)
        while (::waitpid(pid, &c.status, 0) < 0 && errno == EINTR) {
        }
    return c;
}

// A whole PNG: the 8-byte signature first and the IEND chunk last.
bool is_whole_png(const std::string& b) {
    static const std::string signature = "\x89PNG\r\n\x1a\n";
    static const std::string iend("\0\0\0\0IEND\xae\x42\x60\x82", 12);
    return b.size() > signature.size() + iend.size() && b.compare(0, signature.size(), signature) == 0 &&
           b.compare(b.size() - iend.size(), iend.size(), iend) == 0;
}

}  // namespace

void write_plot_script(const fs::path& run_dir, const std::string& title) {
    std::ostringstream gp;
    // metrics.csv rows: kind,epoch,samples,train_loss,test_loss,test_accuracy,seconds,lr
    // kind "step" rows hold the running train loss every few steps; "epoch" rows the rest.
    // The trainer runs it with -e to_stdout=1 and writes loss.png itself (every write checked).
    gp << "# Render with: gnuplot loss.gp   (in this folder; writes loss.png)\n"
          "set terminal pngcairo size 900,720 font 'sans,10'\n"
          "if (!exists('to_stdout')) set output 'loss.png'\n"
          "set datafile separator ','\n"
          "set key top right\n"
          "set grid\n"
          "set xrange [0:*]\n"
          "set multiplot layout 2,1 title "
       << gnuplot_quote(title)
       << "\n"
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
    write_file_atomically(run_dir / "loss.gp", gp.str());
}

std::string render_plot(const fs::path& run_dir) {
    const std::string by_hand = "cd " + run_dir.string() + " && gnuplot loss.gp";
    const std::string gnuplot = find_on_path("gnuplot");
    if (gnuplot.empty())
        return "gnuplot is not installed, so no loss.png (sudo apt-get install gnuplot-nox; then: " + by_hand + ")";
    const Captured c = run_captured({gnuplot, "-e", "to_stdout=1", "loss.gp"}, run_dir);
    const bool ran = WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0;
    if (!ran || !is_whole_png(c.out)) {
        write_file_atomically(run_dir / "gnuplot.log", c.err);
        return "gnuplot failed (see " + (run_dir / "gnuplot.log").string() + "); render by hand: " + by_hand;
    }
    write_file_atomically(run_dir / "loss.png", c.out);
    return "";
}

}  // namespace nnlab
