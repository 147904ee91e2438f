#include "run_test.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <random>
#include <sstream>

#include "grading/record.hpp"

extern char** environ;

namespace nnlab::grade {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::atomic<bool> interrupted{false};

namespace {

void on_interrupt(int) { interrupted = true; }

std::string make_nonce() {
    std::random_device device;  // /dev/urandom
    std::ostringstream out;
    for (int i = 0; i < 4; ++i) out << std::hex << device();
    return out.str();
}

// A pipe whose ends are above the standard descriptors and close on exec (dup2 in the
// child clears that flag on the copy it makes).
bool make_pipe(int fds[2]) {
    int raw[2];
    if (::pipe2(raw, O_CLOEXEC) != 0) return false;
    for (int i = 0; i < 2; ++i) {
        fds[i] = ::fcntl(raw[i], F_DUPFD_CLOEXEC, 10);
        ::close(raw[i]);
    }
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    return fds[0] >= 0 && fds[1] >= 0;
}

// A child process in its own group with its output (and optionally a record pipe) captured.
struct Child {
    pid_t pid = -1;
    int out = -1, record = -1;  // our read ends
    std::string output, records;
    int status = 0;
    bool exited = false, timed_out = false, stopped = false;
};

bool spawn(Child& child, const std::vector<std::string>& argv, const std::vector<std::string>& env, bool with_record,
           std::string& error, const fs::path& cwd) {
    int out[2], rec[2] = {-1, -1};
    if (!make_pipe(out) || (with_record && !make_pipe(rec))) {
        error = std::string("cannot make a pipe: ") + std::strerror(errno);
        return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    if (with_record) posix_spawn_file_actions_adddup2(&actions, rec[1], 3);
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);  // its own group: we can kill everything it starts
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const int rc = posix_spawn(&child.pid, argv[0].c_str(), &actions, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(out[1]);
    if (with_record) ::close(rec[1]);
    child.out = out[0];
    child.record = with_record ? rec[0] : -1;
    if (rc != 0) {
        error = "cannot run " + argv[0] + ": " + std::strerror(rc);
        ::close(child.out);
        if (child.record >= 0) ::close(child.record);
        return false;
    }
    return true;
}

// Reads what is there without blocking; false at end of file.
bool drain(int fd, std::string& into, std::size_t limit) {
    char buffer[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            if (into.size() < limit) into.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), limit - into.size()));
            continue;
        }
        if (n == 0) return false;
        return errno == EAGAIN || errno == EINTR;
    }
}

// Waits for the child, reading its pipes; enforces the time limit and the interrupt flag.
void supervise(Child& child, double timeout_s, double grace_s, std::size_t max_output) {
    const auto start = Clock::now();
    const auto limit = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
    const auto kill_at = limit + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(grace_s));
    bool out_open = true, rec_open = child.record >= 0, termed = false;
    while (!child.exited) {
        pollfd fds[2];
        int n = 0;
        if (out_open) fds[n++] = {child.out, POLLIN, 0};
        if (rec_open) fds[n++] = {child.record, POLLIN, 0};
        ::poll(fds, static_cast<nfds_t>(n), 50);
        if (out_open) out_open = drain(child.out, child.output, max_output);
        if (rec_open) rec_open = drain(child.record, child.records, 1 << 18);
        if (::waitpid(child.pid, &child.status, WNOHANG) == child.pid) child.exited = true;
        const auto now = Clock::now();
        if (!child.exited && interrupted) {
            ::kill(-child.pid, SIGKILL);
            child.stopped = true;
        } else if (!child.exited && now >= kill_at) {
            ::kill(-child.pid, SIGKILL);
        } else if (!child.exited && now >= limit && !termed) {
            child.timed_out = termed = true;
            ::kill(-child.pid, SIGTERM);
        }
    }
    // What it wrote before exiting; then nothing of its group may outlive it.
    if (out_open) drain(child.out, child.output, max_output);
    if (rec_open) drain(child.record, child.records, 1 << 18);
    ::kill(-child.pid, SIGKILL);
    ::close(child.out);
    if (child.record >= 0) ::close(child.record);
}

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e)
        if (std::strncmp(*e, "NNLAB_RECORD_NONCE=", 19) != 0) env.emplace_back(*e);
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

