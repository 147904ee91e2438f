// run_program.hpp — runs a program for a test: an argument vector (no shell, so any folder
// name is passed as it is), standard output and error captured apart, optionally in another
// folder and with a file-size limit (RLIMIT_FSIZE: a stand-in for a full disk — a write past
// it fails with EFBIG, as one on a full disk fails with ENOSPC).
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nnlab::test {

struct Outcome {
    int code = -1;    // the exit code; -1 when killed by a signal
    std::string out;  // standard output
    std::string err;  // standard error
    std::string all() const { return out + err; }
};

struct RunOptions {
    std::filesystem::path cwd;       // empty: the test's own
    long long file_size_limit = -1;  // bytes; -1: none
    std::string stdout_to;           // a file for standard output instead of the capture (e.g. /dev/full)
};

inline RunOptions in_folder(const std::filesystem::path& cwd) {
    RunOptions o;
    o.cwd = cwd;
    return o;
}
inline RunOptions file_size_limit(long long bytes) {
    RunOptions o;
    o.file_size_limit = bytes;
    return o;
}
inline RunOptions stdout_to(const std::string& path) {
    RunOptions o;
    o.stdout_to = path;
    return o;
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline Outcome run_program(const std::vector<std::string>& argv, const RunOptions& how = {}) {
    static std::atomic<int> n{0};
    const std::filesystem::path base = std::filesystem::temp_directory_path() /
                                       ("nnlab-run-" + std::to_string(getpid()) + "-" + std::to_string(n++));
    const std::string out_path = base.string() + ".out", err_path = base.string() + ".err";
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        const int out = how.stdout_to.empty() ? open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600)
                                              : open(how.stdout_to.c_str(), O_WRONLY);
        const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
        if (!how.cwd.empty() && chdir(how.cwd.c_str()) != 0) _exit(126);
        if (how.file_size_limit >= 0) {
            signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG instead of killing the process
            const rlimit limit{static_cast<rlim_t>(how.file_size_limit), static_cast<rlim_t>(how.file_size_limit)};
            setrlimit(RLIMIT_FSIZE, &limit);
        }
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    std::filesystem::remove(out_path);
    std::filesystem::remove(err_path);
    return r;
}

// True when `program` is an executable file in a folder of $PATH.
inline bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    return false;
}

// "a b  c" → {"a", "b", "c"}: for arguments without spaces.
inline std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string x; in >> x;) w.push_back(x);
    return w;
}

}  // namespace nnlab::test