// The last lines of a test's output, to show beside a crash.
std::string tail(const std::string& text, int lines) {
    std::size_t at = text.size();
    while (at > 0 && (text[at - 1] == '\n')) --at;
    const std::size_t end = at;
    for (int seen = 0; at > 0; --at)
        if (text[at - 1] == '\n' && ++seen == lines) break;
    return grading::valid_utf8(text.substr(at, end - at));
}

std::string exit_description(int status) {
    if (WIFSIGNALED(status)) return "crashed: " + signal_name(WTERMSIG(status));
    return "exit status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

std::string signal_name(int signal) {
    if (const char* abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
    return "signal " + std::to_string(signal);
}

int run_command(const std::vector<std::string>& argv, std::string& output, double timeout_s, std::size_t max_output,
                const fs::path& cwd) {
    Child child;
    std::string error;
    if (!spawn(child, argv, environment_with({}), false, error, cwd)) {
        output = error;
        return -1;
    }
    supervise(child, timeout_s, 2, max_output);
    output = std::move(child.output);
    if (child.timed_out) output += "\n(stopped after " + std::to_string(static_cast<int>(timeout_s)) + " s)";
    return child.timed_out || child.stopped ? -1 : child.status;
}

Outcome run_test(const fs::path& program, const std::string& lab, const std::string& test, const Limits& limits,
                 const std::vector<std::string>& extra_env) {
    const std::string nonce = make_nonce();
    const std::vector<std::string> argv = {program.string(), "--gtest_filter=" + test, "--nnlab-record-fd=3",
                                           "--nnlab-quiet", "--gtest_color=no"};
    std::vector<std::string> extra = extra_env;
    extra.push_back("NNLAB_RECORD_NONCE=" + nonce);
    Child child;
    std::string error;
    if (!spawn(child, argv, environment_with(extra), true, error, {})) return {"failed", "", error, ""};
    supervise(child, limits.timeout_s, limits.grace_s, 1 << 16);

    if (child.stopped) return {"interrupted", "", "stopped (Ctrl-C)", ""};
    if (child.timed_out)
        return {"timeout", "", "timed out after " + std::to_string(static_cast<int>(limits.timeout_s)) +
                                   " s (an endless loop?); stopped with SIGTERM, then SIGKILL", ""};

    // The records: exactly one, well-formed, with our nonce, for this test of this lab.
    std::vector<grading::Record> records;
    std::string problem;
    std::istringstream lines(child.records);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        std::string why;
        auto r = grading::parse_record_line(line, nonce, why);
        if (!r) problem = why;
        else if (r->test != test || r->lab != lab) problem = "a record for another test (" + grading::valid_utf8(r->lab + " " + r->test) + ")";
        else records.push_back(*r);
    }
    if (records.size() > 1 && problem.empty()) problem = "more than one record for this test";

    if (WIFSIGNALED(child.status)) {
        std::string message = exit_description(child.status);
        if (const std::string last = tail(child.output, 5); !last.empty()) message += "\n" + last;
        return {"crashed", "", message, ""};
    }
    if (!problem.empty()) return {"failed", "", "not graded: " + problem, ""};
    if (records.empty()) {
        std::string message = "the test stopped without reporting (" + exit_description(child.status) +
                              "): exit() or _exit() called during the test?";
        if (const std::string last = tail(child.output, 5); !last.empty()) message += "\n" + last;
        return {"failed", "", message, ""};
    }
    const grading::Record& r = records.front();
    if (r.status == "passed" && WEXITSTATUS(child.status) != 0)
        return {"failed", "", "reported passed but the program ended with " + exit_description(child.status), ""};
    return {r.status, r.blocked_by, grading::valid_utf8(r.message), grading::valid_utf8(r.where)};
}

}  // namespace nnlab::grade
